"""Admin of 助企包联, in Chinese. The banks and their products are a dictionary kept here; everything else is read
here only — enterprises, liaisons, visits, service days and matchmaking are written by the services, which check
who may act and keep the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.enterprises.models import (
    Bank,
    Cadre,
    Enterprise,
    FinancingEvent,
    FinancingParticipation,
    FinancingProduct,
    Issue,
    Liaison,
    ServiceDay,
    Visit,
)


class _ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(_ReadOnlyAdmin):
    list_display = ("name", "credit_code", "industry", "scale", "employees", "annual_output", "grid", "is_active")
    list_filter = ("scale", "industry", "is_active", "is_synthetic")
    search_fields = ("name", "credit_code")
    list_select_related = ("grid",)
    raw_id_fields = ("merchant", "grid", "district", "created_by")


@admin.register(Cadre)
class CadreAdmin(_ReadOnlyAdmin):
    list_display = ("name", "rank", "title", "unit", "user", "is_active")
    list_filter = ("rank", "is_active", "is_synthetic")
    search_fields = ("name",)
    list_select_related = ("unit", "user")
    raw_id_fields = ("unit", "district", "user")


@admin.register(Liaison)
class LiaisonAdmin(_ReadOnlyAdmin):
    list_display = ("enterprise", "level", "cadre", "unit", "since", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("enterprise__name", "cadre__name")
    list_select_related = ("enterprise", "cadre", "unit")
    raw_id_fields = ("enterprise", "cadre", "unit")


@admin.register(Visit)
class VisitAdmin(_ReadOnlyAdmin):
    list_display = ("enterprise", "visited_on", "visitors", "problem_count")
    list_filter = ("is_synthetic",)
    search_fields = ("enterprise__name", "visitors")
    date_hierarchy = "visited_on"
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise", "cadre", "recorded_by")


@admin.register(Issue)
class IssueAdmin(_ReadOnlyAdmin):
    list_display = ("enterprise", "raised_on", "occasion", "work_order", "rating")
    list_filter = ("occasion", "is_synthetic")
    search_fields = ("enterprise__name", "work_order__tracking_code")
    list_select_related = ("enterprise", "work_order")
    raw_id_fields = ("enterprise", "visit", "service_day", "work_order", "rated_by")


@admin.register(ServiceDay)
class ServiceDayAdmin(_ReadOnlyAdmin):
    list_display = ("title", "kind", "territory", "nominal_date", "held_on")
    list_filter = ("kind", "is_synthetic")
    date_hierarchy = "held_on"
    raw_id_fields = ("territory", "enterprises", "cadres")


@admin.register(FinancingEvent)
class FinancingEventAdmin(_ReadOnlyAdmin):
    list_display = ("title", "held_on", "territory", "online")
    list_filter = ("online", "is_synthetic")
    date_hierarchy = "held_on"
    raw_id_fields = ("territory", "banks", "products")


@admin.register(FinancingParticipation)
class FinancingParticipationAdmin(_ReadOnlyAdmin):
    list_display = ("event", "enterprise", "need_amount", "intention", "credit_granted", "loan_disbursed")
    list_filter = ("intention",)
    search_fields = ("enterprise__name", "event__title")
    list_select_related = ("event", "enterprise")
    raw_id_fields = ("event", "enterprise", "bank", "product")


@admin.register(Bank)
class BankAdmin(AuditedModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(FinancingProduct)
class FinancingProductAdmin(AuditedModelAdmin):
    list_display = ("name", "bank", "kind", "max_amount", "rate_note")
    list_filter = ("bank",)
    search_fields = ("name",)
