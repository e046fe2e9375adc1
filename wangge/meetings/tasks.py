"""Periodic work of the dispatch meetings: the reminders of tasks (交办事项) near their deadline and overdue.

Idempotent: each reminder is a notification keyed by task, kind, deadline and unit (``notify`` creates it once
per recipient and key), so running the sweep again — or twice at once — sends nothing twice; a task reassigned
or given a new deadline is reminded again for its new unit or deadline.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from wangge.meetings import notifications
from wangge.meetings.selectors import tasks_due_soon, tasks_overdue


def remind(now: dt.datetime | None = None) -> dict[str, int]:
    """Notify the units of their tasks due today or tomorrow and of their overdue tasks; the count of notices
    created this run."""
    now = now or timezone.now()
    counts = {"due": 0, "overdue": 0}
    for what, qs in (("due", tasks_due_soon(now=now)), ("overdue", tasks_overdue(now=now))):
        for t in qs.select_related("unit", "issue", "meeting"):
            counts[what] += notifications.on_deadline(t, what)
    return counts


@task()
def remind_meeting_tasks() -> dict[str, int]:
    return remind()
