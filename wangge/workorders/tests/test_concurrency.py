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
