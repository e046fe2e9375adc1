from django.contrib import admin
from django.urls import include, path

from wangge.ops import views as ops_views

urlpatterns = [
    # Health and metrics for load balancers and monitoring (wangge.ops.views).
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("wangge.api.urls")),
    path("open311/v2/", include("wangge.open311.urls")),
    path("reports/", include("wangge.reports.urls")),
    path("", include("wangge.web.urls")),
]
# Uploaded files are never routed under MEDIA_URL, in any environment: each is sent only by the view of the
# object it belongs to, after checking who asks — a case's files by web:case_attachment and the API's
# work-orders/<id>/attachments/<id>/ (wangge.core.uploads.file_response), a check-in's photo by
# reports:checkin_photo. The classifier files under MEDIA_ROOT are read by the server only.
