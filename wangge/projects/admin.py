"""Admin of the project ledger, in Chinese: projects are read here only — they are written by
``projects.services`` (register, edit, the workflow steps, weekly progress), which keep their history and
audit trail — and shown within the editor's scope."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.projects.models import Milestone, Project, ProjectEvent, WeeklyEntry
from wangge.projects.workflow import EVENT_LABELS


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MilestoneInline(_ReadOnlyInline):
    model = Milestone
    fields = ("name", "planned_date", "done_date")
    readonly_fields = fields


class WeeklyEntryInline(_ReadOnlyInline):
    model = WeeklyEntry
    fields = ("week_start", "progress", "invested", "work_done", "reported_by_name")
    readonly_fields = fields


class ProjectEventInline(_ReadOnlyInline):
    model = ProjectEvent
    fields = ("at", "step", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: ProjectEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("code", "name", "type", "territory", "total_investment", "invested", "progress", "status")
    list_filter = ("type", "status", "is_synthetic")
    search_fields = ("code", "name", "location")
    list_select_related = ("territory",)
    exclude = ("geometry",)
    inlines = (MilestoneInline, WeeklyEntryInline, ProjectEventInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Project._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # projects are registered through the pages or the API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # edits and steps go through the services

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
