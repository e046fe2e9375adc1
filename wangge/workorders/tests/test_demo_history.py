from __future__ import annotations

import itertools
from types import SimpleNamespace

from wangge.workorders.choices import Status
from wangge.workorders.demo_history import Shares, generate_history
from wangge.workorders.measures import measures_total
from wangge.workorders.models import Event, WorkOrder

from .conftest import local


def test_history_feeds_every_measure(world: SimpleNamespace) -> None:
    shares = Shares(invalid=0.1, returned=0.3, extended=0.2, late_reply=0.3, reworked=0.3, unresolved=0.3)
    now = local(2025, 12, 1, 12, 0)
    counts = generate_history(district=world.district, count=40, now=now, seed=7, shares=shares)
    assert sum(counts.values()) == 40
    assert counts.get(Status.CLOSED, 0) > 10 and counts.get(Status.INVALID, 0) > 0
    m = measures_total(WorkOrder.objects.all(), local(2024, 12, 1), now)
    assert m.due > 0 and m.closed > 0 and m.returned > 0 and m.reworked > 0 and m.extended > 0
    assert 0 < m.closed_on_time < m.closed and m.rated > 0
    # Every case was produced by the transition service: each has a create event and a consistent trail.
    for wo in WorkOrder.objects.all():
        trail = list(Event.objects.filter(work_order=wo).values_list("from_status", "to_status"))
        assert trail[0] == ("", wo.status if len(trail) == 1 else trail[0][1])
        assert all(a[1] == b[0] for a, b in itertools.pairwise(trail))
