"""A periodic job run twice, or by two workers at once, has its effect once: one bulletin per scope and day,
one notification per recipient and key, one text message per key."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from freezegun import freeze_time

from wangge.accounts.choices import Role
from wangge.notifications.choices import DeliveryState
from wangge.notifications.models import Notification, SmsMessage
from wangge.notifications.sms import ConsoleSmsBackend
from wangge.notifications.tasks import retry_failed_deliveries
from wangge.reports.models import Bulletin
from wangge.reports.tasks import generate_daily_bulletins
from wangge.workorders.tasks import flag_deadlines
from wangge.workorders.tests.conftest import _user, act, local, new_case

pytestmark = pytest.mark.django_db(transaction=True)
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent runs need PostgreSQL")

NOW = local(2025, 6, 11, 17, 40)


def twice_at_once(job: Callable[[], Any]) -> list[Any]:
    """Run ``job`` in two threads (two connections) released at the same moment."""
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(job())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2
    return results


def overdue_cases(world: SimpleNamespace, n: int) -> list[Any]:
    for i in range(3):
        _user(f"member{i}", Role.DEPT_HANDLER, unit=world.dept)
    category = world.category.category_set.categories.get(code="E0102")
    at = local(2025, 6, 3, 9, 0)
    return [
        act(world, new_case(world, at=at, category=category), "dispatch", "dispatcher", at, unit=world.dept)
        for _ in range(n)
    ]


def notices_per_recipient_and_key() -> Counter[tuple[int, str]]:
    return Counter(Notification.objects.values_list("recipient_id", "key"))


def failed_text(key: str) -> SmsMessage:
    return SmsMessage.objects.create(
        key=key, phone="13800000000", text="您反映的问题已办结", state=DeliveryState.FAILED, attempts=1
    )


def texts_sent(key: str) -> int:
    return sum(1 for m in ConsoleSmsBackend.sent if m["key"] == key)


def bulletins_per_scope_and_day() -> Counter[tuple[str, str, Any]]:
    return Counter(Bulletin.objects.values_list("scope_kind", "scope_code", "date"))


# --- twice, one after the other -------------------------------------------------------------------------


def test_the_bulletin_job_run_twice_keeps_one_bulletin_per_scope_and_day(world: SimpleNamespace) -> None:
    with freeze_time(NOW):
        generate_daily_bulletins.call()
        first = bulletins_per_scope_and_day()
        generate_daily_bulletins.call()

    assert first and bulletins_per_scope_and_day() == first and set(first.values()) == {1}


def test_the_deadline_sweep_run_twice_notifies_each_recipient_once(world: SimpleNamespace) -> None:
    cases = overdue_cases(world, 2)
    with freeze_time(NOW):
        assert flag_deadlines()["overdue"] == len(cases)
        first = notices_per_recipient_and_key()
        assert flag_deadlines() == {"approaching": 0, "overdue": 0}

    assert len(first) >= 2 * 4 and notices_per_recipient_and_key() == first


def test_the_delivery_retry_run_twice_sends_a_text_once() -> None:
    failed_text("ops-test:retry-twice")

    retry_failed_deliveries.call()
    retry_failed_deliveries.call()

    assert texts_sent("ops-test:retry-twice") == 1
    assert SmsMessage.objects.get(key="ops-test:retry-twice").state == DeliveryState.SENT


# --- twice at the same moment, on two connections ------------------------------------------------------


@postgresql
def test_two_bulletin_jobs_at_once_keep_one_bulletin_per_scope_and_day(world: SimpleNamespace) -> None:
    with freeze_time(NOW):
        twice_at_once(lambda: generate_daily_bulletins.call(date="2025-06-11"))

    counts = bulletins_per_scope_and_day()
    assert len(counts) == 3 and set(counts.values()) == {1}


@postgresql
def test_two_deadline_sweeps_at_once_notify_each_recipient_once(world: SimpleNamespace) -> None:
    cases = overdue_cases(world, 3)

    with freeze_time(NOW):
        results = twice_at_once(flag_deadlines)

    assert sum(r["overdue"] for r in results) == len(cases)  # each case flagged by one of the two
    counts = notices_per_recipient_and_key()
    assert set(counts.values()) == {1}
    per_case = Counter(key for _recipient, key in counts if key.endswith(":overdue"))
    assert len(per_case) == len(cases) and len(set(per_case.values())) == 1  # every case told the same people


@postgresql
def test_two_delivery_retries_at_once_send_a_text_once() -> None:
    failed_text("ops-test:retry-at-once")

    twice_at_once(retry_failed_deliveries.call)

    assert texts_sent("ops-test:retry-at-once") == 1
