"""Admin of 共商共治, read-only and scoped: meetings, tasks, 红色物业 and 分包 are written by the services (the
pages and the API), which check the rules, keep the tasks' history and write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting, PropertyReview, RedProperty, ServiceRating
from wangge.core.admin import ScopedAdminMixin


class _ReadOnly(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(_ReadOnly):
    list_display = ("title", "kind", "territory", "held_on", "attendance")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(_ReadOnly):
    list_display = ("title", "meeting", "owner_name", "deadline", "status")
    list_filter = ("status",)


@admin.register(RedProperty)
class RedPropertyAdmin(_ReadOnly):
    list_display = ("estate", "company", "owners_committee")
    exclude = ("public_token",)


@admin.register(PropertyReview)
class PropertyReviewAdmin(_ReadOnly):
    list_display = ("property", "period", "reviewer", "score")


@admin.register(ServiceRating)
class ServiceRatingAdmin(_ReadOnly):
    list_display = ("property", "staff", "stars", "created_at")


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnly):
    list_display = ("kind", "leader_name", "leader_title", "unit", "territory", "point", "is_active")
    list_filter = ("kind", "is_active")
