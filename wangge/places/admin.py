"""Admin for point types and points, in Chinese; every change audited, points scoped and written by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.admin import clean_phone_value
from wangge.core import geo
from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin, adopt
from wangge.core.validators import mask_phone
from wangge.places.forms import PointPickWidget
from wangge.places.models import Point, PointType
from wangge.places.services import point_create, point_update
from wangge.territory.maps import tile_crs


@admin.register(PointType)
class PointTypeAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "is_hazard", "ordering")
    list_editable = ("ordering",)
    list_filter = ("is_hazard",)
    search_fields = ("key", "name")


# What point_update takes; the territory and grid follow the coordinates there (in the datum named by the
# form's crs: WGS-84 when typed, the tiles' datum when placed on the map).
_UPDATABLE = (
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
)


class PointAdminForm(forms.ModelForm):
    responsible_phone = forms.CharField(label=_("责任人电话"), required=False, max_length=20)
    # Placed on the map: a click writes lng/lat in the tiles' datum and names it here (typed values are WGS-84).
    position = forms.CharField(label=_("在地图上选点"), required=False, widget=PointPickWidget)
    crs = forms.ChoiceField(label=_("坐标系"), choices=geo.CRS_FORM_CHOICES, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Point
        fields = ("code", "name", "type", "lng", "lat", "position", "crs", *_UPDATABLE[4:], "is_synthetic")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        crs = tile_crs()
        self.fields["lng"].help_text = self.fields["lat"].help_text = (
            _("WGS-84；也可在下方地图上点选")
            if crs == "wgs84"
            else _("手工填写按 WGS-84；在下方地图上点选时按底图坐标系 %(crs)s 填写，保存时换算为 WGS-84")
            % {"crs": crs.upper()}
        )
        if self.instance.pk is not None:
            self.fields["position"].widget.start = (self.instance.lng, self.instance.lat)  # type: ignore[attr-defined]

    def clean_responsible_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("responsible_phone", ""))

    def clean_crs(self) -> str:
        return self.cleaned_data.get("crs") or "wgs84"


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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        # The code names the point in imports and the API, which cannot change it either; the demo marker
        # is set when the point is made.
        return fields if obj is None else (*fields, "code", "is_synthetic")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The services check the scope of the coordinates, derive territory, grid and the phone's index,
        # and write the audit trail; a refusal is shown on the form (ScopedAdminMixin).
        data = {name: form.cleaned_data[name] for name in _UPDATABLE if name in form.cleaned_data}
        if data.get("attributes") is None:
            data["attributes"] = {}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            if "lng" in changed or "lat" in changed:
                changed["lng"], changed["lat"] = data["lng"], data["lat"]
                changed["crs"] = form.cleaned_data.get("crs") or "wgs84"
            point = point_update(actor=request.user, point=obj, **changed)
        else:
            point = point_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                is_synthetic=form.cleaned_data.get("is_synthetic", False),
                crs=form.cleaned_data.get("crs") or "wgs84",
                **data,
            )
        adopt(obj, point)
