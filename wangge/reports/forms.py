"""Input forms of the supervision pages. They check shape only; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.geo import CRS_FORM_CHOICES
from wangge.reports import conf


class BulletinForm(forms.Form):
    date = forms.DateField(label=_("通报日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    scope = forms.CharField(
        label=_("范围编码"), max_length=64, help_text=_("区、街道编码（如 410403）或单位编码（unit:单位编码）")
    )


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
