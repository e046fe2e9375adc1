from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
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
