"""Admin of 预约与叫号, in Chinese. Item groups are edited within the editor's scope through ``group_save`` (its
letter checks and audit). Tidal rules (set on the hall's 叫号设置 page), slots, appointments (phone never
shown), tickets and tidal switches are read here only: they are written by the booking, ticket and
tidal services, which keep their counters and history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.queueing.models import (
    Appointment,
    ItemGroup,
    Slot,
    SlotTemplate,
    Ticket,
    TicketEvent,
    TidalRule,
    WindowSwitch,
)
from wangge.queueing.services import group_save


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SlotTemplateInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = SlotTemplate
    extra = 0
    can_delete = False
    fields = ("weekday", "starts_at", "ends_at", "capacity")
    readonly_fields = fields


@admin.register(ItemGroup)
class ItemGroupAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("prefix", "name", "hall", "service_minutes", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix", "hall__name")
    list_select_related = ("hall",)
    raw_id_fields = ("hall",)
    filter_horizontal = ("items",)
    inlines = (SlotTemplateInline,)

    def save_model(self, request: HttpRequest, obj: ItemGroup, form: Any, change: bool) -> None:
        saved = group_save(
            actor=request.user,
            hall=obj.hall,
            prefix=obj.prefix,
            name=obj.name,
            items=form.cleaned_data.get("items") or (),
            service_minutes=obj.service_minutes,
            position=obj.position,
            is_active=obj.is_active,
            group=obj if change else None,
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The items were set by ``group_save``; only the read-only inline is left."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(TidalRule)
class TidalRuleAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read here; set on the hall's 叫号设置 page through ``tidal_rule_save`` (hysteresis checked there)."""

    list_display = ("group", "hall", "open_queue", "open_wait_minutes", "close_queue", "close_wait_minutes")
    list_filter = ("is_active",)
    list_select_related = ("group", "hall")


@admin.register(Slot)
class SlotAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("day", "starts_at", "ends_at", "group", "hall", "capacity", "booked")
    list_filter = ("day",)
    list_select_related = ("group", "hall")
    date_hierarchy = "day"


@admin.register(Appointment)
class AppointmentAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "hall", "group", "slot", "status", "created_at")
    list_filter = ("status", "is_synthetic")
    search_fields = ("code",)
    list_select_related = ("hall", "group", "slot")
    exclude = ("phone",)


class TicketEventInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "window", "actor_name")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "day", "hall", "group", "source", "status", "window", "issued_at")
    list_filter = ("status", "source", "is_booked", "is_synthetic")
    search_fields = ("number",)
    list_select_related = ("hall", "group", "window")
    date_hierarchy = "day"
    exclude = ("token",)
    inlines = (TicketEventInline,)


@admin.register(WindowSwitch)
class WindowSwitchAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "hall", "window", "group", "direction", "waiting", "expected_wait_minutes")
    list_filter = ("direction", "is_synthetic")
    list_select_related = ("hall", "window", "group")
    date_hierarchy = "at"
