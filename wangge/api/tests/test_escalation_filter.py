"""The work-order API exposes the escalation level (催办 … 红牌) as a filter."""

from __future__ import annotations

from types import SimpleNamespace

from rest_framework.test import APIClient

from wangge.workorders.escalation import escalate_due
from wangge.workorders.tests.conftest import act, local, new_case


def test_the_api_filters_by_escalation_level(world: SimpleNamespace) -> None:
    at = local(2025, 6, 5, 9, 0)
    wo = act(world, new_case(world, at=at), "dispatch", "dispatcher", at, unit=world.dept)
    calm = new_case(world, at=local(2025, 6, 16, 9, 0))
    escalate_due(local(2025, 6, 6, 18, 1))  # one working day overdue: 黄牌 (level 3)
    client = APIClient()
    client.force_authenticate(world.dispatcher)
    found = client.get("/api/work-orders/", {"escalation_level": "3"}).json()
    assert [r["tracking_code"] for r in found["results"]] == [wo.tracking_code]
    calm_rows = client.get("/api/work-orders/", {"escalation_level": "0"}).json()["results"]
    assert {r["tracking_code"] for r in calm_rows} == {calm.tracking_code}
    assert client.get("/api/work-orders/", {"escalation_level": "9"}).status_code == 400
