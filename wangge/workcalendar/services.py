"""Writes to the working calendar: seeding from the holiday packages, and audited manual edits.

Sources, in order of authority:

* ``manual`` — rows edited by people (admin or these services). Seeding never touches them.
* ``official`` — the State Council schedule as published in ``chinesecalendar`` (2004–2026 in 1.11.0):
  holidays falling on weekdays and make-up working days (调休) on weekends.
* ``rule`` — later years from ``holidays.China``, computed by rule. It knows no make-up working days, so
  those years stay provisional (``CalendarYear.is_official = False``) until the official notice is entered.

Both packages are imported lazily: importing this module stays cheap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wangge.core import audit
from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound, ValidationFailed
from wangge.workcalendar.choices import DayKind, DaySource
from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

DEFAULT_YEARS = range(2004, 2031)
NAME_MAX = CalendarDay._meta.get_field("name").max_length or 50

OFFICIAL_NOTE = _("国务院办公厅节假日安排（chinesecalendar 数据）")
RULE_NOTE = _("暂定：按规则推算（holidays 数据），尚无国务院办公厅通知，未含调休上班日；据此计算的期限为暂定")


@dataclass(frozen=True)
class DayRow:
    """One exception as a package describes it."""

    date: dt.date
    kind: str
    name: str
    source: str


@dataclass
class SeedReport:
    official_years: list[int] = field(default_factory=list)
    rule_years: list[int] = field(default_factory=list)
    manual_years: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept_manual: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


# --- what the packages say -----------------------------------------------------------------------------


@cache
def official_years() -> frozenset[int]:
    """Years for which ``chinesecalendar`` carries the official schedule."""
    from chinese_calendar import constants

    return frozenset(d.year for d in constants.holidays) | frozenset(d.year for d in constants.workdays)


def _chinese_name(english: str) -> str:
    from chinese_calendar import Holiday

    try:
        return str(Holiday(english).chinese)[:NAME_MAX]
    except ValueError:
        return english[:NAME_MAX]


def official_rows(year: int) -> dict[dt.date, DayRow]:
    """Weekday holidays and weekend make-up working days of ``year`` from the official schedule."""
    return dict(_official_index().get(year, {}))


@cache
def _official_index() -> dict[int, dict[dt.date, DayRow]]:
    from chinese_calendar import constants

    index: dict[int, dict[dt.date, DayRow]] = {}
    for day, english in constants.holidays.items():
        if day.weekday() < 5:
            row = DayRow(day, DayKind.HOLIDAY, _chinese_name(english), DaySource.OFFICIAL)
            index.setdefault(day.year, {})[day] = row
    for day, english in constants.workdays.items():
        if day.weekday() >= 5:
            row = DayRow(day, DayKind.WORKDAY, _chinese_name(english), DaySource.OFFICIAL)
            index.setdefault(day.year, {})[day] = row
    return index


def rule_rows(year: int) -> dict[dt.date, DayRow]:
    """Weekday holidays of ``year`` computed by rule (``holidays.China``), names in Chinese."""
    return dict(_rule_rows(year))


@cache
def _rule_rows(year: int) -> dict[dt.date, DayRow]:
    import holidays

    china = holidays.country_holidays("CN", years=year, language="zh_CN")
    rows: dict[dt.date, DayRow] = {}
    for day, name in sorted(china.items()):
        if day.year == year and day.weekday() < 5:
            rows[day] = DayRow(day, DayKind.HOLIDAY, str(name)[:NAME_MAX], DaySource.RULE)
    # Recent versions list make-up working days where the package already knows them.
    for day in sorted(getattr(china, "weekend_workdays", ()) or ()):
        if day.year == year and day.weekday() >= 5:
            rows[day] = DayRow(day, DayKind.WORKDAY, _g("调休上班"), DaySource.RULE)
    return rows


def package_rows(year: int) -> tuple[bool, dict[dt.date, DayRow]]:
    """(is_official, rows) for ``year``: the official schedule when known, else the rule-based one."""
    if year in official_years():
        return True, official_rows(year)
    return False, rule_rows(year)


# --- seeding -------------------------------------------------------------------------------------------


def seed_calendar(
    years: Iterable[int] = DEFAULT_YEARS, *, actor: Any = SYSTEM, record_audit: bool = True
) -> SeedReport:
    """Bring the table in line with the packages for ``years``; idempotent; manual rows are never touched.

    Rows seeded earlier but no longer in the package (e.g. rule rows once the official schedule is known)
    are removed. A year whose ``CalendarYear`` was set by hand keeps its rows unless the package now has
    the official schedule for it (the manual rows still win).
    """
    wanted = sorted({int(y) for y in years})
    report = SeedReport()
    if not wanted:
        return report
    with transaction.atomic():
        year_rows = {cy.year: cy for cy in CalendarYear.objects.select_for_update().filter(year__in=wanted)}
        wanted_set = set(wanted)
        existing: dict[int, dict[dt.date, CalendarDay]] = {}
        for d in CalendarDay.objects.filter(date__gte=dt.date(wanted[0], 1, 1), date__lte=dt.date(wanted[-1], 12, 31)):
            if d.date.year in wanted_set:
                existing.setdefault(d.date.year, {})[d.date] = d
        to_create: list[CalendarDay] = []
        to_delete: list[int] = []
        for year in wanted:
            cy = year_rows.get(year)
            is_official, rows = package_rows(year)
            if cy is not None and cy.source == DaySource.MANUAL and not is_official:
                report.manual_years.append(year)
                continue
            (report.official_years if is_official else report.rule_years).append(year)
            present = existing.get(year, {})
            for day, row_obj in present.items():
                if row_obj.source == DaySource.MANUAL:
                    report.kept_manual += 1
                    continue
                wanted_row = rows.get(day)
                if wanted_row is None:
                    to_delete.append(row_obj.pk)
                elif (row_obj.kind, row_obj.name, row_obj.source) != (
                    wanted_row.kind,
                    wanted_row.name,
                    wanted_row.source,
                ):
                    row_obj.kind, row_obj.name, row_obj.source = (
                        wanted_row.kind,
                        wanted_row.name,
                        wanted_row.source,
                    )
                    row_obj.save(update_fields=["kind", "name", "source", "updated_at"])
                    report.updated += 1
            for day, wanted_row in rows.items():
                if day not in present:
                    to_create.append(
                        CalendarDay(date=day, kind=wanted_row.kind, name=wanted_row.name, source=wanted_row.source)
                    )
            _seed_year(year, cy, is_official, report)
        if to_delete:
            CalendarDay.objects.filter(pk__in=to_delete).delete()
            report.deleted += len(to_delete)
        if to_create:
            CalendarDay.objects.bulk_create(to_create)
            report.created += len(to_create)
        if record_audit and report.changed:
            audit.record(
                actor=actor,
                action="workcalendar.seed",
                note=(
                    f"years {wanted[0]}–{wanted[-1]}: created {report.created}, updated {report.updated}, "
                    f"deleted {report.deleted}, manual kept {report.kept_manual}"
                ),
            )
    return report


def _seed_year(year: int, cy: CalendarYear | None, is_official: bool, report: SeedReport) -> None:
    source = DaySource.OFFICIAL if is_official else DaySource.RULE
    note = str(OFFICIAL_NOTE if is_official else RULE_NOTE)
    if cy is None:
        CalendarYear.objects.create(year=year, is_official=is_official, source=source, note=note)
        report.created += 1
    elif cy.source != DaySource.MANUAL and (cy.is_official, cy.source, cy.note) != (
        is_official,
        source,
        note,
    ):
        cy.is_official, cy.source, cy.note = is_official, source, note
        cy.save(update_fields=["is_official", "source", "note", "updated_at"])
        report.updated += 1


def _parse_time(value: str | dt.time) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def office_windows_seed() -> int:
    """Create the windows of ``settings.WANGGE_OFFICE_HOURS`` when no window exists; returns how many."""
    with transaction.atomic():
        if OfficeWindow.objects.exists():
            return 0
        windows = [
            OfficeWindow(start=_parse_time(start), end=_parse_time(end)) for start, end in settings.WANGGE_OFFICE_HOURS
        ]
        OfficeWindow.objects.bulk_create(windows)
        return len(windows)


def calendar_is_empty() -> bool:
    return not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


# --- manual edits --------------------------------------------------------------------------------------


def day_problems(*, date: dt.date, kind: str, name: str) -> list[dict[str, str]]:
    """Why an exception for ``date`` would be wrong (empty when it is fine)."""
    problems: list[dict[str, str]] = []
    if kind not in DayKind.values:
        problems.append({"field": "kind", "reason": _g("类型无效")})
    elif kind == DayKind.HOLIDAY and date.weekday() >= 5:
        problems.append({"field": "kind", "reason": _g("周末本就休息，无需设为节假日")})
    elif kind == DayKind.WORKDAY and date.weekday() < 5:
        problems.append({"field": "kind", "reason": _g("工作日本就上班，无需设为调休上班日")})
    if len(name) > NAME_MAX:
        problems.append({"field": "name", "reason": _g("名称过长")})
    return problems


def _forget_calendar() -> None:
    """This process sees its own edit at once; other processes within the calendar's recheck interval."""
    from wangge.workcalendar import arithmetic

    arithmetic.invalidate()


