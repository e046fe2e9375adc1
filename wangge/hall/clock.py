"""The one meaning of an application's clock (办件时限): every page, filter, figure and sweep reads it from here.

- The promised limit (承诺办结时限) is counted in working days of the working calendar (``wangge.workcalendar``)
  from the day the application was accepted (受理), the day itself not counted; until it is accepted it runs
  from its receipt. A 即办件 (limit 0) is due by the end of office hours of that day.
- An application is **overdue** (超期) when it was not finished (办结) by its due instant: an open one once the
  instant has passed; a finished one when it was finished after it.
- The working days used are the office time from acceptance (or receipt) to the end, divided by the office
  time of one working day.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from wangge.hall.choices import CLOSED_STATUSES
from wangge.workcalendar import arithmetic

OPEN_STATUSES_Q = ~Q(status__in=sorted(CLOSED_STATUSES))
EIGHT_HOURS = 8 * 3600.0


def due_at(start: dt.datetime, days: int) -> dt.datetime:
    """The end of office hours of the ``days``-th working day after ``start``. With 0 days (即办件): the end of
    office hours of ``start``'s day, or of the next working day when ``start`` is on a rest day or after hours."""
    cal = arithmetic.get_calendar()
    if days > 0:
        value: dt.datetime = cal.add_working_days(start, int(days)).value
        return value
    day = cal.local(start).date()
    if not cal.is_working_day(day):
        day = cal.shift_days(day, 1)
    end: dt.datetime = cal.office_end(day)
    if end <= start:
        end = cal.office_end(cal.shift_days(day, 1))
    return end


def day_seconds() -> float:
    """Office time of one working day, in seconds."""
    us = arithmetic.get_calendar().daily_us
    return us / arithmetic.US if us else EIGHT_HOURS


def working_days_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Working days (two decimals) of office time from ``start`` to ``end``; 0 when ``end`` is not later."""
    if end <= start:
        return Decimal("0.00")
    seconds = float(arithmetic.working_seconds_between(start, end).value)
    return Decimal(str(seconds / day_seconds())).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def overdue_q(now: dt.datetime) -> Q:
    """Open and past its due instant at ``now``."""
    return OPEN_STATUSES_Q & Q(due_at__lt=now)
