"""The headline figures, one definition each (workorders.headlines): what each counts and leaves out."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.workorders import headlines
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import act, local, new_case, to_closed, to_handling

pytestmark = pytest.mark.django_db

NOW = local(2025, 6, 20, 15, 0)


def test_open_counts_every_unfinished_case_placed_or_not(world: SimpleNamespace) -> None:
    placed = new_case(world)
    unplaced = new_case(world, lng=None, lat=None, district=world.district)
    closed = to_closed(world, new_case(world), local(2025, 6, 3, 10, 0))
    dropped = new_case(world)
    act(world, dropped, "invalidate", "caller", local(2025, 6, 3, 9, 5), note="误拨")

    open_ids = set(headlines.open_cases(WorkOrder.objects.all()).values_list("pk", flat=True))
    unplaced_ids = set(headlines.unplaced_cases(WorkOrder.objects.all()).values_list("pk", flat=True))

    assert open_ids == {placed.pk, unplaced.pk} and closed.pk not in open_ids and dropped.pk not in open_ids
    assert unplaced_ids == {unplaced.pk}


def test_overdue_is_the_handling_deadline_passed_without_a_reply(world: SimpleNamespace) -> None:
    silent = to_handling(world, new_case(world), local(2025, 6, 3, 9, 30))
    replied = to_handling(world, new_case(world), local(2025, 6, 3, 9, 30))
    act(world, replied, "reply", "handler", local(2025, 6, 27, 9, 0), text="已拆除", result="resolved")
    waiting = new_case(world)  # never dispatched: its dispatch step ran out, but it has no handling deadline yet
    silent.refresh_from_db()
    assert silent.due_at is not None
    after = silent.due_at + dt.timedelta(minutes=1)

    overdue = set(headlines.overdue_cases(WorkOrder.objects.all(), after).values_list("pk", flat=True))

    assert overdue == {silent.pk} and waiting.pk not in overdue
    assert not headlines.overdue_cases(WorkOrder.objects.all(), silent.due_at).exists()  # on the instant: on time


def test_month_figures_use_the_local_calendar_month(world: SimpleNamespace) -> None:
    late_may = to_closed(world, new_case(world, at=local(2025, 5, 31, 18, 0)), local(2025, 5, 31, 18, 30))
    june = to_closed(world, new_case(world, at=local(2025, 6, 2, 9, 0)), local(2025, 6, 2, 9, 30))
    start, end = headlines.month_bounds(NOW)

    assert (start, end) == (local(2025, 6, 1, 0, 0), local(2025, 7, 1, 0, 0))
    assert list(headlines.closed_cases(WorkOrder.objects.all(), start, end)) == [june]
    assert list(headlines.received_cases(WorkOrder.objects.all(), start, end)) == [june]
    assert late_may.closed_at is not None and late_may.closed_at < start


def test_due_is_counted_up_to_the_moment_of_counting(world: SimpleNamespace) -> None:
    early = to_handling(world, new_case(world, at=local(2025, 5, 20, 9, 0)), local(2025, 5, 20, 9, 30))
    later = to_handling(world, new_case(world, at=local(2025, 6, 9, 9, 0)), local(2025, 6, 9, 9, 30))
    early.refresh_from_db()
    later.refresh_from_db()
    start, end = headlines.month_bounds(NOW)
    assert early.due_at is not None and later.due_at is not None
    assert start <= early.due_at < NOW < later.due_at < end  # one deadline passed this month, one still ahead

    so_far = headlines.period_measures(WorkOrder.objects.all(), start, end, now=NOW)[0]
    whole = headlines.period_measures(WorkOrder.objects.all(), start, end, now=end + dt.timedelta(days=1))[0]

    assert (so_far.due, so_far.overdue_open) == (1, 1)
    assert (whole.due, whole.overdue_open) == (2, 2)
    assert headlines.headlines(WorkOrder.objects.all(), NOW).month.due == 1


def test_every_figure_names_its_definition() -> None:
    for name in headlines.DEFINITIONS:
        label = headlines.label(name)
        assert headlines.definition(name).startswith(f"{label}：") and len(headlines.definition(name)) > len(label) + 4
    assert "环节超时" in headlines.definition("step_overdue") and "超期" in headlines.definition("step_overdue")
