"""The one meaning of "in force", "open" and "overdue" in the grid workforce: every page, filter, figure and API
response reads it from here.

- A role assignment or a 下沉 assignment is **in force** on a day when it started by then and has not ended
  before it.
- A special task is **open** until done or cancelled, and **overdue** when open after its deadline day ended in
  Asia/Shanghai: a task due today is not overdue today; at 00:00 tomorrow it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.errors import ValidationFailed
from wangge.workforce.choices import OPEN_TASK_STATUSES
from wangge.workforce.errors import ErrorCode

TZ = ZoneInfo("Asia/Shanghai")


def in_force_q(on: dt.date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(TZ).date()


def open_q() -> Q:
    return Q(status__in=sorted(OPEN_TASK_STATUSES))


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Overdue now: open, and its deadline day ended before ``now``."""
    return open_q() & Q(deadline__lt=local_date(now or timezone.now()))


def is_overdue(task: Any, now: dt.datetime | None = None) -> bool:
    return task.status in OPEN_TASK_STATUSES and task.deadline < local_date(now or timezone.now())


def month_of(value: str | None) -> dt.date:
    """``YYYY-MM`` → its first day; a refusal (400) for anything else."""
    try:
        year, month = (int(x) for x in str(value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed(_("月份格式应为 YYYY-MM"), code=ErrorCode.INVALID_MONTH) from None
