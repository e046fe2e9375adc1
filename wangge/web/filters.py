"""The list pages use the domain FilterSets (shared with the API); this module only adapts their forms for
the page: which filters show first, list boxes for multiple choices, "全部" for an unset yes/no filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.filtersets import StaffFilterSet, UnitFilterSet
from wangge.places.filtersets import PointFilterSet
from wangge.territory.filtersets import TerritoryFilterSet
from wangge.workorders.filtersets import WorkOrderFilterSet

# Shown on the workbench at once; every other filter of the FilterSet sits under "更多筛选".
CASE_PRIMARY_FILTERS = (
    "q",
    "status",
    "clock",
    "category",
    "assigned_unit",
    "grid",
    "channel",
    "received_from",
    "received_to",
)

NULL_BOOLEAN_CHOICES = (("unknown", _("全部")), ("true", _("是")), ("false", _("否")))


def case_filterset_class() -> type[WorkOrderFilterSet]:
    return WorkOrderFilterSet


def tune_form(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = NULL_BOOLEAN_CHOICES
        elif isinstance(widget, forms.SelectMultiple) and not isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("size", min(4, len(getattr(field, "choices", ())) or 4))
        elif isinstance(widget, forms.DateInput):
            widget.input_type = "date"
    return form


def split_fields(form: forms.Form, primary: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    first = [form[name] for name in primary if name in form.fields]
    rest = [form[name] for name in form.fields if name not in primary]
    return first, rest


REGISTRY_FILTERSETS = {
    "territories": TerritoryFilterSet,
    "points": PointFilterSet,
    "units": UnitFilterSet,
    "staff": StaffFilterSet,
}
