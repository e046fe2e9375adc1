from django.contrib import admin

from wangge.core.admin import AuditedModelAdmin
from wangge.workorders.deadlines import clear_limit_cache
from wangge.workorders.models import Category, CategorySet, Event, RoutingRule, StepDeadline, WorkOrder


class StepDeadlineInline(admin.TabularInline):
    model = StepDeadline
    extra = 0


@admin.register(CategorySet)
class CategorySetAdmin(AuditedModelAdmin):
    list_display = ("version", "name", "is_active", "published_at")
    readonly_fields = ("is_active", "published_at")


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "category_set", "handling_class", "resolution_mode", "default_unit_code")
    list_filter = ("category_set", "kind", "handling_class", "resolution_mode")
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
    fields = ("at", "name", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields

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
