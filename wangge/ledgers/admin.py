"""Admin of the 基础台账, in Chinese: scoped to the editor (``ScopedAdminMixin``), every save through the services
(which check the ``record`` right, clean the numbers, keep the history and write the audit trail).

Protected numbers are shown masked, in the lists and in the forms; a form sent back with the masked number keeps
the stored one. Residents are never deleted here (they are archived by the service); the tag dictionary is
edited by administrators only and never deleted (a tag is disabled instead).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import ADMINISTER, RECORD
from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin, adopt
from wangge.core.scoping import scope_for
from wangge.core.validators import mask_id_number, mask_phone
from wangge.ledgers import services
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident, ResidentTag


class _MaskedNumbersForm(forms.ModelForm):  # type: ignore[type-arg]
    """Shows the stored protected numbers masked (``masked``: field → mask function)."""

    masked: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name, mask in self.masked.items():
                if name in self.fields:
                    self.initial[name] = mask(getattr(self.instance, name) or "")


class LedgerAdminMixin(ScopedAdminMixin):
    """Scoped like every admin, except that changing a ledger row needs the ``record`` right over it (grid workers
    keep the ledgers of their grids) rather than ``change``. A reader who may not change the row sees its protected
    numbers masked (``masked_fields``: field → the display method showing it masked)."""

    masked_fields: dict[str, str] = {}

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        if obj is not None and not self.has_change_permission(request, obj):
            fields = [self.masked_fields.get(name, name) for name in fields]
        return fields

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        """The fields read only when adding (``obj`` None) or changing ``obj``."""
        return ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = self.readonly_for(obj)
        if obj is not None and not self.has_change_permission(request, obj):
            fields = (*fields, *self.masked_fields.values())
        return fields

    def in_change_scope(self, request: HttpRequest, obj: Any, *, fresh: bool = False) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        user: Any = request.user
        if fresh:
            user = get_user_model()._default_manager.get(pk=user.pk)
        manager: Any = self.model._default_manager
        return bool(manager.restrict(user, RECORD).filter(pk=obj.pk).exists())


def _changed(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


def _given(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


# -- estates ----------------------------------------------------------------------------------------------------

_ESTATE_FIELDS = ("community", "name", "address", "property_company", "property_contact", "owners_committee", "notes")


@admin.register(Estate)
class EstateAdmin(LedgerAdminMixin, AuditedModelAdmin):
    fields = ("code", *_ESTATE_FIELDS, "is_synthetic")
    list_display = ("code", "name", "community", "property_company")
    list_filter = ("is_synthetic",)
    search_fields = ("code", "name", "address")
    list_select_related = ("community",)
    raw_id_fields = ("community",)

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        return () if obj is None else ("code", "is_synthetic")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            saved = services.estate_update(actor=request.user, estate=obj, **_changed(form, _ESTATE_FIELDS))
        else:
            saved = services.estate_create(
                actor=request.user,
                code=form.cleaned_data.get("code") or None,
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                **_given(form, _ESTATE_FIELDS),
            )
        adopt(obj, saved)


# -- buildings ----------------------------------------------------------------------------------------------------

_BUILDING_FIELDS = (
    "grid",
    "name",
    "estate",
    "address",
    "floors",
    "units",
    "lng",
    "lat",
    "head_name",
    "head_phone",
    "head_user",
    "notes",
)


class BuildingAdminForm(_MaskedNumbersForm):
    masked = {"head_phone": mask_phone}
    head_phone = forms.CharField(label=_("楼栋长电话"), required=False, max_length=32)

    class Meta:
        model = Building
        fields = ("code", *_BUILDING_FIELDS, "status", "is_synthetic")


@admin.register(Building)
class BuildingAdmin(LedgerAdminMixin, AuditedModelAdmin):
    form = BuildingAdminForm
    masked_fields = {"head_phone": "masked_head_phone"}
    list_display = ("code", "name", "grid", "estate", "floors", "units", "head_name", "masked_head_phone", "status")
    list_filter = ("status", "is_synthetic")
    search_fields = ("code", "name", "address", "head_name")
    list_select_related = ("grid", "estate")
    raw_id_fields = ("grid", "estate", "head_user")

    @admin.display(description=_("楼栋长电话"))
    def masked_head_phone(self, obj: Building) -> str:
        return mask_phone(obj.head_phone or "")

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        return ("status",) if obj is None else ("code", "is_synthetic")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = _changed(form, (*_BUILDING_FIELDS, "status"))
            if "lng" in fields or "lat" in fields:
                fields["lng"], fields["lat"] = form.cleaned_data["lng"], form.cleaned_data["lat"]
            saved = services.building_update(actor=request.user, building=obj, **fields)
        else:
            saved = services.building_create(
                actor=request.user,
                code=form.cleaned_data.get("code") or None,
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                **_given(form, _BUILDING_FIELDS),
            )
        adopt(obj, saved)


# -- households ------------------------------------------------------------------------------------------------------

_HOUSEHOLD_FIELDS = ("unit_no", "room", "house_no", "address", "use", "notes")


@admin.register(Household)
class HouseholdAdmin(LedgerAdminMixin, AuditedModelAdmin):
    fields = ("code", "grid", "building", *_HOUSEHOLD_FIELDS, "head", "status", "last_visited_at", "is_synthetic")
    list_display = ("code", "address", "grid", "building", "head", "use", "status")
    list_filter = ("use", "status", "is_synthetic")
    search_fields = ("code", "address", "head__name")
    list_select_related = ("grid", "building", "head")
    raw_id_fields = ("grid", "building", "head")

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        if obj is None:
            return ("head", "status", "last_visited_at")
        return ("code", "grid", "last_visited_at", "is_synthetic")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = _changed(form, ("building", *_HOUSEHOLD_FIELDS, "status"))
            saved = services.household_update(actor=request.user, household=obj, **fields)
            if "head" in form.changed_data:
                saved = services.household_set_head(
                    actor=request.user, household=saved, resident=form.cleaned_data["head"]
                )
        else:
            data = _given(form, ("grid", "building", *_HOUSEHOLD_FIELDS))
            saved = services.household_create(
                actor=request.user,
                code=form.cleaned_data.get("code") or None,
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                **data,
            )
        adopt(obj, saved)


# -- residents ------------------------------------------------------------------------------------------------------

_RESIDENT_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "relation",
    "residence_type",
    "address",
    "tags",
    "notes",
)


class ResidentAdminForm(_MaskedNumbersForm):
    masked = {"id_number": mask_id_number, "phone": mask_phone}
    id_number = forms.CharField(label=_("公民身份号码"), required=False, max_length=18)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=32)

    class Meta:
        model = Resident
        fields = ("grid", "household", *_RESIDENT_FIELDS, "is_synthetic")


class ResidenceChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    """The move history, as written by the services (read only)."""

    model = ResidenceChange
    fk_name = "resident"
    extra = 0
    fields = ("at", "kind", "from_household", "to_household", "by_name", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Resident)
class ResidentAdmin(LedgerAdminMixin, AuditedModelAdmin):
    form = ResidentAdminForm
    masked_fields = {"id_number": "masked_id_number", "phone": "masked_phone"}
    inlines = [ResidenceChangeInline]
    list_display = ("name", "masked_id_number", "gender", "birth_date", "masked_phone", "grid", "household", "status")
    list_filter = ("status", "residence_type", "relation", "tags", "is_synthetic")
    search_fields = ("name",)
    list_select_related = ("grid", "household")
    raw_id_fields = ("grid", "household")
    filter_horizontal = ("tags",)

    @admin.display(description=_("公民身份号码"))
    def masked_id_number(self, obj: Resident) -> str:
        return mask_id_number(obj.id_number or "")

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj: Resident) -> str:
        return mask_phone(obj.phone or "")

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        if obj is None:
            return ("status", "archived_at", "archive_reason")
        return ("grid", "status", "archived_at", "archive_reason", "is_synthetic")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # archived by resident_archive, never deleted

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = _changed(form, _RESIDENT_FIELDS)
            saved = services.resident_update(actor=request.user, resident=obj, **fields) if fields else obj
            if "household" in form.changed_data and form.cleaned_data["household"] is not None:
                saved = services.resident_move(
                    actor=request.user, resident=saved, to_household=form.cleaned_data["household"]
                )
        else:
            saved = services.resident_create(
                actor=request.user,
                grid=form.cleaned_data.get("grid"),
                household=form.cleaned_data.get("household"),
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                **_given(form, _RESIDENT_FIELDS),
            )
        adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The tags were set by the service; the form must not write them a second time.
        form.cleaned_data.pop("tags", None)
        super().save_related(request, form, formsets, change)


# -- merchants ------------------------------------------------------------------------------------------------------

_MERCHANT_FIELDS = (
    "grid",
    "name",
    "credit_code",
    "kind",
    "industry",
    "building",
    "address",
    "lng",
    "lat",
    "responsible_person",
    "contact_name",
    "contact_phone",
    "licence_issued",
    "licence_expires",
    "point",
    "notes",
)


class MerchantAdminForm(_MaskedNumbersForm):
    masked = {"contact_phone": mask_phone}
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=32)

    class Meta:
        model = Merchant
        fields = (*_MERCHANT_FIELDS, "status", "is_synthetic")


@admin.register(Merchant)
class MerchantAdmin(LedgerAdminMixin, AuditedModelAdmin):
    form = MerchantAdminForm
    masked_fields = {"contact_phone": "masked_contact_phone"}
    list_display = ("name", "credit_code", "kind", "grid", "responsible_person", "masked_contact_phone", "status")
    list_filter = ("kind", "status", "is_synthetic")
    search_fields = ("name", "credit_code", "responsible_person", "address")
    list_select_related = ("grid",)
    raw_id_fields = ("grid", "building", "point")

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj: Merchant) -> str:
        return mask_phone(obj.contact_phone or "")

    def readonly_for(self, obj: Any) -> tuple[str, ...]:
        return ("status",) if obj is None else ("is_synthetic",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # closed (已注销), never deleted

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = _changed(form, (*_MERCHANT_FIELDS, "status"))
            if "lng" in fields or "lat" in fields:
                fields["lng"], fields["lat"] = form.cleaned_data["lng"], form.cleaned_data["lat"]
            saved = services.merchant_update(actor=request.user, merchant=obj, **fields)
        else:
            saved = services.merchant_create(
                actor=request.user,
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                **_given(form, _MERCHANT_FIELDS),
            )
        adopt(obj, saved)


# -- the tag dictionary -----------------------------------------------------------------------------------------------


def _administers(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_superuser) or not scope_for(user, ADMINISTER).empty


@admin.register(ResidentTag)
class ResidentTagAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "ordering", "is_active")
    list_editable = ("ordering", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("key",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and _administers(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _administers(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # residents carry it; disable it instead

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = _changed(form, ("name", "ordering", "is_active"))
            saved = services.tag_update(actor=request.user, tag=obj, **fields)
        else:
            saved = services.tag_create(
                actor=request.user,
                key=form.cleaned_data["key"],
                name=form.cleaned_data["name"],
                ordering=form.cleaned_data.get("ordering", 100),
                is_active=form.cleaned_data.get("is_active", True),
            )
        adopt(obj, saved)
