"""The REST endpoints: scoped lists, creation through the services (refusals as 400/403 with their code), the
legal-aid steps, masked numbers and the audited ``?reveal=true``."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.core.models import AuditEntry
from wangge.legalservice.choices import AidStatus
from wangge.legalservice.models import LegalAidCase, LegalLiterate
from wangge.legalservice.services import adviser_create, literate_create
from wangge.legalservice.tests.conftest import ID_NUMBER, apply


def api(user: Any) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


@pytest.fixture
def data(lw: SimpleNamespace) -> SimpleNamespace:
    lw.case = apply(lw)
    literate_create(actor=lw.admin, name="刘秀兰", grid=lw.g1, phone="13900003333")
    literate_create(actor=lw.admin, name="张满仓", grid=lw.g4)
    lw.adviser = adviser_create(
        actor=lw.admin,
        name="王立新",
        law_firm="河南鹰城律师事务所",
        licence_no="14104201810123456",
        territory=lw.s1,
        communities=[lw.c1],
    )
    return lw


ENDPOINTS = [
    "/api/legal-summary/",
    "/api/legal-advisers/",
    "/api/legal-adviser-services/",
    "/api/legal-literates/",
    "/api/legal-liaisons/",
    "/api/legal-aid-points/",
    "/api/legal-aid-cases/",
    "/api/legal-consultations/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_the_signed_in_and_refuses_the_anonymous(data: SimpleNamespace, url: str) -> None:
    assert api(data.street_staff).get(url).status_code == 200
    assert api(None).get(url).status_code == 401


def test_lists_are_scoped(data: SimpleNamespace) -> None:
    names = [r["name"] for r in api(data.other_street).get("/api/legal-literates/").json()["results"]]
    assert names == ["张满仓"]
    assert api(data.other_street).get("/api/legal-aid-cases/").json()["count"] == 0
    assert api(data.other_street).get(f"/api/legal-aid-cases/{data.case.pk}/").status_code == 404
    assert api(data.leader).get("/api/legal-literates/?territory=410403001").json()["count"] == 1


def test_numbers_are_masked_unless_revealed_by_the_entitled(data: SimpleNamespace) -> None:
    url = f"/api/legal-aid-cases/{data.case.pk}/"
    masked = api(data.street_staff).get(url).json()
    assert (masked["applicant_id_number"], masked["applicant_phone"]) == ("110105********002X", "139****1111")
    assert not AuditEntry.objects.filter(action="api.reveal").exists()
    leader = api(data.leader).get(url + "?reveal=true").json()
    assert leader["applicant_id_number"] == "110105********002X"
    full = api(data.street_staff).get(url + "?reveal=true").json()
    assert full["applicant_id_number"] == ID_NUMBER
    entry = AuditEntry.objects.get(action="api.reveal")
    assert (entry.after or {})["revealed"][0]["fields"] == ["applicant_id_number", "applicant_phone"]


def test_creating_through_the_api(data: SimpleNamespace) -> None:
    c = api(data.community_staff)
    created = c.post("/api/legal-literates/", {"name": "赵春梅", "grid": "410403001001002"}, format="json")
    assert created.status_code == 201 and created.json()["grid_code"] == "410403001001002"
    refused = c.post("/api/legal-literates/", {"name": "外人", "grid": "410403002001001"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "territory_out_of_scope"
    wrong = c.post("/api/legal-literates/", {"name": "错级", "grid": "410403001001"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_level"
    assert not LegalLiterate.objects.filter(name__in=["外人", "错级"]).exists()
    case = c.post(
        "/api/legal-aid-cases/",
        {"territory": "410403001001", "applicant_name": "钱玉梅", "matter": "family", "applicant_id_number": "123"},
        format="json",
    )
    assert case.status_code == 400 and case.json()["code"] == "invalid_id_number"
    ok = c.post(
        "/api/legal-aid-cases/",
        {"territory": "410403001001", "applicant_name": "钱玉梅", "matter": "family"},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["status"] == AidStatus.APPLIED


def test_a_service_record_names_an_adviser_in_scope(data: SimpleNamespace) -> None:
    body = {"adviser": data.adviser.pk, "community": "410403001001", "date": str(dt.date.today()), "kind": "lecture"}
    assert api(data.community_staff).post("/api/legal-adviser-services/", body, format="json").status_code == 201
    out = api(data.other_street).post("/api/legal-adviser-services/", body, format="json")
    assert out.status_code == 400


def test_the_steps_of_a_case(data: SimpleNamespace) -> None:
    url = f"/api/legal-aid-cases/{data.case.pk}/transitions/"
    c = api(data.street_staff)
    assert [t["name"] for t in c.get(url).json()] == ["aid_accept", "aid_reject"]
    assert api(data.community_staff).post(url, {"name": "aid_accept"}, format="json").status_code == 403
    assert c.post(url, {"name": "aid_accept"}, format="json").json()["status"] == AidStatus.ACCEPTED
    again = c.post(url, {"name": "aid_accept"}, format="json")
    assert again.status_code == 409
    missing = c.post(url, {"name": "aid_assign", "lawyer_name": "王立新"}, format="json")
    assert missing.status_code == 400
    done = c.post(
        url, {"name": "aid_assign", "lawyer_name": "王立新", "lawyer_firm": "河南鹰城律师事务所"}, format="json"
    ).json()
    assert done["status"] == AidStatus.ASSIGNED and [e["action"] for e in done["events"]][-1] == "aid_assign"
    assert LegalAidCase.objects.get(pk=data.case.pk).lawyer_firm == "河南鹰城律师事务所"


def test_the_summary_counts_the_scope(data: SimpleNamespace) -> None:
    mine = api(data.street_staff).get("/api/legal-summary/").json()
    assert (mine["communities"], mine["adviser_covered"], mine["literates"]) == (2, 1, 1)
    assert mine["cases"]["by_status"]["applied"] == 1
    theirs = api(data.other_street).get("/api/legal-summary/").json()
    assert (theirs["communities"], theirs["adviser_coverage"], theirs["cases"]["total"]) == (1, 0.0, 0)


def test_coverage_by_street_and_consultation_counts(data: SimpleNamespace) -> None:
    rows = api(data.street_staff).get("/api/legal-coverage/").json()
    assert [(r["code"], r["has_adviser"]) for r in rows] == [("410403001001", True), ("410403001002", False)]
    assert rows[0]["missing_roles"] == ["judge", "prosecutor", "police", "lawyer"]
    assert api(data.street_staff).get("/api/legal-coverage/?on=not-a-date").status_code == 400
    streets = api(data.admin).get("/api/legal-literates/by-street/").json()
    assert [(r["code"], r["count"]) for r in streets] == [("410403001", 1), ("410403002", 1)]
    today = dt.date.today().isoformat()
    counts = api(data.admin).get(f"/api/legal-consultations/counts/?date_from={today}&date_to={today}")
    assert counts.status_code == 200 and counts.json()["total"] == 0
    bad = api(data.admin).get(f"/api/legal-consultations/counts/?date_from={today}&date_to=2000-01-01")
    assert bad.status_code == 400


def test_a_consultation_names_an_adviser_the_requester_sees(data: SimpleNamespace) -> None:
    body = {
        "territory": "410403001001",
        "consulted_on": str(dt.date.today()),
        "channel": "phone",
        "topic": "工伤认定",
        "answered_by": "王立新",
        "adviser": data.adviser.pk,
    }
    created = api(data.community_staff).post("/api/legal-consultations/", body, format="json")
    assert created.status_code == 201 and created.json()["adviser"] == data.adviser.pk
    body["territory"] = "410403002001"
    assert api(data.other_street).post("/api/legal-consultations/", body, format="json").status_code == 400
    body["channel"] = "fax"
    body.pop("adviser")
    refused = api(data.other_street).post("/api/legal-consultations/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_entry"
