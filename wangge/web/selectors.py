"""Read-side helpers of the staff pages: which home page a user gets and the clock colours of a page of cases.
The case queries themselves (queues, list rows, counts, dispatch units) live in ``workorders.selectors``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.selectors import user_grant_rows
from wangge.workorders.choices import CLOCK_COLOURS
from wangge.workorders.clocks import clock_state
from wangge.workorders.models import WorkOrder
from wangge.workorders.selectors import (  # the pages' names for the shared queries, re-exported
    DUE_ORDER,
    LIST_COLUMNS,
    NEWEST_ORDER,
    action_queue,
    dispatch_paths,
    dispatch_units,
    intake_districts,
    list_rows,
    queue_q,
    status_counts,
)

HOME_DISPATCH, HOME_UNIT, HOME_GRID, HOME_OVERVIEW = "dispatch", "unit", "grid", "overview"

__all__ = [
    "DUE_ORDER",
    "HOME_DISPATCH",
    "HOME_GRID",
    "HOME_OVERVIEW",
    "HOME_UNIT",
    "LIST_COLUMNS",
    "NEWEST_ORDER",
    "action_queue",
    "decorate",
    "dispatch_paths",
    "dispatch_units",
    "home_kind",
    "intake_districts",
    "list_rows",
    "queue_q",
    "roles_of",
    "status_counts",
    "time_left",
    "unit_ids_of",
]


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role for role, _path, _unit in user_grant_rows(user)}


def unit_ids_of(user: Any) -> set[int]:
    ids = {unit for _role, _path, unit in user_grant_rows(user) if unit}
    if user.unit_id:
        ids.add(user.unit_id)
    return ids


def home_kind(user: Any) -> str:
    """Which home page a user lands on: the command centre's dispatch queue, a unit's queue, a grid
    worker's cases, or the overview (leaders, inspectors and everyone else)."""
    roles = roles_of(user)
    if user.is_superuser or roles & {Role.DISPATCHER, Role.CALL_TAKER, Role.ADMIN}:
        return HOME_DISPATCH
    if roles & {Role.GRID_WORKER, Role.GRID_LEADER}:
        return HOME_GRID
    if Role.DEPT_HANDLER in roles or (roles <= {Role.COMMUNITY_STAFF, Role.STREET_STAFF} and unit_ids_of(user)):
        return HOME_UNIT
    return HOME_OVERVIEW


def time_left(wo: WorkOrder, now: dt.datetime | None = None) -> dt.timedelta | None:
    if wo.step_due_at is None:
        return None
    return wo.step_due_at - (now or timezone.now())


def decorate(cases: list[WorkOrder], now: dt.datetime | None = None) -> list[WorkOrder]:
    """Attach ``clock`` (state), ``clock_label``, ``clock_colour`` and ``left`` to each case of a page."""
    now = now or timezone.now()
    for wo in cases:
        state = clock_state(wo, now)
        wo.clock = state  # type: ignore[attr-defined]
        wo.clock_label = state.label if state else ""  # type: ignore[attr-defined]
        wo.clock_colour = CLOCK_COLOURS[state] if state else "grey"  # type: ignore[attr-defined]
        wo.left = time_left(wo, now) if state else None  # type: ignore[attr-defined]
    return cases
