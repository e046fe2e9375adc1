"""/api/disputes/ and the register: scoped lists with filters, the detail with one history, masked parties
unless revealed (and audited), registration and 转调解, the steps, the agreement, the figures, the schema."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from wangge.core.models import AuditEntry
from wangge.mediation.models import Dispute
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import new_case

from .conftest import T0, mediating, register, step

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped_and_filtered(mw: SimpleNamespace) -> None:
    low = register(mw)
    high = register(mw, title="群体性讨薪", people_count=40, cause_class="organisation")

    def codes(user: Any, query: str = "") -> set[str]:
        response = api(user).get(f"/api/disputes/{query}")
        assert response.status_code == 200
        return {r["code"] for r in response.json()["results"]}

    assert codes(mw.worker) == {low.code, high.code}
    assert codes(mw.worker, "?risk_level=high") == {high.code}
    assert codes(mw.worker, "?cause_class=citizen") == {low.code}
    assert codes(mw.other_staff) == set() and codes(mw.other_worker) == set()
    assert api(mw.other_staff).get(f"/api/disputes/{low.pk}/").status_code == 404
    assert APIClient().get("/api/disputes/").status_code in (401, 403)


def test_the_detail_masks_parties_unless_revealed_and_audited(mw: SimpleNamespace) -> None:
    d = register(mw)
    body = api(mw.community_staff).get(f"/api/disputes/{d.pk}/").json()
    numbers = {p["name"]: (p["id_number"], p["phone"]) for p in body["parties"]}
    assert numbers["赵大明"] == (f"410403********{mw.id_a[-4:]}", "138****1111")
    assert not AuditEntry.objects.filter(action="api.reveal").exists()
    body = api(mw.community_staff).get(f"/api/disputes/{d.pk}/?reveal=true").json()
    assert {p["name"]: p["id_number"] for p in body["parties"]}["赵大明"] == mw.id_a
    entry = AuditEntry.objects.get(action="api.reveal")
    assert "mediation.disputeparty" in str(entry.after)
    body = api(mw.leader).get(f"/api/disputes/{d.pk}/?reveal=true").json()  # sees, may not reveal
    assert {p["name"]: p["id_number"] for p in body["parties"]}["赵大明"] != mw.id_a


def test_create_a_dispute_and_refusals(mw: SimpleNamespace) -> None:
    payload = {
        "title": "装修噪音",
        "cause_class": "citizen",
        "type": "neighbour",
        "grid": mw.grid1.code,
        "parties": [{"name": "赵大明", "id_number": mw.id_a}, {"name": "钱小红", "phone": "13900002222"}],
    }
    response = api(mw.worker).post("/api/disputes/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "registered" and len(body["parties"]) == 2 and body["events"][0]["action"] == "register"
    bad = api(mw.worker).post("/api/disputes/", {**payload, "parties": [{"name": "赵大明"}]}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "parties_required"
    assert api(mw.worker).post("/api/disputes/", {**payload, "cause_class": "x"}, format="json").status_code == 400
    forbidden = api(mw.other_worker).post("/api/disputes/", payload, format="json")
    assert forbidden.status_code == 400 and "grid" in str(forbidden.json())  # a grid out of scope is no grid
    assert Dispute.objects.count() == 1


def test_create_from_a_work_order(mw: SimpleNamespace) -> None:
    wo = new_case(mw, at=T0)
    payload = {
        "work_order": wo.pk,
        "cause_class": "citizen",
        "type": "neighbour",
        "parties": [{"name": "王先生"}, {"name": "商户"}],
    }
    response = api(mw.dispatcher).post("/api/disputes/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["work_order"] == wo.tracking_code
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.CLOSED
    again = api(mw.dispatcher).post("/api/disputes/", payload, format="json")
    assert again.status_code in (400, 409)


def test_steps_through_the_api(mw: SimpleNamespace) -> None:
    d = register(mw)
    client = api(mw.community_staff)
    steps = {r["name"] for r in client.get(f"/api/disputes/{d.pk}/transitions/").json()}
    assert steps == {"accept", "reject"}
    assert client.post(f"/api/disputes/{d.pk}/transitions/", {"name": "accept"}, format="json").status_code == 200
    missing = client.post(f"/api/disputes/{d.pk}/transitions/", {"name": "assign", "track": "people"}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "missing_fields"
    body = client.post(
        f"/api/disputes/{d.pk}/transitions/",
        {"name": "assign", "track": "people", "organisation": mw.committee.pk, "mediator": mw.mediator.pk},
        format="json",
    ).json()
    assert body["status"] == "mediating" and body["stints"][0]["track"] == "people"
    wrong = client.post(f"/api/disputes/{d.pk}/transitions/", {"name": "accept"}, format="json")
    assert wrong.status_code == 409
    denied = api(mw.worker).post(f"/api/disputes/{d.pk}/transitions/", {"name": "fail", "note": "x"}, format="json")
    assert denied.status_code == 403


def test_agreement_and_summary(mw: SimpleNamespace) -> None:
    d = step(mw, mediating(mw), "agree", hours=3, agreement_kind="written", terms="赔偿 3000 元")
    response = api(mw.worker).get(f"/api/disputes/{d.pk}/agreement/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    oral = step(mw, mediating(mw, title="口头"), "agree", hours=3, agreement_kind="oral")
    assert api(mw.worker).get(f"/api/disputes/{oral.pk}/agreement/").status_code == 409
    summary = api(mw.street_staff).get("/api/disputes/summary/?start=2025-06-01&end=2025-06-30").json()
    assert summary["accepted"] == 2 and summary["resolved"] == 2 and summary["resolution_rate"] == 1.0


def test_register_endpoints(mw: SimpleNamespace) -> None:
    mediating(mw)
    orgs = api(mw.worker).get("/api/mediation-organisations/").json()["results"]
    assert {o["name"] for o in orgs} == {"测试社区人民调解委员会", "卫东区人民法院诉前调解"}
    assert {o["track"] for o in orgs} == {"people", "judicial"}
    mediators = {m["name"]: m for m in api(mw.worker).get("/api/mediators/").json()["results"]}
    assert mediators["张调解"]["kind"] == "elders" and mediators["张调解"]["cases"] == 1
    assert mediators["张调解"]["open_cases"] == 1
    assert api(mw.other_staff).get("/api/mediators/").json()["results"] == []
    types = [t["key"] for t in api(mw.worker).get("/api/dispute-types/").json()["results"]]
    assert types[:3] == ["marriage_family", "neighbour", "property_mgmt"] and len(types) == 10


def test_the_schema_documents_the_endpoints(tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/disputes/",
        "/api/disputes/{id}/transitions/",
        "/api/mediators/",
        "/api/mediation-organisations/",
    ):
        assert f"  {path}:" in text
