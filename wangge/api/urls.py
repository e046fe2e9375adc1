"""Routes of the REST API (mounted at /api/), its OpenAPI schema and the offline documentation pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from wangge.api import views
from wangge.api.views import (
    campaigns,
    classifier,
    cogovernance,
    duty,
    emergency,
    enterprises,
    evaluations,
    hall,
    hazards,
    inspections,
    keypersons,
    knowledge,
    ledgers,
    legalservice,
    mediation,
    meetings,
    party,
    projects,
    queueing,
    surveys,
    volunteers,
    workforce,
)

app_name = "api"

router = SimpleRouter()
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.StaffViewSet, basename="staff")
router.register("point-types", views.PointTypeViewSet, basename="point-type")
router.register("points", views.PointViewSet, basename="point")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("work-orders", views.WorkOrderViewSet, basename="work-order")
router.register("notifications", views.NotificationViewSet, basename="notification")
for module in (
    ledgers,
    hazards,
    keypersons,
    surveys,
    knowledge,
    mediation,
    legalservice,
    inspections,
    campaigns,
    emergency,
    duty,
    meetings,
    projects,
    hall,
    queueing,
    evaluations,
    enterprises,
    volunteers,
    workforce,
    party,
    cogovernance,
):
    module.register(router)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("measures/", views.MeasuresView.as_view(), name="measures"),
    path("locate/", views.LocateView.as_view(), name="locate"),
    path("intake/suggestions/", views.SuggestView.as_view(), name="intake-suggestions"),
    path("intel/suggestion-accuracy/", classifier.SuggestionAccuracyView.as_view(), name="suggestion-accuracy"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the pages allow no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"", views.not_found),
]
