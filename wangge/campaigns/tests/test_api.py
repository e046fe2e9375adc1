"""The REST endpoints: scoped lists, create, steps, findings with cases, quantities, the bulletin files."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from wangge.campaigns.models import Campaign, RemediationQuantity
from wangge.workorders.models import WorkOrder


def client(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_campaigns_are_listed_to_staff_below_and_hidden_from_another_district(
    cw: SimpleNamespace, running: Campaign
) -> None:
    rows = client(cw.worker).get("/api/campaigns/").json()["results"]
    assert [r["code"] for r in rows] == [running.code]
    assert client(cw.stranger).get("/api/campaigns/").json()["results"] == []
    assert client(cw.stranger).get(f"/api/campaigns/{running.pk}/").status_code == 404
    detail = client(cw.handler).get(f"/api/campaigns/{running.pk}/").json()  # a member unit
    assert detail["totals"]["points"] == 4 and len(detail["checklist"]) == 3


def test_create_a_campaign_and_start_it(cw: SimpleNamespace) -> None:
    api = client(cw.street_staff)
    body = {
        "name": "背街小巷整治",
        "kind": "city_appearance",
        "territory": cw.street.code,
        "start_date": "2025-11-01",
        "end_date": "2025-11-30",
        "point_types": ["bridge"],
        "checklist": [{"text": "无乱贴乱画", "category_code": "E0201"}],
        "targets": {"posters": "100"},
    }
    response = api.post("/api/campaigns/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    steps = api.get(f"/api/campaigns/{pk}/transitions/").json()
    assert [s["name"] for s in steps] == ["start"]
    started = api.post(f"/api/campaigns/{pk}/transitions/", {"name": "start"}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "active"
    again = api.post(f"/api/campaigns/{pk}/transitions/", {"name": "start"}, format="json")
    assert again.status_code == 409


def test_a_bad_period_is_a_400_and_writes_nothing(cw: SimpleNamespace) -> None:
    body = {
        "name": "x",
        "kind": "other",
        "territory": cw.street.code,
        "start_date": "2025-11-30",
        "end_date": "2025-11-01",
    }
    response = client(cw.street_staff).post("/api/campaigns/", body, format="json")
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_a_finding_with_a_failed_item_opens_a_case_and_quantities_follow(
    cw: SimpleNamespace, running: Campaign
) -> None:
    lines = list(running.checklist_items.order_by("ordering"))
    api = client(cw.worker)
    response = api.post(
        "/api/campaign-findings/",
        {"campaign": running.pk, "point": cw.bridges[0].code, "results": [f"{lines[0].pk}:fail:桥下垃圾"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    finding = response.json()
    assert finding["has_problem"] and finding["results"][0]["work_order"]
    wo = WorkOrder.objects.get(tracking_code=finding["results"][0]["work_order"])
    q = api.post(
        "/api/campaign-quantities/",
        {"campaign": running.pk, "item": "rubbish", "quantity": "4", "work_order": wo.pk},
        format="json",
    )
    assert q.status_code == 201, q.content
    bad = api.post(
        "/api/campaign-quantities/",
        {"campaign": running.pk, "item": "rubbish", "quantity": "0", "finding": finding["id"]},
        format="json",
    )
    assert bad.status_code == 400
    assert RemediationQuantity.objects.count() == 1
    listed = api.get(f"/api/campaign-quantities/?campaign={running.pk}").json()["results"]
    assert [r["quantity"] for r in listed] == ["4.00"]
    assert client(cw.stranger).get("/api/campaign-quantities/").json()["results"] == []
    assert client(cw.stranger).get("/api/campaign-findings/").json()["results"] == []


def test_another_district_cannot_record_a_finding(cw: SimpleNamespace, running: Campaign) -> None:
    lines = list(running.checklist_items.order_by("ordering"))
    response = client(cw.stranger).post(
        "/api/campaign-findings/",
        {"campaign": running.pk, "point": cw.bridges[0].code, "results": [f"{lines[0].pk}:pass"]},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("fmt", "magic"), [("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_the_bulletin_downloads(cw: SimpleNamespace, running: Campaign, fmt: str, magic: bytes) -> None:
    response = client(cw.leader).get(f"/api/campaigns/{running.pk}/bulletin/?file={fmt}")
    assert response.status_code == 200
    assert response.content.startswith(magic)
    if fmt == "xlsx":
        assert "按责任单位" in load_workbook(io.BytesIO(response.content)).sheetnames


def test_the_bulletin_as_json_by_unit(cw: SimpleNamespace, running: Campaign) -> None:
    data = client(cw.admin).get(f"/api/campaigns/{running.pk}/bulletin/?by=unit").json()
    assert data["by"] == "unit" and sum(r["points"] for r in data["rows"]) == 4


def test_tag_an_existing_case(cw: SimpleNamespace, running: Campaign) -> None:
    from wangge.workorders.services import work_order_create

    wo = work_order_create(
        actor=cw.dispatcher,
        channel="hotline",
        appeal_type="complaint",
        title="桥洞下小广告",
        description="桥洞墙上贴满小广告",
        lng=113.01,
        lat=33.01,
    )
    response = client(cw.admin).post(f"/api/campaigns/{running.pk}/tag/", {"work_order": wo.pk}, format="json")
    assert response.status_code == 200 and response.json()["totals"]["cases"] == 1
    assert client(cw.admin).post(f"/api/campaigns/{running.pk}/tag/", {"work_order": wo.pk}).status_code == 409


def test_the_remediation_items_dictionary(cw: SimpleNamespace) -> None:
    keys = [r["key"] for r in client(cw.worker).get("/api/remediation-items/").json()["results"]]
    assert {"rubbish", "posters", "wall_paint", "river", "guardrail", "silt", "illegal_building"} <= set(keys)
