"""Working-calendar arithmetic from the command line.

    workdays add 2025-09-30 3                 -> 2025-10-11
    workdays add 2026-12-25 10                -> 2027-01-11 provisional （暂定：2027 年尚无官方安排）
    workdays add-hours "2025-09-30 17:00" 2   -> 2025-10-09T09:30:00+08:00
    workdays between 2025-09-30T17:00 2025-10-09T09:30
    workdays seed [--from 2004 --to 2030]
    workdays show 2025

The first token of every answer is the value; " provisional" follows when a year touched has no official
schedule. The calendar is seeded first when it is empty.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.workcalendar import arithmetic, services
from wangge.workcalendar.arithmetic import Result
from wangge.workcalendar.models import CalendarDay, CalendarYear

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _parse_instant(text: str) -> dt.date:
    """A date (``2025-09-30``) or a datetime (``2025-09-30T17:00``, ``2025-09-30 17:00``, zone optional)."""
    try:
        if len(text.strip()) <= 10:
            return dt.date.fromisoformat(text.strip())
        return dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(_("无法识别的日期或时间：%(text)s") % {"text": text}) from exc


def _parse_datetime(text: str) -> dt.datetime:
    value = _parse_instant(text)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value


def _parse_number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(_("无法识别的数值：%(text)s") % {"text": text}) from exc
    if not value.is_finite():
        raise CommandError(_("无法识别的数值：%(text)s") % {"text": text})
    return value


def _format_value(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _unofficial_years(first: dt.date, last: dt.date) -> list[int]:
    low, high = sorted((first.year, last.year))
    calendar = arithmetic.get_calendar()
    return [year for year in range(low, high + 1) if not calendar.is_official(year)]


class Command(BaseCommand):
    help = _("工作日历：按工作日/工作时推算期限，维护并查看节假日安排")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help=_("某日之后第 N 个工作日"))
        add.add_argument("start", help=_("受理日期（YYYY-MM-DD），或带时刻"))
        add.add_argument("n", type=int, help=_("工作日数"))
        add_hours = sub.add_parser("add-hours", help=_("某时刻之后 H 个工作小时（可为小数）"))
        add_hours.add_argument("start", help=_("起算时刻（YYYY-MM-DDTHH:MM）"))
        add_hours.add_argument("hours", help=_("工作小时数"))
        between = sub.add_parser("between", help=_("两个时刻之间的办公时长"))
        between.add_argument("a")
        between.add_argument("b")
        seed = sub.add_parser("seed", help=_("从 chinesecalendar / holidays 导入节假日安排（不覆盖人工维护）"))
        seed.add_argument("--from", dest="first", type=int, default=services.DEFAULT_YEARS.start)
        seed.add_argument("--to", dest="last", type=int, default=services.DEFAULT_YEARS.stop - 1)
        show = sub.add_parser("show", help=_("列出某年的节假日与调休上班日"))
        show.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "seed":
            self._seed(options["first"], options["last"])
            return
        if services.calendar_is_empty():
            report = services.seed_calendar()
            services.office_windows_seed()
            self.stderr.write(_("日历为空，已自动导入 %(n)d 条记录。") % {"n": report.created})
        if action == "add":
            start = _parse_instant(options["start"])
            self._answer(arithmetic.add_working_days(start, options["n"]), start)
        elif action == "add-hours":
            start_dt = _parse_datetime(options["start"])
            amount = _parse_number(options["hours"])
            if amount < 0:
                raise CommandError(_("工作小时数不能为负"))
            self._answer(arithmetic.add_working_hours(start_dt, amount), start_dt)
        elif action == "between":
            a, b = _parse_datetime(options["a"]), _parse_datetime(options["b"])
            result = arithmetic.working_seconds_between(a, b)
            seconds = result.value
            hours = f"{seconds / 3600:.4f}".rstrip("0").rstrip(".")
            text = _("%(hours)s 工作小时（%(seconds)s 秒）") % {"hours": hours, "seconds": f"{seconds:g}"}
            self._answer(Result(text, result.provisional), a, b)
        elif action == "show":
            self._show(options["year"])

    def _answer(self, result: Result[Any], first: dt.date, last: dt.date | None = None) -> None:
        line = _format_value(result.value)
        if result.provisional:
            end = last or (result.value if isinstance(result.value, dt.date) else first)
            years = "、".join(str(y) for y in _unofficial_years(first, end))
            line += " provisional " + _("（暂定：%(years)s 年尚无官方安排）") % {"years": years}
        self.stdout.write(line)

    def _seed(self, first: int, last: int) -> None:
        if last < first:
            raise CommandError(_("年份范围无效"))
        report = services.seed_calendar(range(first, last + 1))
        windows = services.office_windows_seed()
        self.stdout.write(
            _(
                "官方安排 %(official)d 年，规则推算 %(rule)d 年，人工维护年度 %(manual)d 个；"
                "新增 %(created)d，更新 %(updated)d，删除 %(deleted)d，保留人工记录 %(kept)d；"
                "新增办公时段 %(windows)d"
            )
            % {
                "official": len(report.official_years),
                "rule": len(report.rule_years),
                "manual": len(report.manual_years),
                "created": report.created,
                "updated": report.updated,
                "deleted": report.deleted,
                "kept": report.kept_manual,
                "windows": windows,
            }
        )

    def _show(self, year: int) -> None:
        cy = CalendarYear.objects.filter(year=year).first()
        if cy is None:
            status = _("未导入，按常规周历计算（暂定）")
        elif cy.is_official:
            status = _("官方安排")
        else:
            status = _("暂定")
        working = arithmetic.count_working_days(dt.date(year, 1, 1), dt.date(year, 12, 31)).value
        header = _("%(year)d 年：%(status)s；工作日 %(working)d 天") % {
            "year": year,
            "status": status,
            "working": working,
        }
        if cy is not None and cy.note:
            header += f"（{cy.note}）"
        self.stdout.write(header)
        for day in CalendarDay.objects.filter(date__year=year).order_by("date"):
            self.stdout.write(
                f"{day.date.isoformat()} {WEEKDAYS[day.date.weekday()]} {day.get_kind_display()} "
                f"{day.name or '-'} [{day.get_source_display()}]"
            )
