"""Admin of 巡查体检, in Chinese. A checklist version is edited here only while no round was done against it;
"复制为新版本" publishes the next version through ``checklist_publish`` (the rounds done keep theirs). Schedules
are edited within the editor's scope; rounds are read here only — they are written by ``round_transition``,
which keeps their history and audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.errors import DomainError
from wangge.inspections.choices import RoundStatus
from wangge.inspections.models import ChecklistItem, ChecklistTemplate, Round, RoundEvent, RoundResult, Schedule
from wangge.inspections.services import checklist_publish
from wangge.inspections.workflow import EVENT_LABELS


class ChecklistItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChecklistItem
    extra = 0
    fields = (
        "ordering",
        "key",
        "label",
        "kind",
        "required",
        "min_value",
        "max_value",
        "unit",
        "opens_case",
        "category_code",
    )


def _used(obj: ChecklistTemplate | None) -> bool:
    return obj is not None and obj.pk is not None and obj.rounds.exclude(status=RoundStatus.PENDING).exists()


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(AuditedModelAdmin):
    list_display = ("name", "point_type", "version", "is_current", "created_at")
    list_filter = ("is_current", "point_type")
    search_fields = ("name",)
    readonly_fields = ("version", "is_current", "created_by")
    inlines = (ChecklistItemInline,)
    actions = ("copy_as_new_version",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _used(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and obj is not None and not obj.rounds.exists()

    def save_model(self, request: HttpRequest, obj: ChecklistTemplate, form: Any, change: bool) -> None:
        if not change:
            last = ChecklistTemplate.objects.filter(point_type=obj.point_type).order_by("-version").first()
            obj.version = (last.version if last else 0) + 1
            ChecklistTemplate.objects.filter(point_type=obj.point_type, is_current=True).update(is_current=False)
            obj.is_current = True
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("复制为新版本（已做巡查保留原版本）"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[ChecklistTemplate]) -> None:
        for template in queryset.select_related("point_type"):
            items = list(template.items.values())
            try:
                checklist_publish(
                    actor=request.user,
                    point_type=template.point_type,
                    name=template.name,
                    items=items,
                    note=str(_("复制修订")),
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
        self.message_user(request, _("已生成新版本"), messages.SUCCESS)


@admin.register(Schedule)
class ScheduleAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = (
        "name",
        "territory",
        "season_frequency",
        "off_season_frequency",
        "working_days_only",
        "assignee_rule",
        "priority",
        "is_active",
    )
    list_filter = ("is_active", "season_frequency", "off_season_frequency", "assignee_rule")
    search_fields = ("name",)
    raw_id_fields = ("territory", "points")
    filter_horizontal = ("point_types",)


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ResultInline(_ReadOnlyInline):
    model = RoundResult
    fields = ("item", "value_bool", "value_number", "value_text", "passed", "work_order")
    readonly_fields = fields


class EventInline(_ReadOnlyInline):
    model = RoundEvent
    fields = ("at", "step", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: RoundEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


@admin.register(Round)
class RoundAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "point",
        "period_start",
        "period_end",
        "assignee",
        "status",
        "is_late",
        "far_from_point",
        "failed_items",
    )
    list_filter = ("status", "frequency", "is_late", "far_from_point", "is_synthetic")
    search_fields = ("point__code", "point__name")
    list_select_related = ("point", "assignee")
    date_hierarchy = "period_start"
    raw_id_fields = ("point", "grid", "schedule", "template", "assignee", "submitted_by", "checked_by")
    inlines = (ResultInline, EventInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
