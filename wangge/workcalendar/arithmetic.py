"""Working-time arithmetic over the editable calendar: working days, office hours, natural days, clock hours.

A working day is a weekday that is not a holiday, or a make-up working day (调休). Office time is the
``OfficeWindow`` rows of a working day (``settings.WANGGE_OFFICE_HOURS`` while the table is empty). All
computations run in local time of ``settings.TIME_ZONE``; aware datetimes in any zone are accepted and
results are aware datetimes in that zone (a naive datetime is read as local time).

Every function returns a ``Result`` whose ``provisional`` is True when the computation went through a year
without an official schedule (no ``CalendarYear`` row, or ``is_official`` False).

Day-based limits follow Chinese practice (民法典 第二百零一条): the day of acceptance is not counted, so
``add_working_days(d, 3)`` is the third working day *after* ``d``; given a datetime, the deadline is the end
of that day's office hours. ``add_natural_days`` given a datetime ends at 24:00 of the Nth day (第二百零三条).

The calendar is loaded once per process into a ``WorkingCalendar`` and reused while a one-row fingerprint
query (row counts and latest ``updated_at`` of the three tables) is unchanged, so edits made by any process
— or rolled back — are seen by the next call (``QuerySet.update()`` skips ``auto_now``: set ``updated_at``
when using it). For many computations in a loop, take ``get_calendar()`` once and call its methods.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from wangge.core.caches import ProcessCache

T_co = TypeVar("T_co", covariant=True)
Number = int | float | Decimal

US = 1_000_000  # microseconds per second
US_PER_HOUR = 3600 * US
US_PER_MINUTE = 60 * US
US_PER_DAY = 86_400 * US
ONE_DAY = dt.timedelta(days=1)

WORKING_HOURS = "working_hours"
WORKING_MINUTES = "working_minutes"
WORKING_DAYS = "working_days"
NATURAL_DAYS = "natural_days"
CLOCK_HOURS = "clock_hours"
CLOCK_MINUTES = "clock_minutes"
UNITS = frozenset({WORKING_HOURS, WORKING_MINUTES, WORKING_DAYS, NATURAL_DAYS, CLOCK_HOURS, CLOCK_MINUTES})

HOLIDAY = "holiday"
WORKDAY = "workday"


@dataclass(frozen=True, eq=False, slots=True)
class Result(Generic[T_co]):
    """A computed value and whether it rests on a provisional (not yet official) schedule.

    A Result equals another Result with the same value and flag, and equals its bare value, so
    ``add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)`` holds.
    """

    value: T_co
    provisional: bool = False

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return bool(self.value == other.value and self.provisional == other.provisional)
        return bool(self.value == other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        text = self.value.isoformat() if isinstance(self.value, dt.date) else str(self.value)
        return f"{text} provisional" if self.provisional else text


Window = tuple[int, int]  # microseconds since local midnight, start < end


def _time_us(t: dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US + t.microsecond


def _merge(windows: Iterable[Window]) -> tuple[Window, ...]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _to_us(amount: Number, per: int) -> int:
    """``amount`` units of ``per`` microseconds, exactly for decimals like 0.1 h, rounded to 1 µs."""
    try:
        value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
        return int((value * per).to_integral_value(rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(f"not a finite amount: {amount!r}") from exc


def _whole(amount: Number) -> int:
    n = int(amount)
    if n != amount:
        raise ValueError(f"days must be whole, got {amount!r}")
    return n


@dataclass(frozen=True)
class DatedWindow:
    start: dt.time
    end: dt.time
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class WorkingCalendar:
    """An immutable snapshot of the calendar with fast lookups; build with ``from_database`` or directly."""

    def __init__(
        self,
        *,
        exceptions: dict[dt.date, str],
        official_years: Iterable[int],
        windows: Iterable[DatedWindow],
        tz: str | dt.tzinfo,
        fingerprint: tuple[Any, ...] = (),
    ) -> None:
        self.exceptions = dict(exceptions)
        self.official_years = frozenset(official_years)
        self.tz: dt.tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.fingerprint = fingerprint
        windows = list(windows)
        self._undated = _merge((_time_us(w.start), _time_us(w.end)) for w in windows if not _is_dated(w))
        self._dated = [w for w in windows if _is_dated(w)]
        self.uniform = not self._dated
        self.daily_us = sum(end - start for start, end in self._undated)
        if not self._undated and not self._dated:
            raise ImproperlyConfigured("no office-hour windows: add OfficeWindow rows or WANGGE_OFFICE_HOURS")
        self._windows_cache: dict[dt.date, tuple[Window, ...]] = {}
        self._years: dict[int, list[int]] = {}

    @classmethod
    def from_database(cls, *, fingerprint: tuple[Any, ...] = ()) -> WorkingCalendar:
        from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

        windows = [
            DatedWindow(*row) for row in OfficeWindow.objects.values_list("start", "end", "valid_from", "valid_to")
        ]
        if not windows:
            windows = [
                DatedWindow(dt.time.fromisoformat(start), dt.time.fromisoformat(end))
                for start, end in settings.WANGGE_OFFICE_HOURS
            ]
        return cls(
            exceptions=dict(CalendarDay.objects.values_list("date", "kind")),
            official_years=CalendarYear.objects.filter(is_official=True).values_list("year", flat=True),
            windows=windows,
            tz=settings.TIME_ZONE,
            fingerprint=fingerprint,
        )

    # --- days ------------------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = self.local(day).date()
        kind = self.exceptions.get(day)
        if kind == HOLIDAY:
            return False
        if kind == WORKDAY:
            return True
        return day.weekday() < 5

    def is_official(self, year: int) -> bool:
        return year in self.official_years

    def provisional(self, first: dt.date, last: dt.date) -> bool:
        """Whether any year from ``first`` to ``last`` (either order) lacks an official schedule."""
        low, high = sorted((first.year, last.year))
        return any(year not in self.official_years for year in range(low, high + 1))

    def _year_days(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of ``year``."""
        days = self._years.get(year)
        if days is None:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise OverflowError("date out of range")
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            days = [o for o in range(first, last + 1) if self.is_working_day(dt.date.fromordinal(o))]
            self._years[year] = days
        return days

    def shift_days(self, day: dt.date, n: int) -> dt.date:
        """The Nth working day after ``day`` (before it when ``n`` < 0); ``day`` itself when n == 0."""
        if n == 0:
            return day
        o = day.toordinal()
        year = day.year
        days = self._year_days(year)
        if n > 0:
            i = bisect_right(days, o)
            remaining = n
            while remaining > len(days) - i:
                remaining -= len(days) - i
                year += 1
                days, i = self._year_days(year), 0
            return dt.date.fromordinal(days[i + remaining - 1])
        i = bisect_left(days, o)
        remaining = -n
        while remaining > i:
            remaining -= i
            year -= 1
            days = self._year_days(year)
            i = len(days)
        return dt.date.fromordinal(days[i - remaining])

    def count_days(self, first: dt.date, last: dt.date) -> int:
        """Working days in the closed range [first, last] (0 when last < first)."""
        if last < first:
            return 0
        lo, hi = first.toordinal(), last.toordinal()
        total = 0
        for year in range(first.year, last.year + 1):
            days = self._year_days(year)
            total += bisect_right(days, hi) - bisect_left(days, lo)
        return total

    # --- office windows --------------------------------------------------------------------------------

    def windows(self, day: dt.date) -> tuple[Window, ...]:
        """Office windows of ``day`` as microseconds since midnight (empty on rest days)."""
        if not self.is_working_day(day):
            return ()
        if self.uniform:
            return self._undated
        cached = self._windows_cache.get(day)
        if cached is None:
            dated = [
                (_time_us(w.start), _time_us(w.end))
                for w in self._dated
                if (w.valid_from is None or w.valid_from <= day) and (w.valid_to is None or day <= w.valid_to)
            ]
            cached = _merge(dated) if dated else self._undated
            self._windows_cache[day] = cached
        return cached

    def _overlap(self, day: dt.date, t0: int, t1: int) -> int:
        return sum(max(0, min(end, t1) - max(start, t0)) for start, end in self.windows(day))

    # --- instants --------------------------------------------------------------------------------------

    def local(self, instant: dt.datetime) -> dt.datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            return instant.replace(tzinfo=self.tz)
        return instant.astimezone(self.tz)

    def at(self, day: dt.date, us: int) -> dt.datetime:
        """The local instant ``us`` microseconds after the midnight starting ``day``."""
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(microseconds=us)

    @staticmethod
    def _time_of_day(local: dt.datetime) -> int:
        return _time_us(local.time())

    def office_end(self, day: dt.date) -> dt.datetime:
        """End of the last office window of ``day`` (24:00 when it has none)."""
        windows = self.windows(day) or self._undated
        return self.at(day, windows[-1][1] if windows else US_PER_DAY)

    # --- the operations --------------------------------------------------------------------------------

    @overload
    def add_working_days(self, start: dt.datetime, n: int) -> Result[dt.datetime]: ...
    @overload
    def add_working_days(self, start: dt.date, n: int) -> Result[dt.date]: ...
    def add_working_days(self, start: dt.date, n: int) -> Result[dt.date]:
        """The Nth working day after the day of ``start``; for a datetime, the end of its office hours."""
        n = _whole(n)
        if isinstance(start, dt.datetime):
            local = self.local(start)
            if n == 0:
                return Result(local, self.provisional(local.date(), local.date()))
            target = self.shift_days(local.date(), n)
            return Result(self.office_end(target), self.provisional(local.date(), target))
        target = self.shift_days(start, n)
        return Result(target, self.provisional(start, target))

    def add_working_us(self, start: dt.datetime, us: int) -> Result[dt.datetime]:
        """``us`` microseconds of office time after ``start`` (which may lie outside office hours)."""
        if us < 0:
            raise ValueError("cannot add a negative amount of working time")
        local = self.local(start)
        day, t, remaining = local.date(), self._time_of_day(local), us
        if remaining == 0:
            return Result(local, self.provisional(day, day))
        first = day
        while True:
            for w_start, w_end in self.windows(day):
                if t >= w_end:
                    continue
                begin = max(t, w_start)
                if remaining <= w_end - begin:
                    return Result(self.at(day, begin + remaining), self.provisional(first, day))
                remaining -= w_end - begin
            day, t = day + ONE_DAY, 0
            if self.uniform and remaining > self.daily_us:
                # Skip whole working days at once; the last, partial one is walked through above.
                full = (remaining - 1) // self.daily_us
                day = self.shift_days(day - ONE_DAY, full) + ONE_DAY
                remaining -= full * self.daily_us
            elif day.year > dt.MAXYEAR - 1:
                raise OverflowError("date out of range")

    def add_working_hours(self, start: dt.datetime, hours: Number) -> Result[dt.datetime]:
        return self.add_working_us(start, _to_us(hours, US_PER_HOUR))

    def working_us_between(self, a: dt.datetime, b: dt.datetime) -> Result[int]:
        """Office time from ``a`` to ``b`` in microseconds; negative when ``b`` is before ``a``."""
        la, lb = self.local(a), self.local(b)
        if lb < la:
            back = self.working_us_between(b, a)
            return Result(-back.value, back.provisional)
        da, db = la.date(), lb.date()
        ta, tb = self._time_of_day(la), self._time_of_day(lb)
        provisional = self.provisional(da, db)
        if da == db:
            return Result(self._overlap(da, ta, tb), provisional)
        total = self._overlap(da, ta, US_PER_DAY) + self._overlap(db, 0, tb)
        first, last = da + ONE_DAY, db - ONE_DAY
        if first <= last:
            if self.uniform:
                total += self.count_days(first, last) * self.daily_us
            else:
                day = first
                while day <= last:
                    total += self._overlap(day, 0, US_PER_DAY)
                    day += ONE_DAY
        return Result(total, provisional)

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> Result[float]:
        result = self.working_us_between(a, b)
        return Result(result.value / US, result.provisional)

    @overload
    def add_natural_days(self, start: dt.datetime, n: int) -> Result[dt.datetime]: ...
    @overload
    def add_natural_days(self, start: dt.date, n: int) -> Result[dt.date]: ...
    def add_natural_days(self, start: dt.date, n: int) -> Result[dt.date]:
        """``start`` + n days; for a datetime, 24:00 of the Nth day after (start itself when n == 0).

        Calendar days do not depend on the holiday schedule, so the result is never provisional.
        """
        n = _whole(n)
        if isinstance(start, dt.datetime):
            local = self.local(start)
            if n == 0:
                return Result(local)
            return Result(self.at(local.date() + dt.timedelta(days=n + 1), 0))
        return Result(start + dt.timedelta(days=n))

    def add_clock_us(self, start: dt.datetime, us: int) -> Result[dt.datetime]:
        return Result(self.local(start) + dt.timedelta(microseconds=us))

    def add_clock_hours(self, start: dt.datetime, hours: Number) -> Result[dt.datetime]:
        """Pure wall-clock time (urgent limits): nights, weekends and holidays count."""
        return self.add_clock_us(start, _to_us(hours, US_PER_HOUR))

    @overload
    def add_duration(self, start: dt.datetime, amount: Number, unit: str) -> Result[dt.datetime]: ...
    @overload
    def add_duration(self, start: dt.date, amount: Number, unit: str) -> Result[dt.date]: ...
    def add_duration(self, start: dt.date, amount: Number, unit: str) -> Result[dt.date]:
        """Dispatch on ``unit`` (one of ``UNITS``). Hour and minute units need a datetime."""
        if unit == WORKING_DAYS:
            return self.add_working_days(start, _whole(amount))
        if unit == NATURAL_DAYS:
            return self.add_natural_days(start, _whole(amount))
        if unit not in UNITS:
            raise ValueError(f"unknown duration unit: {unit!r}")
        if not isinstance(start, dt.datetime):
            raise ValueError(f"{unit} needs a datetime start, got a date")
        if unit == WORKING_HOURS:
            return self.add_working_us(start, _to_us(amount, US_PER_HOUR))
        if unit == WORKING_MINUTES:
            return self.add_working_us(start, _to_us(amount, US_PER_MINUTE))
        if unit == CLOCK_HOURS:
            return self.add_clock_us(start, _to_us(amount, US_PER_HOUR))
        return self.add_clock_us(start, _to_us(amount, US_PER_MINUTE))


