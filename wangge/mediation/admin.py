"""Admin of 矛盾纠纷调解, in Chinese: the dispute types are an editable dictionary and the organisations and
mediators a register (every change audited); disputes are read here only — they are written by
``mediation.services`` (registration, the mediation steps), which keep their history and audit trail — and
shown within the editor's scope, parties' numbers masked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.validators import mask_id_number, mask_phone
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeStint,
    DisputeType,
    MediationOrganisation,
    Mediator,
    MediatorConflict,
)
from wangge.mediation.workflow import EVENT_LABELS


@admin.register(DisputeType)
class DisputeTypeAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key", "name")


@admin.register(MediationOrganisation)
class MediationOrganisationAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("name", "kind", "territory", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("territory", "unit")


class ConflictInline(admin.TabularInline):  # type: ignore[type-arg]
    model = MediatorConflict
    extra = 0
    fields = ("person_name", "relation", "declared_at")
    readonly_fields = ("declared_at",)


@admin.register(Mediator)
class MediatorAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("name", "kind", "organisation", "phone_masked", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "organisation__name")
    raw_id_fields = ("organisation",)
    filter_horizontal = ("communities",)
    exclude = ("phone",)
    inlines = (ConflictInline,)

    @admin.display(description=_("联系电话"))
    def phone_masked(self, obj: Mediator) -> str:
        return mask_phone(obj.phone or "")


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartyInline(_ReadOnlyInline):
    model = DisputeParty
    fields = ("side", "kind", "name", "id_masked", "phone_masked")
    readonly_fields = fields

    @admin.display(description=_("证件号码"))
    def id_masked(self, obj: DisputeParty) -> str:
        return mask_id_number(obj.id_number or "")

    @admin.display(description=_("联系电话"))
    def phone_masked(self, obj: DisputeParty) -> str:
        return mask_phone(obj.phone or "")


class StintInline(_ReadOnlyInline):
    model = DisputeStint
    fields = ("track", "organisation", "mediator", "started_at", "ended_at", "outcome")
    readonly_fields = fields


class EventInline(_ReadOnlyInline):
    model = DisputeEvent
    fields = ("at", "step", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: DisputeEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


@admin.register(Dispute)
class DisputeAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "cause_class", "type", "risk_level", "status", "track", "found_at")
    list_filter = ("status", "cause_class", "risk_level", "track", "source", "supervised")
    search_fields = ("code", "title")
    date_hierarchy = "found_at"
    inlines = (PartyInline, StintInline, EventInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
