"""The demo history looks like a district that runs the escalation sweep: rectifications after a 差评 are
accepted and handled, nothing waits for months, and the 催办 / 黄牌 / 红牌 are in the cases' histories."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from wangge.demo.history import Shares, generate_history
from wangge.workorders.choices import OPEN_STATUSES, Relation, Status
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.tests.conftest import local


def test_the_history_leaves_nothing_stuck_and_carries_the_escalations(world: SimpleNamespace) -> None:
    shares = Shares(ratings={5: 0.3, 4: 0.2, 3: 0.1, 2: 0.2, 1: 0.2}, late_accept=0.3, late_reply=0.3)
    now = local(2025, 12, 1, 12, 0)
    generate_history(district=world.district, count=60, now=now, seed=11, shares=shares)
    rectifications = WorkOrder.objects.filter(relation=Relation.RECTIFICATION)
    assert rectifications.filter(status=Status.CLOSED).count() >= 3  # accepted, handled, called back, closed
    assert Event.objects.filter(work_order__in=rectifications, name="accept").exists()
    open_cases = WorkOrder.objects.filter(status__in=OPEN_STATUSES)
    oldest = min(open_cases.values_list("received_at", flat=True), default=now)
    assert now - oldest < dt.timedelta(days=45)  # nothing left waiting for months
    escalations = Event.objects.filter(name="escalate")
    cards = {e.data["name"] for e in escalations}
    assert {"催办", "超期催办", "黄牌"} <= cards
    for ev in escalations:  # written as the sweep would have, on a case waiting in that status
        assert ev.from_status == ev.to_status and ev.data["notified"] is False and ev.actor is None
