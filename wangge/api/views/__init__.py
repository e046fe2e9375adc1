"""The REST API's views by domain. Every queryset starts from the requester's scope (``api.base``), so an object
outside it answers 404 exactly like a missing one; writes go through the domain services, whose rule errors
the exception handler maps to 400/403/404/409."""

from wangge.api.views.accounts import MeView, StaffViewSet, TokenView, UnitViewSet
from wangge.api.views.common import ApiPagination, ListViewSet, not_found
from wangge.api.views.notifications import NotificationViewSet
from wangge.api.views.places import PointTypeViewSet, PointViewSet
from wangge.api.views.territory import TerritoryViewSet
from wangge.api.views.workorders import CategoryViewSet, LocateView, MeasuresView, SuggestView, WorkOrderViewSet

__all__ = [
    "ApiPagination",
    "CategoryViewSet",
    "ListViewSet",
    "LocateView",
    "MeView",
    "MeasuresView",
    "NotificationViewSet",
    "PointTypeViewSet",
    "PointViewSet",
    "StaffViewSet",
    "SuggestView",
    "TerritoryViewSet",
    "TokenView",
    "UnitViewSet",
    "WorkOrderViewSet",
    "not_found",
]
