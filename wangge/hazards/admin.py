"""Admin of the hazard ledger, in Chinese: the hazard types are an editable dictionary (every change audited);
findings are read here only — they are written by ``hazards.services`` (report, the rectification steps),
which keep their history, deadline and audit trail — and shown within the editor's scope, phone masked."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.validators import mask_phone
from wangge.hazards.models import HazardEvent, HazardFinding, HazardPhoto, HazardType
from wangge.hazards.workflow import EVENT_LABELS


@admin.register(HazardType)
class HazardTypeAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "category_code", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key", "name", "category_code")


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HazardEventInline(_ReadOnlyInline):
    model = HazardEvent
    fields = ("at", "step", "from_status", "to_status", "actor_name", "note")
    readonly_fields = fields

    @admin.display(description=_("操作"))
    def step(self, obj: HazardEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class HazardPhotoInline(_ReadOnlyInline):
    model = HazardPhoto
    fields = ("stage", "content_type", "uploaded_at", "uploaded_by")
    readonly_fields = fields


@admin.register(HazardFinding)
class HazardFindingAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("code", "type", "title", "grid", "owner_name", "masked_phone", "due_at", "status")
    list_filter = ("status", "type", "is_synthetic")
    search_fields = ("code", "title", "address", "owner_name")
    list_select_related = ("type", "grid")
    date_hierarchy = "found_at"
    exclude = ("owner_phone", "owner_phone_index")
    inlines = (HazardEventInline, HazardPhotoInline)

    @admin.display(description=_("责任人电话"))
    def masked_phone(self, obj: HazardFinding) -> str:
        return mask_phone(obj.owner_phone or "")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in HazardFinding._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # findings are reported through the pages, the API or an import

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # steps go through the workflow

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a finding is cancelled or closed, never deleted
