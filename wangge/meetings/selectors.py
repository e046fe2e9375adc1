"""Reading the dispatch meetings and their tasks: the open tasks a daily bulletin lists, the figures of a weekly
report, the reminders due. "Open", "overdue" and "on time" have one meaning each (``meetings.deadlines``).

- :func:`open_tasks_for_bulletin` — the tasks still open at the end of a bulletin day, overdue ones flagged;
- :func:`task_figures` — assigned / closed / on time / overdue of the tasks assigned in a period.

The functions read the subtree of a territory node (every task when None), or a queryset already scoped by the
caller; they never decide who may see what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.meetings.choices import TaskStatus
from wangge.meetings.deadlines import closed_on_time, end_of, is_overdue, local_date, open_at_q, overdue_q
from wangge.meetings.models import Task
from wangge.territory.models import Territory

__all__ = [
    "DEFINITIONS",
    "is_overdue",
    "open_tasks_for_bulletin",
    "task_figures",
    "tasks_due_soon",
    "tasks_overdue",
    "tasks_under",
]

DEFINITIONS = {
    "assigned": _("交办数：期间内交办（含改派）的事项数。"),
    "closed": _("已核销：其中至期末已由指挥中心核销的事项数。"),
    "on_time": _("按时办结：其中在办结时限当日结束前（北京时间）核销的事项数。"),
    "overdue": _("超期：其中至期末仍未核销且已过办结时限当日的事项数（不含已撤销）。"),
}


def tasks_under(node: Territory | None, qs: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """The tasks of the meetings under ``node`` and of the units under it (every task when None)."""
    base = Task.objects.all() if qs is None else qs
    return base if node is None else base.filter(scope_path__startswith=node.path)


def open_tasks_for_bulletin(
    node_or_none: Territory | None, day: dt.date, *, qs: QuerySet[Task] | None = None
) -> list[dict[str, Any]]:
    """The tasks open at the end of ``day`` (Asia/Shanghai), overdue first then by deadline: for each, the unit,
    the meeting and issue, the requirement, the deadline, ``overdue`` (not closed by the end of its deadline day),
    ``days_open`` (natural days from the day it was assigned to ``day``) and ``days_overdue``. JSON-ready."""
    instant = end_of(day)
    rows = (
        tasks_under(node_or_none, qs)
        .filter(open_at_q(instant))
        .select_related("unit", "meeting", "issue")
        .order_by("deadline", "code")
    )
    out: list[dict[str, Any]] = []
    for t in rows:
        overdue = t.deadline < local_date(instant)  # open at ``instant``, so overdue once its day has ended
        out.append(
            {
                "id": t.pk,
                "code": t.code,
                "unit": t.unit.name,
                "unit_id": t.unit_id,
                "meeting": t.meeting.title,
                "meeting_date": t.meeting.held_on.isoformat(),
                "issue": t.issue.title,
                "requirement": t.requirement,
                "deadline": t.deadline.isoformat(),
                "status": t.status,
                "status_label": str(TaskStatus(t.status).label),
                "overdue": overdue,
                "days_open": (day - local_date(t.assigned_at)).days,
                "days_overdue": (day - t.deadline).days if overdue else 0,
                "link": f"/meetings/tasks/{t.pk}/",
            }
        )
    out.sort(key=lambda r: (not r["overdue"], r["deadline"], r["code"]))
    return out


def task_figures(
    node_or_none: Territory | None,
    start: dt.date,
    end: dt.date,
    *,
    qs: QuerySet[Task] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The tasks assigned on the days ``start``..``end`` (inclusive) under the node, as of the end of ``end`` (or
    now, when earlier): ``assigned``, ``closed``, ``on_time`` (closed by the end of the deadline day), ``late``
    (closed after it), ``open``, ``overdue``, ``cancelled`` and ``on_time_rate`` (on time ÷ closed), and per
    unit. JSON-ready; ``definitions`` says each in Chinese."""
    as_of = min(end_of(end), now or timezone.now())
    as_of_day = local_date(as_of)
    rows = (
        tasks_under(node_or_none, qs)
        .filter(assigned_at__gte=end_of(start - dt.timedelta(days=1)), assigned_at__lt=end_of(end))
        .select_related("unit")
        .order_by("unit__code", "pk")
    )
    totals = {"assigned": 0, "closed": 0, "on_time": 0, "late": 0, "open": 0, "overdue": 0, "cancelled": 0}
    per_unit: dict[int, dict[str, Any]] = {}
    for t in rows:
        closed = t.closed_at is not None and t.closed_at < as_of
        cancelled = t.cancelled_at is not None and t.cancelled_at < as_of
        counts = {
            "assigned": 1,
            "closed": int(closed),
            "on_time": int(closed and closed_on_time(t)),
            "late": int(closed and not closed_on_time(t)),
            "cancelled": int(cancelled),
            "open": int(not closed and not cancelled),
            "overdue": int(not closed and not cancelled and t.deadline < as_of_day),
        }
        unit = per_unit.setdefault(t.unit_id, {"unit": t.unit.name, "unit_id": t.unit_id, **dict.fromkeys(totals, 0)})
        for key, n in counts.items():
            totals[key] += n
            unit[key] += n
    rate = round(totals["on_time"] / totals["closed"], 4) if totals["closed"] else None
    return {
        "territory": None if node_or_none is None else {"code": node_or_none.code, "name": node_or_none.name},
        "from": start.isoformat(),
        "to": end.isoformat(),
        **totals,
        "on_time_rate": rate,
        "by_unit": list(per_unit.values()),
        "definitions": {k: str(v) for k, v in DEFINITIONS.items()},
    }


def tasks_overdue(qs: QuerySet[Task] | None = None, *, now: dt.datetime | None = None) -> QuerySet[Task]:
    base = Task.objects.all() if qs is None else qs
    return base.filter(overdue_q(now or timezone.now())).order_by("deadline", "pk")


def tasks_due_soon(qs: QuerySet[Task] | None = None, *, now: dt.datetime | None = None) -> QuerySet[Task]:
    """Tasks not yet reported done whose deadline is today or tomorrow (Asia/Shanghai)."""
    base = Task.objects.all() if qs is None else qs
    today = local_date(now or timezone.now())
    return base.filter(
        status__in=[TaskStatus.ASSIGNED, TaskStatus.SIGNED],
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=1),
    ).order_by("deadline", "pk")


def counts_by_status(qs: QuerySet[Task]) -> dict[str, int]:
    return {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("pk"))}
