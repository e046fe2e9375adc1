"""Admin of 志愿服务与岗位, in Chinese. The roles table is edited here (audited); the register, teams, activities,
hours, posts, rosters and check-ins are read here only, within the reader's scope — they are written by the
services, which check who may act and keep the audit trail. A volunteer's mobile number is never shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.volunteers.models import (
    Activity,
    CheckIn,
    Post,
    RosterSlot,
    ServiceHours,
    Team,
    Volunteer,
    VolunteerReport,
    VolunteerRole,
)


@admin.register(VolunteerRole)
class VolunteerRoleAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "ordering", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key", "name")


class _ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Volunteer)
class VolunteerAdmin(_ReadOnlyAdmin):
    list_display = ("name", "territory", "status", "joined_on")
    list_filter = ("status", "roles", "is_synthetic")
    search_fields = ("name",)
    list_select_related = ("territory",)
    exclude = ("phone",)
    raw_id_fields = ("resident", "territory")


@admin.register(Team)
class TeamAdmin(_ReadOnlyAdmin):
    list_display = ("name", "territory", "leader", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    list_select_related = ("territory", "leader")
    raw_id_fields = ("territory", "leader", "members")


@admin.register(Activity)
class ActivityAdmin(_ReadOnlyAdmin):
    list_display = ("title", "team", "date", "start_time", "end_time", "place")
    search_fields = ("title", "place")
    list_select_related = ("team",)
    date_hierarchy = "date"
    raw_id_fields = ("team", "territory", "created_by")


@admin.register(ServiceHours)
class ServiceHoursAdmin(_ReadOnlyAdmin):
    list_display = ("volunteer", "activity", "hours", "status", "decided_by_name")
    list_filter = ("status",)
    list_select_related = ("volunteer", "activity")
    raw_id_fields = ("volunteer", "activity", "decided_by")


@admin.register(VolunteerReport)
class VolunteerReportAdmin(_ReadOnlyAdmin):
    list_display = ("volunteer", "work_order", "role", "created_at")
    list_select_related = ("volunteer", "work_order", "role")
    raw_id_fields = ("volunteer", "work_order")


@admin.register(Post)
class PostAdmin(_ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "territory", "team", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("territory", "team")
    raw_id_fields = ("territory", "team", "point")


@admin.register(RosterSlot)
class RosterSlotAdmin(_ReadOnlyAdmin):
    list_display = ("post", "date", "start_time", "end_time", "volunteer")
    list_select_related = ("post", "volunteer")
    date_hierarchy = "date"
    raw_id_fields = ("post", "volunteer")


@admin.register(CheckIn)
class CheckInAdmin(_ReadOnlyAdmin):
    list_display = ("post", "volunteer", "at", "is_late", "far_from_post", "distance_m")
    list_filter = ("is_late", "far_from_post", "no_position")
    list_select_related = ("post", "volunteer")
    raw_id_fields = ("slot", "post", "volunteer", "recorded_by")
