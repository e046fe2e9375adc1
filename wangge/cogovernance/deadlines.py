"""The one meaning of "overdue" for a follow-up task (落实事项), and its deadline in working days.

- A task's deadline is a date given, or the Nth working day after the meeting day (the working calendar).
- A task is **overdue** when it is still 落实中 after the end of its deadline day (Asia/Shanghai): a task due
  today is not overdue today; at 00:00 tomorrow it is.
- It was done **on time** when it was done before the end of its deadline day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from wangge.cogovernance.choices import OPEN_TASK_STATUSES, TaskStatus
from wangge.workcalendar.arithmetic import add_working_days

TZ = ZoneInfo("Asia/Shanghai")
MAX_DEADLINE_DAYS = 120


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(TZ).date()


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)


def working_deadline(held_on: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after the meeting day."""
    return add_working_days(held_on, days).value


def overdue_q(now: dt.datetime, prefix: str = "") -> Q:
    """Overdue at ``now``; ``prefix`` reaches the task through a relation (``"tasks__"`` from a meeting)."""
    return Q(**{f"{prefix}status__in": sorted(OPEN_TASK_STATUSES), f"{prefix}deadline__lt": local_date(now)})


def is_overdue(task: Any, now: dt.datetime) -> bool:
    return task.status in OPEN_TASK_STATUSES and task.deadline < local_date(now)


def done_on_time(task: Any) -> bool:
    return task.status == TaskStatus.DONE and task.done_at is not None and task.done_at < end_of(task.deadline)
