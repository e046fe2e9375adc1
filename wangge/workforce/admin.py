"""Admin of the grid workforce, in Chinese. The roles of 五长一员 are edited here (audited); the records are read
here only, within the reader's scope — they are written by the services, which check and audit them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.workforce.models import (
    LadderChange,
    RoleAssignment,
    SpecialTask,
    SunkStaff,
    WorkerProfile,
    WorkerRecord,
    WorkforceRole,
)


@admin.register(WorkforceRole)
class WorkforceRoleAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "level", "is_grid_worker", "ordering", "is_active")
    list_editable = ("ordering", "is_active")


class _ReadOnly(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(_ReadOnly):
    list_display = ("name", "role", "grid", "building", "start_date", "end_date")
    list_filter = ("role",)
    search_fields = ("name",)
    exclude = ("phone",)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(_ReadOnly):
    list_display = ("user", "grid", "kind", "route", "start_date", "ladder_level", "is_active")
    list_filter = ("kind", "route", "ladder_level", "is_active")


@admin.register(LadderChange)
class LadderChangeAdmin(_ReadOnly):
    list_display = ("worker", "month", "from_level", "to_level", "move", "score", "grade_label", "assessment_id")
    list_filter = ("move", "month")


@admin.register(SunkStaff)
class SunkStaffAdmin(_ReadOnly):
    list_display = ("name", "unit", "grid", "duty", "start_date", "end_date")


@admin.register(SpecialTask)
class SpecialTaskAdmin(_ReadOnly):
    list_display = ("title", "kind", "grid", "assignee", "status", "deadline")
    list_filter = ("kind", "status")


@admin.register(WorkerRecord)
class WorkerRecordAdmin(_ReadOnly):
    list_display = ("worker", "date", "kind", "title", "amount", "points", "recorded_by")
    list_filter = ("kind", "title")