def _is_dated(window: DatedWindow) -> bool:
    return window.valid_from is not None or window.valid_to is not None


# --- the process-wide calendar -----------------------------------------------------------------------------


def _recheck_seconds() -> float:
    """How long the in-memory calendar is used before the tables are looked at again
    (``WANGGE_CALENDAR_RECHECK_SECONDS``, default 2 s): an edit reaches every process within that time,
    and a busy intake does not pay one more query per case for it."""
    return float(getattr(settings, "WANGGE_CALENDAR_RECHECK_SECONDS", 2.0))


def _fingerprint() -> tuple[Any, ...]:
    """Row counts and latest update of the calendar tables, plus the settings the snapshot depends on."""
    from django.db import connection

    from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

    quote = connection.ops.quote_name
    parts = []
    for model in (CalendarDay, CalendarYear, OfficeWindow):
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({quote('updated_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    office = tuple(tuple(w) for w in settings.WANGGE_OFFICE_HOURS)
    return (*(str(v) for v in row or ()), settings.TIME_ZONE, office)


_calendar: ProcessCache[WorkingCalendar] = ProcessCache(
    "workcalendar.calendar",
    lambda fingerprint: WorkingCalendar.from_database(fingerprint=fingerprint),
    fingerprint=_fingerprint,
    recheck_seconds=_recheck_seconds,
)


def get_calendar() -> WorkingCalendar:
    """The in-memory calendar, reloaded when the tables (or the relevant settings) changed; they are
    looked at again at most every ``_recheck_seconds()``."""
    return _calendar.get()


def invalidate() -> None:
    """Forget the in-memory calendar (the next call reloads it)."""
    _calendar.forget()


# --- module-level shortcuts (the agreed interface) ---------------------------------------------------------


@overload
def add_working_days(start: dt.datetime, n: int) -> Result[dt.datetime]: ...
@overload
def add_working_days(start: dt.date, n: int) -> Result[dt.date]: ...
def add_working_days(start: dt.date, n: int) -> Result[dt.date]:
    """The Nth working day after the day of ``start``; for a datetime, the end of that day's office hours."""
    return get_calendar().add_working_days(start, n)


def add_working_hours(start: dt.datetime, hours: Number) -> Result[dt.datetime]:
    """``hours`` (fractions allowed) of office time after ``start``, skipping breaks, nights and rest days."""
    return get_calendar().add_working_hours(start, hours)


def add_working_minutes(start: dt.datetime, minutes: Number) -> Result[dt.datetime]:
    return get_calendar().add_working_us(start, _to_us(minutes, US_PER_MINUTE))


@overload
def add_natural_days(start: dt.datetime, n: int) -> Result[dt.datetime]: ...
@overload
def add_natural_days(start: dt.date, n: int) -> Result[dt.date]: ...
def add_natural_days(start: dt.date, n: int) -> Result[dt.date]:
    """``start`` + n calendar days; for a datetime, 24:00 of the Nth day after."""
    return get_calendar().add_natural_days(start, n)


def add_clock_hours(start: dt.datetime, hours: Number) -> Result[dt.datetime]:
    """Wall-clock hours (urgent limits)."""
    return get_calendar().add_clock_hours(start, hours)


def working_seconds_between(a: dt.datetime, b: dt.datetime) -> Result[float]:
    """Office time from ``a`` to ``b`` in seconds; negative when ``b`` is before ``a``, 0 when equal."""
    return get_calendar().working_seconds_between(a, b)


def count_working_days(first: dt.date, last: dt.date) -> Result[int]:
    """Working days in the closed range [first, last] (0 when last < first)."""
    calendar = get_calendar()
    return Result(calendar.count_days(first, last), calendar.provisional(first, max(first, last)))


def is_working_day(day: dt.date) -> bool:
    return get_calendar().is_working_day(day)


def is_official_year(year: int) -> bool:
    return get_calendar().is_official(year)


@overload
def add_duration(start: dt.datetime, amount: Number, unit: str) -> Result[dt.datetime]: ...
@overload
def add_duration(start: dt.date, amount: Number, unit: str) -> Result[dt.date]: ...
def add_duration(start: dt.date, amount: Number, unit: str) -> Result[dt.date]:
    """``amount`` of ``unit`` after ``start``; unit in working_hours, working_minutes, working_days,
    natural_days, clock_hours, clock_minutes."""
    return get_calendar().add_duration(start, amount, unit)
