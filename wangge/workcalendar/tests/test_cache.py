"""The in-memory calendar follows every edit: services, the ORM, rolled-back transactions, office windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from wangge.workcalendar import arithmetic, services
from wangge.workcalendar.choices import DayKind, DaySource
from wangge.workcalendar.models import CalendarDay, OfficeWindow
from wangge.workcalendar.tests.conftest import local

date = dt.date
pytestmark = pytest.mark.usefixtures("calendar")


def test_the_calendar_is_reused_while_nothing_changes() -> None:
    assert arithmetic.get_calendar() is arithmetic.get_calendar()


def test_a_manual_edit_through_the_service_is_seen_at_once(staff: Any) -> None:
    assert arithmetic.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)

    services.calendar_day_set(actor=staff, date=date(2025, 9, 28), kind=DayKind.ORDINARY)

    assert arithmetic.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 29)
    assert arithmetic.is_working_day(date(2025, 9, 28)) is False

    services.calendar_day_remove(actor=staff, date=date(2025, 9, 28))

    assert arithmetic.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_an_edit_of_an_existing_row_is_seen() -> None:
    arithmetic.get_calendar()
    row = CalendarDay.objects.get(date=date(2025, 10, 8))
    row.kind, row.source = DayKind.ORDINARY, DaySource.MANUAL
    row.save()

    assert arithmetic.is_working_day(date(2025, 10, 8)) is True


def test_a_rolled_back_edit_is_forgotten() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=date(2025, 11, 3), kind=DayKind.HOLIDAY, source=DaySource.MANUAL)
        assert arithmetic.is_working_day(date(2025, 11, 3)) is False
        raise RuntimeError("roll back")

    assert arithmetic.is_working_day(date(2025, 11, 3)) is True


def test_changed_office_windows_are_seen() -> None:
    assert arithmetic.add_working_hours(local(2025, 9, 30, 11, 0), 2).value == local(2025, 9, 30, 15, 30)

    window = OfficeWindow.objects.get(start=dt.time(14, 30))
    window.start = dt.time(14, 0)
    window.save()

    assert arithmetic.add_working_hours(local(2025, 9, 30, 11, 0), 2).value == local(2025, 9, 30, 15, 0)


def test_marking_a_year_official_clears_the_provisional_flag(staff: Any) -> None:
    assert arithmetic.add_working_days(date(2027, 3, 1), 1).provisional is True

    services.calendar_year_set(actor=staff, year=2027, is_official=True)

    assert arithmetic.add_working_days(date(2027, 3, 1), 1).provisional is False


def test_without_window_rows_the_settings_apply(settings: Any) -> None:
    OfficeWindow.objects.all().delete()
    settings.WANGGE_OFFICE_HOURS = [("09:00", "12:00"), ("13:00", "17:00")]

    assert arithmetic.add_working_hours(local(2025, 9, 30, 11, 0), 2).value == local(2025, 9, 30, 14, 0)


def test_within_the_recheck_interval_no_query_is_made(settings: Any, django_assert_num_queries: Any) -> None:
    settings.WANGGE_CALENDAR_RECHECK_SECONDS = 60
    arithmetic.invalidate()
    first = arithmetic.get_calendar()

    with django_assert_num_queries(0):
        assert arithmetic.get_calendar() is first
        arithmetic.add_working_days(date(2025, 9, 26), 1)


def test_an_edit_through_the_service_is_seen_at_once_even_within_the_interval(
    staff: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WANGGE_CALENDAR_RECHECK_SECONDS = 3600
    arithmetic.invalidate()
    assert arithmetic.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)

    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=staff, date=date(2025, 9, 28), kind=DayKind.ORDINARY)

    assert arithmetic.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 29)


def test_an_edit_from_elsewhere_is_seen_after_the_interval(settings: Any) -> None:
    settings.WANGGE_CALENDAR_RECHECK_SECONDS = 3600
    arithmetic.invalidate()
    assert arithmetic.is_working_day(date(2025, 9, 28)) is True  # the 调休 Sunday before the National Day
    row = CalendarDay.objects.get(date=date(2025, 9, 28))
    row.kind, row.source = DayKind.ORDINARY, DaySource.MANUAL
    row.save()  # as another process would, without telling this one

    assert arithmetic.is_working_day(date(2025, 9, 28)) is True  # still the snapshot, within the interval
    settings.WANGGE_CALENDAR_RECHECK_SECONDS = 0
    assert arithmetic.is_working_day(date(2025, 9, 28)) is False


def test_a_snapshot_taken_under_a_frozen_clock_is_not_kept_forever() -> None:
    from freezegun import freeze_time

    with freeze_time("2030-01-01"):  # freezegun moves time.monotonic too, far ahead of the real one
        arithmetic.invalidate()
        arithmetic.get_calendar()
    row = CalendarDay.objects.get(date=date(2025, 9, 28))
    row.kind, row.source = DayKind.ORDINARY, DaySource.MANUAL
    row.save()

    assert arithmetic.is_working_day(date(2025, 9, 28)) is False
