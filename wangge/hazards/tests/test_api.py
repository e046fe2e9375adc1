"""/api/hazard-types/ and /api/hazards/: scoped lists with filters, detail with history and photo links, the
owner's phone masked unless revealed (and audited), reporting, the steps, photos behind the scope."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.core.models import AuditEntry
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.hazards.services import hazard_transition
from wangge.hazards.tests.conftest import jpeg, local, report

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_hazard_types_are_a_dictionary(hw: SimpleNamespace) -> None:
    body = api(hw.worker).get("/api/hazard-types/").json()

    keys = [r["key"] for r in body["results"]]
    assert keys[:3] == ["gambling", "prostitution", "drugs"] and "fire" in keys


def test_the_list_is_scoped_and_filtered(hw: SimpleNamespace) -> None:
    mine = report(hw, deadline_days=1)
    report(hw, type=hw.gambling, deadline_days=30)
    other = report(hw, building=None, lng=113.07, lat=33.01, actor=hw.community_staff)

    def codes(user: Any, query: str = "") -> set[str]:
        response = api(user).get(f"/api/hazards/{query}")
        assert response.status_code == 200, response.content
        return {r["code"] for r in response.json()["results"]}

    assert other.code not in codes(hw.worker) and mine.code in codes(hw.worker)
    assert len(codes(hw.community_staff)) == 3
    assert codes(hw.community_staff, "?type=gambling") == {HazardFinding.objects.get(type=hw.gambling).code}
    assert codes(hw.community_staff, f"?grid={hw.grid2.code}") == {other.code}
    assert codes(hw.community_staff, f"?territory={hw.community.code}&status=open") == codes(hw.community_staff)
    assert mine.code in codes(hw.community_staff, "?overdue=true")  # due 4 June 2025, long past
    assert mine.code not in codes(hw.community_staff, "?overdue=false")
    assert codes(hw.stranger) == set()


def test_detail_masks_the_phone_unless_revealed(hw: SimpleNamespace) -> None:
    finding = report(hw, photos=[jpeg()])

    by_dispatcher = api(hw.dispatcher).get(f"/api/hazards/{finding.pk}/?reveal=true").json()  # views, may reveal
    shown = api(hw.worker).get(f"/api/hazards/{finding.pk}/?reveal=true").json()
    plain = api(hw.worker).get(f"/api/hazards/{finding.pk}/").json()

    assert plain["owner_phone"] != "13900001111" and plain["owner_phone"].startswith("139")
    assert shown["owner_phone"] == "13900001111"
    assert by_dispatcher["owner_phone"] == "13900001111"  # dispatchers hold reveal over their district
    assert AuditEntry.objects.filter(action="api.reveal", actor=hw.worker).count() == 1
    assert [e["action"] for e in plain["events"]] == ["report"]
    assert plain["events"][0]["label"] == "排查登记"
    assert plain["overdue"] is True and plain["status"] == "open"
    url = plain["photos"][0]["url"]
    assert api(hw.worker).get(url).status_code == 200
    assert api(hw.other_worker).get(url).status_code == 404


def test_out_of_scope_is_404(hw: SimpleNamespace) -> None:
    finding = report(hw)

    for user in (hw.other_worker, hw.stranger):
        assert api(user).get(f"/api/hazards/{finding.pk}/").status_code == 404
        assert api(user).post(f"/api/hazards/{finding.pk}/transitions/", {"name": "verify"}).status_code == 404


def test_report_through_the_api(hw: SimpleNamespace) -> None:
    payload = {
        "type": "fire",
        "title": "电动车楼道充电",
        "building": hw.building.code,
        "owner_name": "王",
        "owner_phone": "13900002222",
        "deadline_days": 2,
        "photos": [jpeg()],
    }

    response = api(hw.worker).post("/api/hazards/", payload, format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grid_code"] == hw.grid1.code and body["code"].startswith("YH")
    assert len(body["photos"]) == 1 and body["photos"][0]["stage"] == "before"


def test_report_outside_the_reporters_grids_is_refused(hw: SimpleNamespace) -> None:
    payload = {"type": "fire", "title": "x", "lng": 113.07, "lat": 33.01, "owner_name": "王"}

    refused = api(hw.worker).post("/api/hazards/", payload, format="json")
    unknown_building = api(hw.other_worker).post(
        "/api/hazards/", {**payload, "building": hw.building.code, "lng": None, "lat": None}, format="json"
    )

    assert refused.status_code == 403 and refused.json()["code"] == "place_out_of_scope"
    assert unknown_building.status_code == 400  # a building outside one's grids reads as missing
    assert not HazardFinding.objects.exists()


def test_steps_through_the_api(hw: SimpleNamespace) -> None:
    finding = report(hw)
    url = f"/api/hazards/{finding.pk}/transitions/"

    offered = api(hw.worker).get(url).json()
    assert {t["name"] for t in offered} == {"submit_rectification", "open_case"}
    submit = next(t for t in offered if t["name"] == "submit_rectification")
    assert sorted(submit["requires"]) == ["after_photos", "rectification"]

    missing = api(hw.worker).post(url, {"name": "submit_rectification", "rectification": "已清理"}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "missing_fields"
    done = api(hw.worker).post(
        url, {"name": "submit_rectification", "rectification": "已清理", "after_photos": [jpeg()]}, format="multipart"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    forbidden = api(hw.worker).post(url, {"name": "verify"}, format="json")
    assert forbidden.status_code == 403
    closed = api(hw.community_staff).post(url, {"name": "verify", "note": "已核实"}, format="json")
    assert closed.json()["status"] == "closed"
    again = api(hw.community_staff).post(url, {"name": "reject", "reason": "x"}, format="json")
    assert again.status_code == 409


def test_open_case_through_the_api(hw: SimpleNamespace) -> None:
    finding = report(hw)

    response = api(hw.worker).post(f"/api/hazards/{finding.pk}/transitions/", {"name": "open_case"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["work_order"] is not None and body["work_order_code"]
    assert body["status"] == HazardStatus.OPEN


def test_a_closed_finding_is_no_longer_overdue(hw: SimpleNamespace) -> None:
    finding = report(hw, deadline_days=1)
    hazard_transition(
        actor=hw.worker,
        finding=finding,
        name="submit_rectification",
        rectification="好",
        after_photos=[jpeg()],
        now=local(2025, 6, 10, 9, 0),
    )
    hazard_transition(actor=hw.community_staff, finding=finding, name="verify")

    assert api(hw.worker).get(f"/api/hazards/{finding.pk}/").json()["overdue"] is False
