"""Admin of the public legal service, in Chinese, within the editor's scope and with the personal numbers
masked. Rows are written through ``legalservice.services`` (the pages and the API), which check the territory
and write the audit trail, so the admin reads them only; legal-aid cases change status through the workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.validators import mask_id_number, mask_phone
from wangge.legalservice.models import (
    AdviserCommunity,
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidEvent,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.workflow import EVENT_LABELS


class _ReadOnly(ScopedAdminMixin, AuditedModelAdmin):
    """Shown, never written here (the services keep the rules and the audit trail)."""

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


class AdviserCommunityInline(_ReadOnlyInline):
    model = AdviserCommunity
    fields = ("community", "since", "until")
    readonly_fields = fields


@admin.register(LegalAdviser)
class LegalAdviserAdmin(_ReadOnly):
    list_display = ("name", "law_firm", "licence_no", "masked_phone", "territory", "is_active")
    list_filter = ("is_active", "is_synthetic")
    search_fields = ("name", "law_firm", "licence_no")
    exclude = ("phone", "phone_index")
    inlines = (AdviserCommunityInline,)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: LegalAdviser) -> str:
        return mask_phone(obj.phone or "")


@admin.register(AdviserService)
class AdviserServiceAdmin(_ReadOnly):
    list_display = ("date", "adviser", "community", "kind", "attendees")
    list_filter = ("kind",)
    list_select_related = ("adviser", "community")
    date_hierarchy = "date"


@admin.register(LegalLiterate)
class LegalLiterateAdmin(_ReadOnly):
    list_display = ("name", "grid", "identity", "masked_phone", "trained_on", "is_active")
    list_filter = ("is_active", "is_synthetic")
    search_fields = ("name",)
    list_select_related = ("grid",)
    exclude = ("phone", "phone_index")

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: LegalLiterate) -> str:
        return mask_phone(obj.phone or "")


@admin.register(Liaison)
class LiaisonAdmin(_ReadOnly):
    list_display = ("person_name", "role", "institution", "community", "starts_on", "ends_on")
    list_filter = ("role",)
    search_fields = ("person_name", "institution")
    list_select_related = ("community",)
    exclude = ("phone", "phone_index")


@admin.register(LegalAidPoint)
class LegalAidPointAdmin(_ReadOnly):
    list_display = ("name", "kind", "territory", "opening_hours", "contact_name", "contact_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
    list_select_related = ("territory",)


class LegalAidEventInline(_ReadOnlyInline):
    model = LegalAidEvent
    fields = ("at", "step", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: LegalAidEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


@admin.register(LegalAidCase)
class LegalAidCaseAdmin(_ReadOnly):
    list_display = ("code", "applicant_name", "masked_id", "matter", "territory", "received_at", "status")
    list_filter = ("status", "matter", "is_synthetic")
    search_fields = ("code", "applicant_name")
    list_select_related = ("territory",)
    date_hierarchy = "received_at"
    exclude = ("applicant_id_number", "applicant_id_index", "applicant_phone", "applicant_phone_index")
    inlines = (LegalAidEventInline,)

    @admin.display(description=_("申请人身份证号"))
    def masked_id(self, obj: LegalAidCase) -> str:
        return mask_id_number(obj.applicant_id_number or "")


@admin.register(Consultation)
class ConsultationAdmin(_ReadOnly):
    list_display = ("consulted_on", "channel", "matter", "topic", "answered_by", "territory", "referral")
    list_filter = ("channel", "matter", "referral")
    search_fields = ("topic", "answered_by")
    list_select_related = ("territory",)
    date_hierarchy = "consulted_on"
