"""Periodic work for the closed loop. Idempotent: each step run is warned and flagged at most once, and raised to
each escalation level (催办, 黄牌, 红牌: ``workorders.escalation``) at most once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from wangge.workorders import escalation, notifications
from wangge.workorders.choices import OPEN_STATUSES, ClockState, Status
from wangge.workorders.clocks import clock_q, step_overdue
from wangge.workorders.models import WorkOrder

CLOCKED = [s for s in OPEN_STATUSES if s not in {Status.SUSPENDED, Status.TO_CLOSE}]


def flag_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Mark and notify cases whose current step is approaching its deadline or past it."""
    now = now or timezone.now()
    counts = {"approaching": 0, "overdue": 0}
    due = {
        "approaching": Q(status__in=CLOCKED, warned_step_at__isnull=True) & clock_q(ClockState.APPROACHING, now),
        "overdue": Q(status__in=CLOCKED, breached_step_at__isnull=True) & step_overdue(now),
    }
    for what, field in (("approaching", "warned_step_at"), ("overdue", "breached_step_at")):
        for pk in list(WorkOrder.objects.filter(due[what]).values_list("pk", flat=True)):
            with transaction.atomic():
                # The conditional update is the idempotency guard: a concurrent sweep updates 0 rows, and a
                # case that moved on since the ids were read (a new step, an extension) is left alone.
                if not WorkOrder.objects.filter(due[what], pk=pk).update(**{field: now}):
                    continue
                wo = WorkOrder.objects.get(pk=pk)
                notifications.on_deadline(wo, what)
                counts[what] += 1
    return counts


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """One run of the deadline sweep: the deadline notices, then the escalation levels due (in that order, so
    the escalation's first notices find those already told by the deadline notice)."""
    now = now or timezone.now()
    counts = flag_deadlines(now)
    for level, n in sorted(escalation.escalate_due(now).items()):
        counts[f"escalation_{level}"] = n
    return counts


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweep()
