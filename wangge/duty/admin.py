"""Admin of 值班备勤 and 防汛备汛, in Chinese: the shift patterns, supply items and norms are editable
dictionaries (every change audited); rosters, depots, teams, plans, drills and 会商 records are read here within
the editor's scope, phones masked — they are written by ``duty.services`` through the pages and the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.validators import mask_phone
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyRoster,
    EmergencyPlan,
    PlanVersion,
    RescueTeam,
    ShiftPattern,
    SupplyItem,
    SupplyNorm,
    TeamEquipment,
)


@admin.register(ShiftPattern)
class ShiftPatternAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "starts", "ends", "day_kind", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("day_kind", "is_active")


@admin.register(SupplyItem)
class SupplyItemAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "unit_label", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    search_fields = ("key", "name")


@admin.register(SupplyNorm)
class SupplyNormAdmin(AuditedModelAdmin):
    list_display = ("item", "depot_kind", "depot", "quantity")
    list_filter = ("depot_kind", "item")
    raw_id_fields = ("depot",)


class _ReadOnly(ScopedAdminMixin, AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DutyRoster)
class DutyRosterAdmin(_ReadOnly):
    list_display = ("name", "territory", "unit", "phone", "is_active")
    list_filter = ("is_active", "is_synthetic")
    search_fields = ("name",)
    list_select_related = ("territory", "unit")


@admin.register(Depot)
class DepotAdmin(_ReadOnly):
    list_display = ("name", "kind", "territory", "custodian_name", "masked_phone", "is_active")
    list_filter = ("kind", "is_active", "is_synthetic")
    search_fields = ("name", "address", "custodian_name")
    list_select_related = ("territory",)
    exclude = ("custodian_phone",)

    @admin.display(description=_("保管人电话"))
    def masked_phone(self, obj: Depot) -> str:
        return mask_phone(obj.custodian_phone or "")


class TeamEquipmentInline(_ReadOnlyInline):
    model = TeamEquipment
    fields = ("name", "quantity", "unit_label")
    readonly_fields = fields


@admin.register(RescueTeam)
class RescueTeamAdmin(_ReadOnly):
    list_display = ("name", "kind", "territory", "leader_name", "masked_phone", "members", "is_active")
    list_filter = ("kind", "is_active", "is_synthetic")
    search_fields = ("name", "leader_name")
    list_select_related = ("territory",)
    exclude = ("leader_phone",)
    inlines = (TeamEquipmentInline,)

    @admin.display(description=_("队长电话"))
    def masked_phone(self, obj: RescueTeam) -> str:
        return mask_phone(obj.leader_phone or "")


class PlanVersionInline(_ReadOnlyInline):
    model = PlanVersion
    fields = ("version", "effective_on", "uploaded_at", "superseded_at", "summary")
    readonly_fields = fields


@admin.register(EmergencyPlan)
class EmergencyPlanAdmin(_ReadOnly):
    list_display = ("title", "kind", "territory")
    list_filter = ("kind", "is_synthetic")
    search_fields = ("title",)
    inlines = (PlanVersionInline,)


@admin.register(Drill)
class DrillAdmin(_ReadOnly):
    list_display = ("held_on", "title", "territory", "participants")
    list_filter = ("is_synthetic",)
    search_fields = ("title",)
    date_hierarchy = "held_on"


@admin.register(Consultation)
class ConsultationAdmin(_ReadOnly):
    list_display = ("held_at", "topic", "territory", "convened_by")
    list_filter = ("is_synthetic",)
    search_fields = ("topic", "convened_by")
    date_hierarchy = "held_at"
