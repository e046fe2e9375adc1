"""The clocks of a case, in one place: the state of the running step clock, and what 超期 means.

**The boundary.** A step finished exactly at its due instant is on time (``_end_step``: ``on_time = at <= due_at``;
a reply at ``due_at`` is ``handled_on_time``). So a deadline is missed only once the instant is strictly past it:
*overdue* means ``due < now``. The step clock is *approaching* from its warning instant on (``warn_at <= now``)
while not overdue, and *normal* before that. A paused clock (``paused_at`` set: a suspended case) and a case with
no running clock (``step_due_at`` null: waiting to close, or final) are in no state.

The state is written three ways that must agree (``tests/test_clocks.py`` holds them to it at the boundaries):
``clock_state`` for a loaded row, ``clock_q`` for a filter, ``clock_annotation`` for a column computed in SQL.

**Two overdue conditions, named for what they mean.**

- ``step_overdue``: the running step clock has run out (派遣, 签收, 处置, 核查 or 回访 took too long). It drives
  the red clock on a row and the deadline notices.
- ``deadline_overdue``: an open case whose handling deadline (``due_at``, 办结时限) has passed without a reply
  from the unit. This is 超期 on every screen that counts cases: the workbench filter ``overdue``, the 日通报,
  the 大屏 and the home page, and it is the condition of the measures' ``overdue_open`` over a period.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, CharField, Q, Value, When

from wangge.workorders.choices import OPEN_STATUSES, ClockState
from wangge.workorders.models import WorkOrder

_RUNNING = Q(step_due_at__isnull=False, paused_at__isnull=True)
_NOT_WARNED = Q(step_warn_at__isnull=True)


def clock_state(wo: WorkOrder, now: dt.datetime) -> ClockState | None:
    """正常 / 临期 / 超期 of the running step clock of ``wo`` at ``now``; None when no clock runs or it is paused."""
    if wo.step_due_at is None or wo.paused_at is not None:
        return None
    if wo.step_due_at < now:
        return ClockState.OVERDUE
    if wo.step_warn_at is not None and wo.step_warn_at <= now:
        return ClockState.APPROACHING
    return ClockState.NORMAL


def clock_q(state: str, now: dt.datetime) -> Q:
    """Cases whose running step clock is in ``state`` at ``now`` (the rule of ``clock_state``); an unknown
    state matches nothing."""
    if state == ClockState.OVERDUE:
        return _RUNNING & Q(step_due_at__lt=now)
    if state == ClockState.APPROACHING:
        return _RUNNING & Q(step_due_at__gte=now, step_warn_at__lte=now)
    if state == ClockState.NORMAL:
        return _RUNNING & Q(step_due_at__gte=now) & (_NOT_WARNED | Q(step_warn_at__gt=now))
    return Q(pk__in=[])


def clock_annotation(now: dt.datetime) -> Case:
    """The clock state as a column (``.annotate(clock=clock_annotation(now))``): the value of ``ClockState``,
    or NULL when no clock runs or it is paused."""
    return Case(
        *(When(clock_q(state, now), then=Value(state.value)) for state in ClockState),
        default=Value(None),
        output_field=CharField(),
    )


def step_overdue(now: dt.datetime) -> Q:
    """Cases whose running step clock has run out at ``now``."""
    return clock_q(ClockState.OVERDUE, now)


def deadline_overdue(now: dt.datetime) -> Q:
    """超期: open cases whose handling deadline has passed at ``now`` with no reply from the unit yet."""
    return Q(status__in=OPEN_STATUSES, replied_at__isnull=True, due_at__lt=now)
