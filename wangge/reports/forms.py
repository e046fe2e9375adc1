"""Input forms of the supervision pages. They check shape only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.geo import CRS_FORM_CHOICES
from wangge.reports import conf
from wangge.reports.choices import BulletinPeriod
from wangge.territory.choices import TerritoryKind

# Territory levels a bulletin can be asked for from the page (a grid's day is too small to report on).
SCOPE_KINDS = (TerritoryKind.CITY, TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY)
SCOPE_GROUPS: dict[str, Any] = {
    TerritoryKind.CITY: _("市"),
    TerritoryKind.DISTRICT: _("区/县"),
    TerritoryKind.STREET: _("街道/乡镇"),
    TerritoryKind.COMMUNITY: _("社区/村"),
}


def scope_choices(user: Any) -> list[tuple[Any, Any]]:
    """The territories and units within ``user``'s scope, grouped by level, as the values
    ``bulletins.resolve_scope`` reads (a territory code; ``unit:<code>`` for a unit)."""
    from wangge.accounts.models import Unit
    from wangge.reports.bulletins import UNIT_PREFIX
    from wangge.territory.models import Territory

    nodes = (
        Territory.objects.restrict(user)
        .filter(kind__in=SCOPE_KINDS)
        .order_by("path")
        .values_list("kind", "code", "name")
    )
    groups: dict[str, list[tuple[str, str]]] = {kind: [] for kind in SCOPE_KINDS}
    for kind, code, name in nodes:
        groups[kind].append((code, f"{name}（{code}）"))
    choices: list[tuple[Any, Any]] = [(SCOPE_GROUPS[k], rows) for k, rows in groups.items() if rows]
    units: Any = Unit.objects.restrict(user).filter(is_active=True).order_by("kind", "code").values_list("code", "name")
    unit_rows = [(f"{UNIT_PREFIX}{code}", name) for code, name in units]
    if unit_rows:
        choices.append((_("承办单位"), unit_rows))
    return choices


class BulletinForm(forms.Form):
    """The date and one of the user's territories or units: picked from a list built from the user's scope,
    never typed; a value outside the list is refused here and, again, by the service."""

    period = forms.ChoiceField(
        label=_("通报类型"), choices=BulletinPeriod.choices, initial=BulletinPeriod.DAY, required=False
    )

    def clean_period(self) -> str:
        return str(self.cleaned_data.get("period") or BulletinPeriod.DAY)

    date = forms.DateField(
        label=_("通报日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("周通报取该日期所在的自然周（周一至周日）"),
    )
    scope = forms.ChoiceField(
        label=_("通报范围"),
        choices=(),
        error_messages={"invalid_choice": _("找不到编码为“%(value)s”的辖区或单位，或不在您的管辖范围内")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = scope_choices(user)
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]
        if choices and "scope" not in self.initial:
            self.initial["scope"] = choices[0][1][0][0]  # the user's widest scope


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("月份"), regex=r"^\d{4}-\d{2}$", widget=forms.TextInput(attrs={"type": "month"}))


class CheckinForm(forms.Form):
    lng = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, widget=forms.HiddenInput)
    crs = forms.ChoiceField(
        label=_("坐标系"),
        choices=CRS_FORM_CHOICES,
        initial="wgs84",
    )
    note = forms.CharField(
        label=_("巡查情况"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.ImageField(label=_("现场照片"), required=False)


class DailyLogForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    summary = forms.CharField(label=_("今日工作记录"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class ScoreForm(forms.Form):
    """One field per manual item (from settings), each between 0 and its points."""

    note = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in conf.manual_items():
            self.fields[f"m_{item['key']}"] = forms.DecimalField(
                label=f"{item['label']}（{item['points']} 分）",
                min_value=0,
                max_value=item["points"],
                decimal_places=2,
            )

    def manual(self) -> dict[str, Any]:
        return {item["key"]: self.cleaned_data[f"m_{item['key']}"] for item in conf.manual_items()}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("退回原因"), max_length=500)
