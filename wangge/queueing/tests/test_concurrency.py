"""Numbering and call-next under real concurrency: threads with their own connections (PostgreSQL; SQLite's test
database is one in-memory connection, where the sequential tests in test_services.py stand for it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections

from wangge.core.actors import CITIZEN, SystemActor
from wangge.core.errors import ValidationFailed
from wangge.hall.tests.factories import WindowFactory
from wangge.queueing.models import Ticket, WindowGroup
from wangge.queueing.services import ticket_issue, window_call_next
from wangge.queueing.tests.factories import WindowGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = SystemActor("test")


def _parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    out: list[Any] = [None] * len(jobs)

    def run(k: int) -> None:
        barrier.wait()
        try:
            out[k] = jobs[k]()
        except Exception as exc:  # collected, asserted by the test
            out[k] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with one connection per thread (PostgreSQL)")


def test_tickets_taken_at_once_get_distinct_numbers(q: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_QUEUE_TIDAL_SECONDS = 3600
    out = _parallel([lambda: ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, evaluate=False) for _ in range(8)])
    assert all(isinstance(t, Ticket) for t in out)
    assert sorted(t.number for t in out) == [f"A{n:03d}" for n in range(1, 9)]


def test_windows_calling_at_once_never_get_the_same_ticket(q: SimpleNamespace) -> None:
    windows = [q.w1] + [WindowFactory.create(hall=q.hall, number=f"1{k}") for k in range(5)]
    for w in windows[1:]:
        WindowGroupFactory.create(window=w, group=q.a)
    for _ in range(4):
        ticket_issue(actor=CITIZEN, hall=q.hall, group=q.a, evaluate=False)
    out = _parallel([partial(window_call_next, actor=SYSTEM, window=w, evaluate=False) for w in windows])
    called = [t.pk for t in out if isinstance(t, Ticket)]
    refused = [e for e in out if isinstance(e, ValidationFailed)]
    assert len(called) == 4 and len(set(called)) == 4 and len(refused) == 2
    assert WindowGroup.objects.filter(group=q.a).count() == 6
