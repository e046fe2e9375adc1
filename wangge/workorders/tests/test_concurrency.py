"""Two people act on one case at the same moment: one succeeds, the other gets a clear conflict."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections

from wangge.core.errors import DomainError
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.services import work_order_transition

from .conftest import act, local, new_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections need PostgreSQL"),
]


def test_two_simultaneous_accepts(world: SimpleNamespace) -> None:
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 5), unit=world.dept)
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def attempt(key: str, name: str, payload: dict[str, Any]) -> None:
        # Both saw version 2 on their screen and act on it.
        try:
            barrier.wait()
            work_order_transition(actor=world.handler, work_order_id=wo.pk, name=name, expected_version=2, **payload)
            outcomes[key] = "ok"
        except DomainError as exc:
            outcomes[key] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("a", "accept", {})),
        threading.Thread(target=attempt, args=("b", "accept", {})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    results = sorted(outcomes.values(), key=lambda v: v == "ok")
    assert len(results) == 2 and results[1] == "ok"
    loser = results[0]
    assert isinstance(loser, DomainError) and loser.http_status == 409
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.version == 3  # create=1, dispatch=2, exactly one of the two
    assert Event.objects.filter(work_order=wo, name="accept").count() == 1


def _race(*attempts: tuple[Any, str, dict[str, Any]]) -> list[Any]:
    """Run the transitions at the same moment on separate connections; return each outcome in order."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[Any] = [None] * len(attempts)

    def run(i: int, actor: Any, name: str, payload: dict[str, Any]) -> None:
        try:
            barrier.wait()
            outcomes[i] = work_order_transition(actor=actor, name=name, **payload).status
        except DomainError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_a_dispatch_and_an_invalidation_at_once(world: SimpleNamespace) -> None:
    # The dispatcher sends the new case out while the call taker marks it not an appeal, both from version 1.
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    outcomes = _race(
        (world.dispatcher, "dispatch", {"work_order_id": wo.pk, "expected_version": 1, "unit": world.dept}),
        (world.caller, "invalidate", {"work_order_id": wo.pk, "expected_version": 1, "note": "误拨"}),
    )
    won = [o for o in outcomes if isinstance(o, str)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].http_status == 409 and lost[0].code == "conflict"
    assert lost[0].details["current_version"] == 2  # type: ignore[index]
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == won[0] and fresh.version == 2
    names = list(Event.objects.filter(work_order=wo).values_list("name", flat=True))
    assert names == ["create", "dispatch" if won[0] == "dispatched" else "invalidate"]


def test_when_the_winner_takes_the_case_out_of_the_losers_scope_it_is_not_found(world: SimpleNamespace) -> None:
    # A colleague returns the case while the handler accepts it: once returned it is no longer the unit's,
    # and a case outside one's scope answers like a missing one (even to someone who held its version).
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 5), unit=world.dept)
    outcomes = _race(
        (world.handler, "accept", {"work_order_id": wo.pk, "expected_version": 2}),
        (world.handler, "return", {"work_order_id": wo.pk, "expected_version": 2, "note": "非本单位职责"}),
    )
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.version == 3 and Event.objects.filter(work_order=wo).count() == 3
    lost = next(o for o in outcomes if isinstance(o, DomainError))
    assert lost.http_status == (404 if fresh.status == "returned" else 409)


def test_two_different_actions_at_once_both_keep_their_changes(world: SimpleNamespace) -> None:
    # Without a version the second waits for the row lock and applies on top of the first: nothing is lost.
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 5), unit=world.dept)
    act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 10))
    outcomes = _race(
        (world.handler, "reply", {"work_order_id": wo.pk, "text": "已拆除", "result": "resolved"}),
        (world.leader, "supervise", {"work_order_id": wo.pk, "level": "red", "note": "群众反映强烈"}),
    )
    assert all(isinstance(o, str) for o in outcomes), outcomes
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == "replied" and fresh.reply_text == "已拆除" and fresh.supervision == "red"
    assert fresh.version == 5
    assert sorted(Event.objects.filter(work_order=wo).values_list("name", flat=True))[-2:] == ["reply", "supervise"]
