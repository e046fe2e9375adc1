"""Admin views of supervision and assessment. Records are written by the services; the admin shows them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin
from wangge.reports.models import Assessment, Bulletin, DailyLog, PatrolCheckin


class ReadOnlyAdmin(AuditedModelAdmin):
    """Rows come from services with their own rules and audit; the admin lists and shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("date", "scope_name", "scope_code", "scope_kind", "version", "generated_at")
    list_filter = ("scope_kind", "date")
    search_fields = ("scope_name", "scope_code")
    date_hierarchy = "date"


@admin.register(PatrolCheckin)
class PatrolCheckinAdmin(ReadOnlyAdmin):
    list_display = ("worker", "at", "grid", "in_own_grid", "lng", "lat", "source_crs")
    list_filter = ("in_own_grid", "source_crs")
    search_fields = ("worker__username", "worker__display_name", "grid__name", "note")
    date_hierarchy = "at"
    list_select_related = ("worker", "grid")


@admin.register(DailyLog)
class DailyLogAdmin(ReadOnlyAdmin):
    list_display = ("worker", "date", "patrol_count", "submitted_at")
    search_fields = ("worker__username", "worker__display_name", "summary")
    date_hierarchy = "date"
    list_select_related = ("worker",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("worker", "period", "street", "community", "grid", "total", "grade", "promoted", "status")
    list_filter = ("status", "grade", "promoted", "period")
    search_fields = ("worker__username", "worker__display_name")
    list_select_related = ("worker", "street", "community", "grid")
