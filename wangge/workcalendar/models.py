"""The working calendar: dated exceptions to the Monday–Friday week, and office-hour windows.

Every table carries ``updated_at``: the in-memory calendar (``arithmetic.get_calendar``) compares the row
counts and the latest ``updated_at`` of the three tables to notice edits made by any process.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.workcalendar.choices import DayKind, DaySource


class CalendarYear(models.Model):
    """Whether a year's holiday schedule is the official one (else arithmetic is provisional)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    is_official = models.BooleanField(_("已有官方安排"), default=False)
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date that departs from the ordinary week: a holiday on a weekday, or a make-up working day (调休).

    ``kind=ordinary`` is a manual override cancelling a published exception for that date.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices, default=DaySource.MANUAL)
    # Indexed: MAX(updated_at) is part of the fingerprint query run before every computation.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("日历例外日")
        verbose_name_plural = _("日历例外日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class OfficeWindow(models.Model):
    """One office-hours window of a working day (e.g. 08:30–12:00 and 14:30–18:00).

    Windows without dates apply always. Windows with a date range (e.g. 夏季作息) replace the undated ones
    on the days they cover.
    """

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True, help_text=_("空表示一直有效"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办公时段")
        verbose_name_plural = _("办公时段")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="window_ordered")]

    def __str__(self) -> str:
        text = f"{self.start:%H:%M}–{self.end:%H:%M}"
        if self.valid_from or self.valid_to:
            text += f"（{self.valid_from or '…'} 至 {self.valid_to or '…'}）"
        return text
