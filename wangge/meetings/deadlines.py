"""The one meaning of "overdue" for a task (交办事项), and of "open": every page, filter, figure and reminder reads
it from here.

- A task is **open** from its assignment until it is closed (核销) or cancelled (撤销); returned (退回) and reported
  (反馈办结) tasks are still open.
- A task is **overdue** when it is not closed by the end of its deadline day in Asia/Shanghai: at an instant
  ``t`` it is open and its deadline is before the local date of ``t``. A task due today is not overdue today; at
  00:00 tomorrow it is.
- It was closed **on time** when it was closed before the end of its deadline day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from wangge.meetings.choices import OPEN_TASK_STATUSES, TaskStatus

TZ = ZoneInfo("Asia/Shanghai")


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(TZ).date()


def end_of(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Asia/Shanghai: 00:00 of the next day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)


def open_q() -> Q:
    """Open now (by status)."""
    return Q(status__in=sorted(OPEN_TASK_STATUSES))


def open_at_q(instant: dt.datetime) -> Q:
    """Open at ``instant``: assigned before it, and neither closed nor cancelled by then."""
    return (
        Q(assigned_at__lt=instant)
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=instant))
        & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=instant))
    )


def overdue_q(now: dt.datetime) -> Q:
    """Overdue now: open, and its deadline day ended before ``now``."""
    return open_q() & Q(deadline__lt=local_date(now))


def overdue_at_q(instant: dt.datetime) -> Q:
    """Overdue at ``instant`` (a past moment too): open then, and its deadline day ended by then."""
    return open_at_q(instant) & Q(deadline__lt=local_date(instant))


def is_overdue(task: Any, now: dt.datetime) -> bool:
    return task.status in OPEN_TASK_STATUSES and task.deadline < local_date(now)


def closed_on_time(task: Any) -> bool:
    return task.status == TaskStatus.CLOSED and task.closed_at is not None and task.closed_at < end_of(task.deadline)
