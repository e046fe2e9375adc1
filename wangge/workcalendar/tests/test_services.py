"""Seeding (idempotent, manual rows kept) and the audited manual edits, allowed and refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.workcalendar import services
from wangge.workcalendar.choices import DayKind, DaySource
from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

date = dt.date


def _rows() -> list[tuple[Any, ...]]:
    return list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "source"))


def _years() -> list[tuple[Any, ...]]:
    return list(CalendarYear.objects.values_list("year", "is_official", "source", "note"))


def _empty_calendar() -> None:
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()


# --- seeding ----------------------------------------------------------------------------------------------------


def test_migrate_leaves_a_seeded_calendar(db: Any) -> None:
    assert CalendarYear.objects.get(year=2025).is_official is True
    assert CalendarDay.objects.filter(date=date(2025, 10, 11), kind=DayKind.WORKDAY).exists()
    assert OfficeWindow.objects.count() == 2


def test_seed_from_empty_stores_official_years_and_rule_years(db: Any) -> None:
    _empty_calendar()

    report = services.seed_calendar()

    assert report.official_years == list(range(2004, 2027))
    assert report.rule_years == [2027, 2028, 2029, 2030]
    official = CalendarYear.objects.get(year=2026)
    assert (official.is_official, official.source) == (True, DaySource.OFFICIAL)
    rule = CalendarYear.objects.get(year=2027)
    assert (rule.is_official, rule.source) == (False, DaySource.RULE)
    assert "暂定" in rule.note
    days_2025 = CalendarDay.objects.filter(date__year=2025)
    assert days_2025.filter(kind=DayKind.HOLIDAY, source=DaySource.OFFICIAL).count() == 18
    assert sorted(days_2025.filter(kind=DayKind.WORKDAY).values_list("date", flat=True)) == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).name == "国庆节"
    # only departures from the ordinary week are stored
    assert not CalendarDay.objects.filter(date=date(2025, 10, 4)).exists()
    assert not CalendarDay.objects.filter(date__year=2027, kind=DayKind.WORKDAY).exists()
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).source == DaySource.RULE
    assert AuditEntry.objects.filter(action="workcalendar.seed").count() == 1


def test_seed_is_idempotent(db: Any) -> None:
    services.seed_calendar()
    rows, years, audits = _rows(), _years(), AuditEntry.objects.count()

    report = services.seed_calendar()

    assert report.changed == 0
    assert (_rows(), _years(), AuditEntry.objects.count()) == (rows, years, audits)


def test_seed_never_touches_manual_rows(db: Any) -> None:
    CalendarDay.objects.filter(date=date(2025, 10, 8)).update(
        kind=DayKind.ORDINARY, name="提前复工", source=DaySource.MANUAL
    )
    CalendarDay.objects.create(date=date(2028, 3, 6), kind=DayKind.HOLIDAY, name="区里放假", source=DaySource.MANUAL)

    report = services.seed_calendar()

    assert report.kept_manual == 2
    kept = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert (kept.kind, kept.name, kept.source) == (DayKind.ORDINARY, "提前复工", DaySource.MANUAL)
    assert CalendarDay.objects.get(date=date(2028, 3, 6)).source == DaySource.MANUAL


def test_seed_repairs_seeded_rows_that_no_longer_match_the_package(db: Any) -> None:
    CalendarDay.objects.create(date=date(2025, 3, 3), kind=DayKind.HOLIDAY, name="旧推算", source=DaySource.RULE)
    CalendarDay.objects.filter(date=date(2025, 10, 1)).update(name="错名")
    CalendarDay.objects.filter(date=date(2025, 10, 2)).delete()
    CalendarYear.objects.filter(year=2025).update(is_official=False, source=DaySource.RULE)

    report = services.seed_calendar(range(2025, 2026))

    assert (report.created, report.updated, report.deleted) == (1, 2, 1)
    assert not CalendarDay.objects.filter(date=date(2025, 3, 3)).exists()
    assert CalendarDay.objects.get(date=date(2025, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.filter(date=date(2025, 10, 2)).exists()
    assert CalendarYear.objects.get(year=2025).is_official is True


def test_seed_leaves_a_year_marked_by_hand(staff: Any) -> None:
    services.calendar_year_set(actor=staff, year=2027, is_official=True, note="已录入国办通知")
    CalendarDay.objects.filter(date=date(2027, 1, 1)).delete()

    report = services.seed_calendar()

    assert report.manual_years == [2027]
    year = CalendarYear.objects.get(year=2027)
    assert (year.is_official, year.source, year.note) == (True, DaySource.MANUAL, "已录入国办通知")
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


def test_office_windows_seed_only_fills_an_empty_table(db: Any) -> None:
    OfficeWindow.objects.all().delete()

    assert services.office_windows_seed() == 2
    assert [(w.start, w.end) for w in OfficeWindow.objects.all()] == [
        (dt.time(8, 30), dt.time(12)),
        (dt.time(14, 30), dt.time(18)),
    ]
    assert services.office_windows_seed() == 0
    assert OfficeWindow.objects.count() == 2


# --- manual edits ---------------------------------------------------------------------------------------------------


def test_staff_sets_a_local_holiday(staff: Any) -> None:
    day = services.calendar_day_set(actor=staff, date=date(2025, 11, 3), kind=DayKind.HOLIDAY, name="区庆")

    assert (day.kind, day.name, day.source) == (DayKind.HOLIDAY, "区庆", DaySource.MANUAL)
    entry = AuditEntry.objects.get(action="workcalendar.day_set")
    assert entry.actor == staff
    assert entry.object_id == str(day.pk)
    assert (entry.after or {})["kind"] == DayKind.HOLIDAY


def test_staff_cancels_an_official_make_up_day(staff: Any) -> None:
    services.calendar_day_set(actor=staff, date=date(2025, 10, 11), kind=DayKind.ORDINARY, name="取消调休")

    row = CalendarDay.objects.get(date=date(2025, 10, 11))
    assert (row.kind, row.source) == (DayKind.ORDINARY, DaySource.MANUAL)
    entry = AuditEntry.objects.get(action="workcalendar.day_set")
    assert (entry.before or {})["kind"] == DayKind.WORKDAY


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        (date(2025, 11, 1), DayKind.HOLIDAY, ""),  # Saturday: already a rest day
        (date(2025, 11, 3), DayKind.WORKDAY, ""),  # Monday: already a working day
        (date(2025, 11, 3), "vacation", ""),
        (date(2025, 11, 3), DayKind.HOLIDAY, "名" * 51),
    ],
)
def test_a_meaningless_exception_is_refused_and_nothing_changes(staff: Any, day: dt.date, kind: str, name: str) -> None:
    rows, audits = _rows(), AuditEntry.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_set(actor=staff, date=day, kind=kind, name=name)

    assert caught.value.details
    assert (_rows(), AuditEntry.objects.count()) == (rows, audits)


def test_removing_a_manual_edit_restores_the_official_day(staff: Any) -> None:
    services.calendar_day_set(actor=staff, date=date(2025, 10, 11), kind=DayKind.ORDINARY)

    restored = services.calendar_day_remove(actor=staff, date=date(2025, 10, 11))

    assert restored is not None
    assert (restored.kind, restored.source, restored.name) == (DayKind.WORKDAY, DaySource.OFFICIAL, "国庆节")
    entry = AuditEntry.objects.get(action="workcalendar.day_remove")
    assert (entry.model, (entry.before or {})["kind"], (entry.after or {})["kind"]) == (
        "calendarday",
        "ordinary",
        "workday",
    )


def test_removing_a_manual_holiday_leaves_an_ordinary_day(staff: Any) -> None:
    services.calendar_day_set(actor=staff, date=date(2025, 11, 3), kind=DayKind.HOLIDAY)

    assert services.calendar_day_remove(actor=staff, date=date(2025, 11, 3)) is None
    assert not CalendarDay.objects.filter(date=date(2025, 11, 3)).exists()


def test_an_official_row_cannot_be_removed_and_nothing_changes(staff: Any) -> None:
    rows, audits = _rows(), AuditEntry.objects.count()

    with pytest.raises(ValidationFailed):
        services.calendar_day_remove(actor=staff, date=date(2025, 10, 1))

    assert (_rows(), AuditEntry.objects.count()) == (rows, audits)


def test_removing_a_date_without_exception_is_not_found(staff: Any) -> None:
    rows = _rows()

    with pytest.raises(NotFound):
        services.calendar_day_remove(actor=staff, date=date(2025, 11, 4))

    assert _rows() == rows


def test_marking_a_year_official_by_hand(staff: Any) -> None:
    year = services.calendar_year_set(actor=staff, year=2027, is_official=True, note="国办发明电〔2026〕")

    assert (year.is_official, year.source) == (True, DaySource.MANUAL)
    assert AuditEntry.objects.filter(action="workcalendar.year_set", object_id=str(year.pk)).exists()


def test_an_absurd_year_is_refused_and_nothing_changes(staff: Any) -> None:
    years = _years()

    with pytest.raises(ValidationFailed):
        services.calendar_year_set(actor=staff, year=1800, is_official=True)

    assert _years() == years
