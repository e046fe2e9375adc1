"""Admin for point types and points, in Chinese; every change audited, points scoped."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.admin import ScopedAdminMixin, clean_phone_value
from wangge.core.admin import AuditedModelAdmin
from wangge.core.crypto import blind_index
from wangge.core.validators import mask_phone
from wangge.places.models import Point, PointType
from wangge.territory.locator import grid_of, locate


@admin.register(PointType)
class PointTypeAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "is_hazard", "ordering")
    list_editable = ("ordering",)
    list_filter = ("is_hazard",)
    search_fields = ("key", "name")


class PointAdminForm(forms.ModelForm):
    responsible_phone = forms.CharField(label=_("责任人电话"), required=False, max_length=20)

    class Meta:
        model = Point
        fields = (
            "code",
            "name",
            "type",
            "lng",
            "lat",
            "address",
            "responsible_name",
            "responsible_phone",
            "responsible_user",
            "responsible_unit",
            "notes",
            "attributes",
            "is_synthetic",
        )

    def clean_responsible_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("responsible_phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lng, lat = data.get("lng"), data.get("lat")
        if lng is not None and lat is not None:
            territory = locate(lng, lat)
            if territory is None:
                raise forms.ValidationError(_("坐标不在任何辖区范围内"))
            self.located = territory
        return data


@admin.register(Point)
class PointAdmin(ScopedAdminMixin, AuditedModelAdmin):
    form = PointAdminForm
    list_display = ("code", "name", "type", "grid", "territory", "responsible_name", "masked_phone")
    list_filter = ("type", "type__is_hazard", "is_synthetic")
    search_fields = ("code", "name", "address", "responsible_name")
    list_select_related = ("type", "grid", "territory")
    raw_id_fields = ("responsible_user", "responsible_unit")
    readonly_fields = ("territory", "grid", "created_at", "updated_at")

    @admin.display(description=_("责任人电话"))
    def masked_phone(self, obj: Point) -> str:
        return mask_phone(obj.responsible_phone or "")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Territory and grid always follow the coordinates (WGS-84 in this form).
        territory = getattr(form, "located", None) or locate(obj.lng, obj.lat)
        obj.territory = territory
        obj.grid = grid_of(territory)
        obj.responsible_phone_index = blind_index(obj.responsible_phone or "")
        super().save_model(request, obj, form, change)
