"""The list pages use the domain FilterSets (shared with the API); this module only adapts their forms for
the page: which filters show first, list boxes for multiple choices, "全部" for an unset yes/no filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.filtersets import StaffFilterSet, UnitFilterSet
from wangge.places.filtersets import PointFilterSet
from wangge.territory.filtersets import TerritoryFilterSet
from wangge.workorders import headlines
from wangge.workorders.choices import ClockState
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


class Checklist(forms.CheckboxSelectMultiple):
    """A multiple choice as a drop-down list of check boxes (web/includes/field.html draws the drop-down):
    a list box cuts its options off mid-row and stands taller than the other filters."""

    checklist = True


def descending_labels(choices: Any) -> list[tuple[Any, Any]]:
    """django-filter's "(descending)" is English under zh-hans (it ships zh_CN only): say 降序 instead."""
    labels = {value: label for value, label in choices if isinstance(value, str) and not value.startswith("-")}
    out = []
    for value, label in choices:
        if isinstance(value, str) and value.startswith("-") and value[1:] in labels:
            label = _("%(label)s（降序）") % {"label": labels[value[1:]]}
        out.append((value, label))
    return out


def tune_form(form: forms.Form) -> forms.Form:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = NULL_BOOLEAN_CHOICES
        elif isinstance(widget, forms.SelectMultiple) and not isinstance(widget, forms.CheckboxSelectMultiple):
            checklist = Checklist(attrs=widget.attrs)
            checklist.choices = widget.choices
            field.widget = checklist
        elif isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"  # a date picker takes ISO values only
        has_empty = getattr(field, "empty_label", None) is not None
        if not has_empty and isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
            choices = list(getattr(field, "choices", ()))
            if choices and choices[0][0] == "" and str(choices[0][1]).strip("-") == "":
                field.choices = [("", _("全部")), *choices[1:]]  # type: ignore[attr-defined]
        if has_empty:
            field.empty_label = _("默认排序") if name == "ordering" else _("全部")  # type: ignore[attr-defined]
            # The widget's choices may iterate over the filter's own field, not this copy: point them here.
            widget.choices = field.choices  # type: ignore[attr-defined]
        if name == "ordering" and hasattr(field, "choices"):
            # The field adds its empty choice itself when it has an empty label.
            choices = [c for c in field.choices if not (has_empty and c[0] == "")]
            field.choices = descending_labels(choices)  # type: ignore[attr-defined]
    if "clock" in form.fields:
        name_step_clock(form.fields["clock"])
    return form


def name_step_clock(field: forms.Field) -> None:
    """The case filter ``clock`` is the step clock's: its running out is 环节超时, as on the home page and the map
    (超期 is the handling deadline, the filter ``overdue``)."""
    field.label = _("环节时限")
    field.help_text = headlines.definition("step_overdue")
    choices = [
        (value, headlines.label("step_overdue") if value == ClockState.OVERDUE else label)
        for value, label in field.choices  # type: ignore[attr-defined]
    ]
    field.choices = choices  # type: ignore[attr-defined]
    field.widget.choices = choices  # type: ignore[attr-defined]


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
