from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin
from wangge.core.errors import DomainError
from wangge.workorders import catalog
from wangge.workorders.deadlines import clear_limit_cache
from wangge.workorders.models import Category, CategorySet, Event, RoutingRule, StepDeadline, WorkOrder
from wangge.workorders.workflow import EVENT_LABELS


class StepDeadlineInline(admin.TabularInline):
    model = StepDeadline
    extra = 0


@admin.register(CategorySet)
class CategorySetAdmin(AuditedModelAdmin):
    """A new dictionary version is a copy of one (with its deadlines and routes), edited, then published."""

    list_display = ("version", "name", "is_active", "published_at")
    readonly_fields = ("is_active", "published_at")
    actions = ["clone_selected", "publish_selected"]

    @admin.action(description=_("复制为新版本（草稿）"))
    def clone_selected(self, request: HttpRequest, queryset: QuerySet[CategorySet]) -> None:
        for source in queryset.order_by("version"):
            draft = catalog.category_set_clone(actor=request.user, source=source, note=f"复制自 v{source.version}")
            self.message_user(request, _("已创建草稿版本 v%(version)s") % {"version": draft.version})

    @admin.action(description=_("发布所选版本（设为当前生效）"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[CategorySet]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("一次只能发布一个版本"), level=messages.ERROR)
            return
        try:
            published = catalog.category_set_publish(actor=request.user, category_set=queryset.get())
        except DomainError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        clear_limit_cache()
        self.message_user(request, _("v%(version)s 已发布为当前生效版本") % {"version": published.version})


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    """核查 evidence (``verify_*_required``) set on a category applies to all its descendants as well."""

    list_display = (
        "code",
        "name",
        "kind",
        "category_set",
        "handling_class",
        "resolution_mode",
        "default_unit_code",
        "verify_photo_required",
        "verify_position_required",
    )
    list_filter = (
        "category_set",
        "kind",
        "handling_class",
        "resolution_mode",
        "verify_photo_required",
        "verify_position_required",
    )
    search_fields = ("code", "name")
    inlines = [StepDeadlineInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        clear_limit_cache()


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ("category", "territory", "unit", "priority")
    autocomplete_fields = ("category",)
    raw_id_fields = ("territory", "unit")


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ("at", "step", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: Event) -> str:
        return str(EVENT_LABELS.get(obj.name, obj.name))

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Read-only: work orders change only through the transition service (the workbench and the API)."""

    list_display = ("tracking_code", "title", "status", "category", "assigned_unit", "received_at", "due_at")
    list_filter = ("status", "channel", "appeal_type", "supervision")
    search_fields = ("tracking_code", "title")
    date_hierarchy = "received_at"
    inlines = [EventInline]
    raw_id_fields = ("territory", "grid", "community", "street", "district", "parent", "point", "category")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
