from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

from wangge.demo.history import Shares, generate_history
from wangge.workorders.choices import Relation, Status
from wangge.workorders.measures import measures_total
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.tests.conftest import local


def test_history_feeds_every_measure(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_ONSITE_SAMPLE_RATE = 0.5
    shares = Shares(
        invalid=0.1,
        returned=0.3,
        extended=0.2,
        suspended=0.2,
        late_reply=0.3,
        late_accept=0.2,  # some late acceptances whatever path the cases take (their codes, hence samples, vary)
        reworked=0.3,
        unresolved=0.3,
        ratings={5: 0.4, 4: 0.2, 3: 0.1, 2: 0.2, 1: 0.1},
        on_site=1.0,
        supervised_of_late=1.0,
        unreachable=0.15,
    )
    now = local(2025, 12, 1, 12, 0)
    counts = generate_history(district=world.district, count=80, now=now, seed=7, shares=shares)
    assert sum(counts.values()) == 80
    assert counts.get(Status.CLOSED, 0) > 20 and counts.get(Status.INVALID, 0) > 0
    m = measures_total(WorkOrder.objects.all(), local(2024, 12, 1), now)
    assert m.due > 0 and m.closed > 0 and m.returned > 0 and m.reworked > 0 and m.extended > 0 and m.reopened > 0
    assert 0 < m.closed_on_time < m.closed and 0 < m.responded_on_time < m.dispatched
    assert m.rated > 0 and 0 < m.satisfied_top2 < m.satisfied_top3 < m.rated and m.bad_ratings > 0
    assert 0 < m.resolved < m.callbacks and m.avg_handling_hours
    names = set(Event.objects.values_list("name", flat=True))
    assert {"resolve_on_site", "supervise", "suspend", "resume", "reopen", "verify_fail"} <= names
    # on-site resolutions carry their photos, and the sampled ones were checked by the inspector
    on_site = WorkOrder.objects.filter(resolution_mode="on_site", reply_text="网格员现场处置完毕。")
    assert on_site.exists()
    for wo in on_site:
        assert {a.kind for a in wo.attachments.all()} == {"before", "after"}
    checks = Event.objects.filter(work_order__in=on_site, name__in=["verify_pass", "verify_fail"])
    assert checks.exists() and set(checks.values_list("actor", flat=True)) == {world.inspector.pk}
    assert (
        WorkOrder.objects.filter(supervision="red").exists() and WorkOrder.objects.filter(supervision="yellow").exists()
    )
    assert WorkOrder.objects.filter(callback_unreachable=True).exists()
    assert WorkOrder.objects.filter(relation=Relation.RECTIFICATION).exists()  # 差评 opened their own loops
    # Every case was produced by the transition service: each has a create event and a consistent trail.
    for wo in WorkOrder.objects.all():
        trail = list(Event.objects.filter(work_order=wo).values_list("from_status", "to_status"))
        assert trail[0] == ("", wo.status if len(trail) == 1 else trail[0][1])
        assert all(a[1] == b[0] for a, b in itertools.pairwise(trail))
