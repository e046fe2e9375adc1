"""Calendar vectors: 调休, holidays, office windows, year boundaries, provisional years."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.workcalendar import arithmetic
from wangge.workcalendar.arithmetic import DatedWindow, Result, WorkingCalendar
from wangge.workcalendar.tests.conftest import local

pytestmark = pytest.mark.usefixtures("calendar")

date = dt.date


# --- working days ----------------------------------------------------------------------------------------


def test_three_working_days_after_september_30_2025_is_the_make_up_saturday() -> None:
    assert arithmetic.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_result_carries_value_and_official_flag() -> None:
    result = arithmetic.add_working_days(date(2025, 9, 30), 3)

    assert result.value == date(2025, 10, 11)
    assert result.provisional is False


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, 调休 for National Day
        (date(2025, 10, 11), True),  # Saturday, 调休 for National Day
        (date(2025, 10, 12), False),  # Sunday
        (date(2025, 10, 9), True),
        *[(date(2025, 10, d), False) for d in range(1, 9)],
    ],
)
def test_national_day_2025_holidays_and_make_up_days(day: dt.date, working: bool) -> None:
    assert arithmetic.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday 调休
        (date(2025, 2, 8), True),  # Saturday 调休
        *[(date(2025, 1, 28) + dt.timedelta(days=i), False) for i in range(8)],  # 1-28 .. 2-04
        (date(2025, 2, 5), True),
    ],
)
def test_spring_festival_2025(day: dt.date, working: bool) -> None:
    assert arithmetic.is_working_day(day) is working


def test_spring_festival_2025_deadlines() -> None:
    assert arithmetic.add_working_days(date(2025, 1, 27), 1) == date(2025, 2, 5)
    assert arithmetic.add_working_days(date(2025, 1, 24), 2) == date(2025, 1, 27)  # via Sunday 1-26
    assert arithmetic.add_working_days(date(2025, 1, 27), 4) == date(2025, 2, 8)  # Saturday 调休
    assert arithmetic.add_working_days(date(2025, 1, 27), 5) == date(2025, 2, 10)


def test_the_day_of_acceptance_is_not_counted_even_on_a_rest_day() -> None:
    assert arithmetic.add_working_days(date(2025, 10, 4), 1) == date(2025, 10, 9)


def test_fifteen_working_days_across_national_day() -> None:
    # 9-22..26 (5), 9-28 (6), 9-29, 9-30 (8), 10-9, 10-10, 10-11 (11), 10-13..16 (15)
    assert arithmetic.add_working_days(date(2025, 9, 19), 15) == date(2025, 10, 16)


def test_zero_and_negative_working_days() -> None:
    assert arithmetic.add_working_days(date(2025, 10, 4), 0) == date(2025, 10, 4)
    assert arithmetic.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert arithmetic.add_working_days(date(2025, 1, 2), -1) == date(2024, 12, 31)
    assert arithmetic.add_working_days(date(2025, 10, 11), -3) == date(2025, 9, 30)


def test_working_days_from_a_datetime_end_at_the_close_of_office_hours() -> None:
    result = arithmetic.add_working_days(local(2025, 9, 30, 10, 0), 3)

    assert result.value == local(2025, 10, 11, 18, 0)
    assert result.provisional is False


def test_one_working_day_after_new_years_eve_2026_is_in_provisional_2027() -> None:
    result = arithmetic.add_working_days(date(2026, 12, 31), 1)

    assert result.value == date(2027, 1, 4)  # 2027-01-01 (Friday) is a rule-based holiday
    assert result.provisional is True


def test_within_2026_stays_official() -> None:
    result = arithmetic.add_working_days(date(2026, 12, 30), 1)

    assert result == Result(date(2026, 12, 31), provisional=False)


def test_ten_working_days_from_christmas_2026() -> None:
    result = arithmetic.add_working_days(date(2026, 12, 25), 10)

    assert result == Result(date(2027, 1, 11), provisional=True)


def test_a_year_outside_the_table_counts_weekdays_and_is_provisional() -> None:
    result = arithmetic.add_working_days(date(2040, 3, 2), 5)  # Friday

    assert result == Result(date(2040, 3, 9), provisional=True)


def test_count_working_days_2025() -> None:
    # 261 weekdays - 18 weekday holidays + 5 make-up days
    assert arithmetic.count_working_days(date(2025, 1, 1), date(2025, 12, 31)).value == 248


# --- working hours -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (local(2025, 9, 30, 11, 0), 2, local(2025, 9, 30, 15, 30)),  # across the lunch break
        (local(2025, 9, 30, 11, 0), 1, local(2025, 9, 30, 12, 0)),  # ends exactly at the break
        (local(2025, 9, 29, 17, 0), 2, local(2025, 9, 30, 9, 30)),  # across a night
        (local(2025, 9, 19, 17, 0), 2, local(2025, 9, 22, 9, 30)),  # across a weekend
        (local(2025, 9, 26, 17, 0), 2, local(2025, 9, 28, 9, 30)),  # to the Sunday 调休
        (local(2025, 9, 30, 17, 0), 2, local(2025, 10, 9, 9, 30)),  # across National Day
        (local(2025, 9, 30, 7, 0), 1, local(2025, 9, 30, 9, 30)),  # before office hours
        (local(2025, 9, 30, 13, 0), 1, local(2025, 9, 30, 15, 30)),  # inside the lunch break
        (local(2025, 9, 30, 20, 0), 1, local(2025, 10, 9, 9, 30)),  # after hours
        (local(2025, 10, 4, 10, 0), 1, local(2025, 10, 9, 9, 30)),  # on a holiday
        (local(2025, 9, 22, 8, 30), 7, local(2025, 9, 22, 18, 0)),  # exactly one office day
        (local(2025, 9, 22, 8, 30), 7.5, local(2025, 9, 23, 9, 0)),
        (local(2025, 9, 22, 8, 30), 15, local(2025, 9, 24, 9, 30)),
        (local(2025, 9, 30, 8, 30), 0.25, local(2025, 9, 30, 8, 45)),
        (local(2025, 9, 30, 8, 30), Decimal("1.5"), local(2025, 9, 30, 10, 0)),
        (local(2025, 9, 30, 10, 0), 0, local(2025, 9, 30, 10, 0)),
    ],
)
def test_add_working_hours(start: dt.datetime, hours: Any, expected: dt.datetime) -> None:
    result = arithmetic.add_working_hours(start, hours)

    assert result.value == expected
    assert result.provisional is False


def test_working_minutes() -> None:
    assert arithmetic.add_working_minutes(local(2025, 9, 30, 11, 45), 30).value == local(2025, 9, 30, 14, 45)


def test_instants_in_other_zones_are_computed_in_local_time() -> None:
    start = dt.datetime(2025, 9, 30, 3, 0, tzinfo=dt.UTC)  # 11:00 in Shanghai

    result = arithmetic.add_working_hours(start, 2)

    assert result.value == local(2025, 9, 30, 15, 30)
    assert result.value.utcoffset() == dt.timedelta(hours=8)


def test_a_naive_datetime_is_read_as_local_time() -> None:
    assert arithmetic.add_working_hours(dt.datetime(2025, 9, 30, 11, 0), 2).value == local(2025, 9, 30, 15, 30)


def test_negative_working_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        arithmetic.add_working_hours(local(2025, 9, 30, 10, 0), -1)


def test_working_hours_into_2027_are_provisional() -> None:
    result = arithmetic.add_working_hours(local(2026, 12, 31, 17, 0), 2)

    assert result == Result(local(2027, 1, 4, 9, 30), provisional=True)


# --- office time between two instants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "seconds"),
    [
        (local(2025, 9, 30, 10, 0), local(2025, 9, 30, 10, 0), 0),
        (local(2025, 9, 30, 11, 0), local(2025, 9, 30, 15, 0), 5400),  # lunch break skipped
        (local(2025, 9, 30, 12, 10), local(2025, 9, 30, 14, 0), 0),  # inside the break
        (local(2025, 9, 30, 17, 0), local(2025, 10, 9, 9, 30), 7200),  # across National Day
        (local(2025, 9, 20, 10, 0), local(2025, 9, 21, 16, 0), 0),  # an ordinary weekend
        (local(2025, 9, 22, 0, 0), local(2025, 9, 29, 0, 0), 6 * 7 * 3600),  # 5 weekdays + Sunday 调休
        (local(2025, 9, 30, 6, 0), local(2025, 9, 30, 23, 0), 7 * 3600),
    ],
)
def test_working_seconds_between_is_antisymmetric(a: dt.datetime, b: dt.datetime, seconds: int) -> None:
    forward = arithmetic.working_seconds_between(a, b)
    backward = arithmetic.working_seconds_between(b, a)

    assert forward.value == seconds
    assert backward.value == -seconds
    assert forward.provisional is backward.provisional is False


def test_working_seconds_between_into_2027_is_provisional() -> None:
    result = arithmetic.working_seconds_between(local(2026, 12, 31, 17, 0), local(2027, 1, 4, 9, 30))

    assert result == Result(7200.0, provisional=True)


# --- natural days, clock hours, dispatch -----------------------------------------------------------------------


def test_natural_days() -> None:
    assert arithmetic.add_natural_days(date(2025, 9, 30), 3) == Result(date(2025, 10, 3))
    assert arithmetic.add_natural_days(local(2025, 9, 30, 10, 0), 3).value == local(2025, 10, 4, 0, 0)
    assert arithmetic.add_natural_days(local(2025, 9, 30, 10, 0), 0).value == local(2025, 9, 30, 10, 0)
    # calendar days do not depend on the schedule
    assert arithmetic.add_natural_days(date(2027, 1, 1), 3).provisional is False


def test_clock_hours_run_through_nights_and_holidays() -> None:
    assert arithmetic.add_clock_hours(local(2025, 10, 4, 23, 0), 2).value == local(2025, 10, 5, 1, 0)
    assert arithmetic.add_clock_hours(local(2025, 10, 4, 23, 0), 0.5).value == local(2025, 10, 4, 23, 30)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (2, "working_hours", local(2025, 10, 9, 9, 30)),
        (90, "working_minutes", local(2025, 10, 9, 9, 0)),
        (7.0, "working_days", local(2025, 10, 16, 18, 0)),
        (3, "natural_days", local(2025, 10, 4, 0, 0)),
        (2, "clock_hours", local(2025, 9, 30, 19, 0)),
        (30, "clock_minutes", local(2025, 9, 30, 17, 30)),
    ],
)
def test_add_duration_dispatches_on_unit(amount: Any, unit: str, expected: dt.datetime) -> None:
    assert arithmetic.add_duration(local(2025, 9, 30, 17, 0), amount, unit).value == expected


def test_add_duration_on_a_date() -> None:
    assert arithmetic.add_duration(date(2025, 9, 30), 3, "working_days") == date(2025, 10, 11)


@pytest.mark.parametrize(
    ("start", "amount", "unit"),
    [
        (local(2025, 9, 30, 17, 0), 1, "fortnights"),
        (local(2025, 9, 30, 17, 0), 1.5, "working_days"),
        (date(2025, 9, 30), 2, "working_hours"),
        (local(2025, 9, 30, 17, 0), float("nan"), "clock_hours"),
    ],
)
def test_add_duration_refuses_what_it_cannot_compute(start: dt.date, amount: Any, unit: str) -> None:
    with pytest.raises(ValueError):
        arithmetic.add_duration(start, amount, unit)


def test_result_equality() -> None:
    assert Result(date(2025, 1, 1)) == date(2025, 1, 1)
    assert Result(date(2025, 1, 1), True) != Result(date(2025, 1, 1), False)
    assert Result(date(2025, 1, 1)) != date(2025, 1, 2)
    assert str(Result(date(2027, 1, 11), True)) == "2027-01-11 provisional"


# --- a calendar built in memory: seasonal windows, and the fast path against the day-by-day walk -----------------


def _calendar(windows: list[DatedWindow]) -> WorkingCalendar:
    live = arithmetic.get_calendar()
    return WorkingCalendar(
        exceptions=live.exceptions, official_years=live.official_years, windows=windows, tz="Asia/Shanghai"
    )


OFFICE = [DatedWindow(dt.time(8, 30), dt.time(12)), DatedWindow(dt.time(14, 30), dt.time(18))]


def test_dated_windows_replace_the_undated_ones_on_the_days_they_cover() -> None:
    summer = [
        DatedWindow(dt.time(8, 30), dt.time(12), date(2025, 6, 1), date(2025, 9, 30)),
        DatedWindow(dt.time(15), dt.time(18, 30), date(2025, 6, 1), date(2025, 9, 30)),
    ]
    calendar = _calendar(OFFICE + summer)

    assert calendar.add_working_hours(local(2025, 9, 30, 11, 0), 2).value == local(2025, 9, 30, 16, 0)
    assert calendar.add_working_hours(local(2025, 10, 9, 11, 0), 2).value == local(2025, 10, 9, 15, 30)
    assert calendar.add_working_days(local(2025, 9, 26, 9, 0), 1).value == local(2025, 9, 28, 18, 30)


def test_fast_path_agrees_with_the_day_by_day_walk() -> None:
    uniform = _calendar(OFFICE)
    # The same windows dated from 1900 force the day-by-day walk.
    walking = _calendar([DatedWindow(w.start, w.end, date(1900, 1, 1)) for w in OFFICE])
    assert uniform.uniform and not walking.uniform
    rng = random.Random(20251011)
    for _ in range(300):
        start = local(2025, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 2 * 366 * 24 * 60))
        us = rng.randrange(1, 400 * 3600) * 1_000_000
        end = uniform.add_working_us(start, us)

        assert end == walking.add_working_us(start, us)
        assert uniform.working_us_between(start, end.value).value == us
        assert walking.working_us_between(start, end.value).value == us


def test_a_calendar_without_windows_is_refused() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        WorkingCalendar(exceptions={}, official_years=(), windows=[], tz=ZoneInfo("Asia/Shanghai"))
