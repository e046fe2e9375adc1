"""Calendar maintenance in the admin. Day and year edits go through the services (manual source, audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.admin import AuditedModelAdmin
from wangge.workcalendar import services
from wangge.workcalendar.choices import DaySource
from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date = data.get("date") or (self.instance.date if self.instance.pk else None)
        if date and data.get("kind"):
            for problem in services.day_problems(date=date, kind=data["kind"], name=data.get("name") or ""):
                self.add_error(problem["field"] if problem["field"] in self.fields else None, problem["reason"])
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"
    readonly_fields = ("source", "updated_at")

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("date", *self.readonly_fields) if obj is not None else tuple(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.calendar_day_set(actor=request.user, date=obj.date, kind=obj.kind, name=obj.name)
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.source == DaySource.MANUAL)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.calendar_day_remove(actor=request.user, date=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        skipped = queryset.exclude(source=DaySource.MANUAL).count()
        for obj in queryset.filter(source=DaySource.MANUAL):
            self.delete_model(request, obj)
        if skipped:
            self.message_user(
                request,
                _("%(n)d 条官方或推算的记录未删除；如需取消，请将类型改为“按常规”。") % {"n": skipped},
                messages.WARNING,
            )


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ("year", "is_official", "source", "note", "updated_at")
    list_filter = ("is_official", "source")
    fields = ("year", "is_official", "note", "source", "updated_at")
    readonly_fields = ("source", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("year", *self.readonly_fields) if obj is not None else tuple(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.calendar_year_set(
            actor=request.user, year=obj.year, is_official=obj.is_official, note=obj.note
        )
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at


@admin.register(OfficeWindow)
class OfficeWindowAdmin(AuditedModelAdmin):
    list_display = ("start", "end", "valid_from", "valid_to", "updated_at")
    list_filter = ("valid_from",)
    readonly_fields = ("updated_at",)