def calendar_day_set(*, actor: Any, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Record a manual exception for ``date`` (replacing whatever was there); seeding will keep it."""
    problems = day_problems(date=date, kind=kind, name=name)
    if problems:
        raise ValidationFailed(_g("日历例外日不合规"), details=problems)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        before = audit.snapshot(day)
        if day is None:
            day = CalendarDay(date=date)
        day.kind, day.name, day.source = kind, name, DaySource.MANUAL
        day.save()
        audit.record(actor=actor, action="workcalendar.day_set", obj=day, before=before, after=audit.snapshot(day))
        transaction.on_commit(_forget_calendar)
    return day


def calendar_day_remove(*, actor: Any, date: dt.date) -> CalendarDay | None:
    """Drop the manual exception for ``date``; the published (or rule-based) one, if any, comes back.

    Only manual rows can be removed: to cancel a published exception set ``kind=ordinary`` instead.
    Returns the row now in force for ``date`` (None when the date follows the ordinary week).
    """
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise NotFound(_g("该日期没有例外记录"))
        if day.source != DaySource.MANUAL:
            raise ValidationFailed(
                _g("只能删除人工维护的记录；如需取消官方或推算的安排，请设为“按常规”"),
                details=[{"field": "date", "reason": "not_manual"}],
            )
        before = audit.snapshot(day)
        pk = day.pk
        day.delete()
        restored: CalendarDay | None = None
        cy = CalendarYear.objects.filter(year=date.year).first()
        if cy is not None and (cy.source != DaySource.MANUAL or date.year in official_years()):
            row = package_rows(date.year)[1].get(date)
            if row is not None:
                restored = CalendarDay.objects.create(date=date, kind=row.kind, name=row.name, source=row.source)
        entry = audit.record(
            actor=actor,
            action="workcalendar.day_remove",
            before=before,
            after=audit.snapshot(restored),
            only_changes=False,
        )
        entry.app_label, entry.model = CalendarDay._meta.app_label, CalendarDay._meta.model_name or ""
        entry.object_id, entry.object_repr = str(pk), str(before and before.get("date"))
        entry.save(update_fields=["app_label", "model", "object_id", "object_repr"])
        transaction.on_commit(_forget_calendar)
    return restored


def calendar_year_set(*, actor: Any, year: int, is_official: bool, note: str = "") -> CalendarYear:
    """Mark by hand whether ``year``'s schedule is official (e.g. once a new State Council notice is in)."""
    if not 1900 <= year <= 2200:
        raise ValidationFailed(_g("年份无效"), details=[{"field": "year", "reason": "out_of_range"}])
    with transaction.atomic():
        cy = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = audit.snapshot(cy)
        if cy is None:
            cy = CalendarYear(year=year)
        cy.is_official, cy.note, cy.source = is_official, note, DaySource.MANUAL
        cy.save()
        audit.record(actor=actor, action="workcalendar.year_set", obj=cy, before=before, after=audit.snapshot(cy))
        transaction.on_commit(_forget_calendar)
    return cy
