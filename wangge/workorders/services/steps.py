"""Step clocks: each step of the loop runs against its own deadline on the working calendar. Starting a step
puts its start, deadline and warning time on the case; ending it freezes whether it was on time (a step ended
exactly at its deadline is on time). The states these produce are read through ``workorders.clocks``."""

from __future__ import annotations

import datetime as dt

from wangge.workorders import deadlines
from wangge.workorders.choices import Step
from wangge.workorders.models import StepClock, WorkOrder


def start_step(wo: WorkOrder, step: str, at: dt.datetime) -> StepClock:
    return clock_create(wo, step, at, set_step_fields(wo, step, at))


def set_step_fields(wo: WorkOrder, step: str, at: dt.datetime) -> deadlines.Due:
    """Put the step's start, deadline and warning time on the case (not saved)."""
    limit = deadlines.step_limit(wo.category, step, wo.urgency)
    due = deadlines.due_from(at, limit)
    wo.step_started_at = at
    wo.step_due_at = due.at
    wo.step_warn_at = due.warn_at
    wo.warned_step_at = None
    wo.breached_step_at = None
    wo.escalation_level, wo.escalated_at = 0, None  # a new step run starts unescalated (workorders.escalation)
    return due


def clock_create(wo: WorkOrder, step: str, at: dt.datetime, due: deadlines.Due) -> StepClock:
    return StepClock.objects.create(work_order=wo, step=step, started_at=at, due_at=due.at, provisional=due.provisional)


def end_step(wo: WorkOrder, at: dt.datetime) -> StepClock | None:
    """Close the running step clock and freeze its outcome."""
    clock = wo.clocks.filter(ended_at__isnull=True).order_by("-id").first()
    if clock is None:
        return None
    clock.ended_at = at
    clock.on_time = at <= clock.due_at
    clock.save(update_fields=["ended_at", "on_time"])
    wo.step_started_at = wo.step_due_at = wo.step_warn_at = None
    wo.escalation_level, wo.escalated_at = 0, None  # escalation belongs to a running step (workorders.escalation)
    return clock


def start_handle_clock(wo: WorkOrder, at: dt.datetime) -> None:
    """The handling step runs until the case's handling deadline (due_at), not a fresh limit."""
    assert wo.due_at is not None
    clock = StepClock.objects.create(
        work_order=wo, step=Step.HANDLE, started_at=at, due_at=wo.due_at, provisional=wo.due_provisional
    )
    wo.step_started_at = at
    wo.step_due_at = clock.due_at
    limit = deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency)
    # Already past the deadline: the warning time is now, and the sweep flags it at once.
    wo.step_warn_at = deadlines.warn_between(at, wo.due_at, limit.unit)
    wo.warned_step_at = wo.breached_step_at = None
    wo.escalation_level, wo.escalated_at = 0, None  # a new step run starts unescalated (workorders.escalation)
