"""The clock rule in its three forms agrees at every boundary, and 超期 is one number on every screen."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.demo.history import Shares, generate_history
from wangge.reports import bulletins
from wangge.reports.dashboard import dashboard_data
from wangge.workorders.choices import ClockState, Status
from wangge.workorders.clocks import clock_annotation, clock_q, clock_state, deadline_overdue, step_overdue
from wangge.workorders.filtersets import WorkOrderFilterSet
from wangge.workorders.models import WorkOrder

from .conftest import local, new_case

NOW = local(2025, 6, 3, 12, 0)
TICK = dt.timedelta(microseconds=1)
HOUR = dt.timedelta(hours=1)

OPEN = {"status": Status.HANDLING, "replied_at": None, "paused_at": None}
# (fields of the row, expected clock state, expected deadline_overdue)
CASES: dict[str, tuple[dict[str, Any], ClockState | None, bool]] = {
    "due in an hour, not warned yet": (
        {**OPEN, "step_due_at": NOW + HOUR, "step_warn_at": NOW + TICK, "due_at": NOW + HOUR},
        ClockState.NORMAL,
        False,
    ),
    "warning instant is now": (
        {**OPEN, "step_due_at": NOW + HOUR, "step_warn_at": NOW, "due_at": NOW + HOUR},
        ClockState.APPROACHING,
        False,
    ),
    "warning instant just passed": (
        {**OPEN, "step_due_at": NOW + HOUR, "step_warn_at": NOW - TICK, "due_at": NOW + HOUR},
        ClockState.APPROACHING,
        False,
    ),
    "no warning instant": (
        {**OPEN, "step_due_at": NOW + HOUR, "step_warn_at": None, "due_at": NOW + HOUR},
        ClockState.NORMAL,
        False,
    ),
    "due just after now": (
        {**OPEN, "step_due_at": NOW + TICK, "step_warn_at": NOW - HOUR, "due_at": NOW + TICK},
        ClockState.APPROACHING,
        False,
    ),
    "due exactly now: still on time": (
        {**OPEN, "step_due_at": NOW, "step_warn_at": NOW - HOUR, "due_at": NOW},
        ClockState.APPROACHING,
        False,
    ),
    "due exactly now, never warned": (
        {**OPEN, "step_due_at": NOW, "step_warn_at": None, "due_at": NOW},
        ClockState.NORMAL,
        False,
    ),
    "due just before now: overdue": (
        {**OPEN, "step_due_at": NOW - TICK, "step_warn_at": NOW - HOUR, "due_at": NOW - TICK},
        ClockState.OVERDUE,
        True,
    ),
    "step overdue, handling deadline ahead": (
        {**OPEN, "status": Status.DISPATCHED, "step_due_at": NOW - HOUR, "step_warn_at": None, "due_at": NOW + HOUR},
        ClockState.OVERDUE,
        False,
    ),
    "step on time, handling deadline passed": (
        {**OPEN, "step_due_at": NOW + HOUR, "step_warn_at": None, "due_at": NOW - TICK},
        ClockState.NORMAL,
        True,
    ),
    "paused clock past its due instant": (
        {**OPEN, "status": Status.SUSPENDED, "paused_at": NOW - HOUR, "step_due_at": NOW - HOUR, "due_at": NOW + HOUR},
        None,
        False,
    ),
    "no running clock, waiting to close": (
        {**OPEN, "status": Status.TO_CLOSE, "step_due_at": None, "step_warn_at": None, "due_at": NOW - HOUR},
        None,
        True,
    ),
    "replied but open, handling deadline passed": (
        {
            **OPEN,
            "status": Status.REPLIED,
            "replied_at": NOW - 2 * HOUR,
            "step_due_at": NOW - HOUR,
            "step_warn_at": NOW - 2 * HOUR,
            "due_at": NOW - HOUR,
        },
        ClockState.OVERDUE,
        False,
    ),
    "closed": (
        {**OPEN, "status": Status.CLOSED, "step_due_at": None, "step_warn_at": None, "due_at": NOW - HOUR},
        None,
        False,
    ),
}


@pytest.mark.parametrize("fields, expected, late", list(CASES.values()), ids=list(CASES))
def test_function_filter_and_annotation_agree(
    world: SimpleNamespace, fields: dict[str, Any], expected: ClockState | None, late: bool
) -> None:
    # given a case whose clocks stand as described, and a second one that never matches
    wo = new_case(world, at=NOW - 5 * HOUR)
    WorkOrder.objects.filter(pk=wo.pk).update(**fields)
    new_case(world, at=NOW - 5 * HOUR)
    row = WorkOrder.objects.get(pk=wo.pk)
    qs = WorkOrder.objects.filter(pk=wo.pk)

    # when the state is computed in Python, filtered for, and annotated in SQL
    in_python = clock_state(row, NOW)
    by_filter = [state for state in ClockState if qs.filter(clock_q(state, NOW)).exists()]
    annotated = qs.annotate(clock=clock_annotation(NOW)).values_list("clock", flat=True).get()

    # then all three give the expected state
    assert in_python == expected
    assert by_filter == ([expected] if expected else [])
    assert annotated == (expected.value if expected else None)
    # and the two overdue conditions say what they are named for
    assert qs.filter(step_overdue(NOW)).exists() == (expected == ClockState.OVERDUE)
    assert qs.filter(deadline_overdue(NOW)).exists() == late


def test_an_unknown_state_matches_nothing(world: SimpleNamespace) -> None:
    new_case(world, at=NOW - 5 * HOUR)

    assert not WorkOrder.objects.filter(clock_q("late", NOW)).exists()


def test_bulletin_workbench_dashboard_and_home_count_the_same_overdue_cases(world: SimpleNamespace) -> None:
    # given a district with a year of demo history, some of it late and left open
    now = local(2025, 12, 1, 12, 0)
    shares = Shares(late_reply=0.4, suspended=0.2, extended=0.2, supervised_of_late=0.5)
    generate_history(district=world.district, count=120, now=now, seed=11, shares=shares, waiting=6)
    # and one open case whose handling deadline is exactly the instant looked at (on time, not 超期)
    boundary = new_case(world, at=now - 5 * HOUR)
    WorkOrder.objects.filter(pk=boundary.pk).update(status=Status.HANDLING, due_at=now, replied_at=None)
    in_scope: QuerySet[WorkOrder] = WorkOrder.objects.restrict(world.leader)
    assert in_scope.count() == WorkOrder.objects.filter(scope_path__startswith=world.district.path).count()

    # when the 日通报, the workbench filter, the 大屏 and the home page count 超期 at the same instant
    bulletin = bulletins.compute(bulletins.resolve_scope(world.district.code), now.date(), now=now)
    home_url = reverse("web:home")  # loads every view module before the clock is frozen
    with freeze_time(now):
        workbench = WorkOrderFilterSet({"overdue": "true"}, queryset=in_scope).qs
        not_overdue = WorkOrderFilterSet({"overdue": "false"}, queryset=in_scope).qs.count()
        dashboard = dashboard_data(world.leader, now=now)
        client = Client()
        client.force_login(world.leader)
        home = client.get(home_url)

    # then they agree, the history has overdue cases, and the boundary case is not one of them
    assert bulletin["overdue"]["total"] == workbench.count() > 0
    assert dashboard["kpis"]["overdue"] == workbench.count()
    assert home.context["open_overdue"] == workbench.count()
    assert not workbench.filter(pk=boundary.pk).exists()
    assert workbench.count() + not_overdue == in_scope.count()
