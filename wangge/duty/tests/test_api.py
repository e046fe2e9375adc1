"""/api/duty-…: scoped lists, the duty now, the check-in, the depots with their shortfall, stock-takes created,
teams with masked phones, plans with versions, drills and 会商 created; the schema documents them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from wangge.core.actors import SYSTEM
from wangge.duty.choices import DepotKind, DutyRole, PlanKind, TeamKind
from wangge.duty.models import Consultation, DutyAssignment, Stock
from wangge.duty.services import (
    depot_create,
    duty_roster_create,
    duty_roster_generate,
    plan_create,
    plan_revise,
    supply_norm_set,
    team_create,
)

from .conftest import local


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def filled(w: SimpleNamespace) -> SimpleNamespace:
    w.roster = duty_roster_create(actor=w.admin, name="区防汛值班", territory=w.district, unit=w.centre)
    duty_roster_generate(
        actor=w.admin,
        roster=w.roster,
        start=dt.date(2025, 9, 29),
        end=dt.date(2025, 9, 29),
        leaders=[w.leader],
        officers=[w.worker],
    )
    w.depot = depot_create(
        actor=w.street_staff,
        name="优越路储备点",
        kind=DepotKind.STREET,
        territory=w.street,
        custodian=w.worker,
        custodian_phone="13900001234",
    )
    supply_norm_set(actor=SYSTEM, item="life_jacket", quantity_required=50, depot_kind=DepotKind.STREET)
    w.team = team_create(
        actor=w.admin,
        name="应急救援大队",
        kind=TeamKind.PROFESSIONAL,
        territory=w.district,
        leader_name="马振华",
        leader_phone="13800004341",
        members=45,
        equipment=[("冲锋舟", 2, "艘")],
    )
    plan = plan_create(
        actor=w.admin,
        title="防汛预案",
        kind=PlanKind.SPECIAL,
        territory=w.district,
        version="1.0",
        effective_on=dt.date(2024, 6, 1),
    )
    plan_revise(actor=w.admin, plan=plan, version="2.0", effective_on=dt.date(2025, 6, 1))
    return w


def test_lists_are_scoped_and_another_district_sees_nothing(filled):
    w = filled
    for url in ("/api/duty-rosters/", "/api/duty-shifts/", "/api/duty-depots/", "/api/duty-teams/", "/api/duty-plans/"):
        assert api(w.leader).get(url).json()["count"] >= 1, url
        assert api(w.stranger).get(url).json()["count"] == 0, url
    assert api(w.stranger).get(f"/api/duty-depots/{w.depot.pk}/").status_code == 404
    assert api(w.stranger).get(f"/api/duty-rosters/{w.roster.pk}/").status_code == 404
    assert APIClient().get("/api/duty-shifts/").status_code in (401, 403)


def test_shifts_name_the_people_with_masked_phones(filled):
    body = api(filled.leader).get("/api/duty-shifts/?day_from=2025-09-29&day_to=2025-09-29").json()
    assert body["count"] == 2
    people = body["results"][0]["assignments"]
    assert {p["role"] for p in people} == {DutyRole.LEADER, DutyRole.OFFICER}
    assert all(p["phone"] in ("", "138****1111") for p in people)


def test_the_duty_now_and_the_check_in(filled):
    w = filled
    a = DutyAssignment.objects.get(shift__pattern__key="day", role=DutyRole.OFFICER)
    with freeze_time(local(2025, 9, 29, 8, 20)):
        done = api(w.worker).post(
            f"/api/duty-assignments/{a.pk}/check-in/", {"lng": 113.01, "lat": 33.02}, format="json"
        )
        assert done.status_code == 200 and done.json()["checked_in_at"]
        again = api(w.worker).post(f"/api/duty-assignments/{a.pk}/check-in/", {}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "already_checked_in"
        leader_post = DutyAssignment.objects.get(shift=a.shift, role=DutyRole.LEADER)
        other = api(w.worker).post(f"/api/duty-assignments/{leader_post.pk}/check-in/", {}, format="json")
        assert other.status_code in (403, 404)
    with freeze_time(local(2025, 9, 29, 10, 0)):
        now = api(w.leader).get("/api/duty-shifts/current/?territory=410403").json()
    assert len(now) == 1 and now[0]["shift"] == "白班"
    assert now[0]["officers"][0]["checked_in"] is True and now[0]["leaders"][0]["missing"] is True
    assert api(w.stranger).get("/api/duty-shifts/current/?territory=410403").status_code == 404


def test_depots_show_stock_norm_and_shortfall_and_a_stocktake_is_created(filled):
    w = filled
    made = api(w.worker).post(
        "/api/duty-stocktakes/",
        {"depot": w.depot.pk, "taken_on": "2025-07-19", "counts": {"life_jacket": 30}},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["lines"][0]["difference"] == "30.00"
    assert Stock.objects.get(depot=w.depot, item__key="life_jacket").quantity == 30
    depot = api(w.leader).get(f"/api/duty-depots/{w.depot.pk}/").json()
    assert depot["custodian_phone"] == "139****1234"
    rows = {r["item_key"]: r for r in depot["supplies"]}
    assert rows["life_jacket"]["norm"] == "50.00" and rows["life_jacket"]["shortfall"] == "20.00"
    refused = api(w.stranger).post(
        "/api/duty-stocktakes/",
        {"depot": w.depot.pk, "taken_on": "2025-07-19", "counts": {"life_jacket": 1}},
        format="json",
    )
    assert refused.status_code == 404
    bad = api(w.worker).post(
        "/api/duty-stocktakes/",
        {"depot": w.depot.pk, "taken_on": "2025-07-19", "counts": {"life_jacket": -1}},
        format="json",
    )
    assert bad.status_code == 400
    assert Stock.objects.get(depot=w.depot, item__key="life_jacket").quantity == 30


def test_teams_leave_with_masked_phones_and_plans_with_their_versions(filled):
    team = api(filled.leader).get("/api/duty-teams/").json()["results"][0]
    assert team["leader_phone"] == "138****4341" and team["equipment"][0]["name"] == "冲锋舟"
    plan = api(filled.leader).get("/api/duty-plans/").json()["results"][0]
    assert [(v["version"], v["current"]) for v in plan["versions"]] == [("2.0", True), ("1.0", False)]


def test_drills_and_consultations_are_created_by_keepers_only(filled):
    w = filled
    drill = api(w.admin).post(
        "/api/duty-drills/",
        {
            "held_on": "2025-07-19",
            "title": "实战演练",
            "territory": "410403",
            "participants": 100,
            "scenario": "桥涵积水",
            "units": [w.centre.pk],
        },
        format="json",
    )
    assert drill.status_code == 201, drill.content
    body = {
        "held_at": "2025-07-19T09:00:00+08:00",
        "territory": "410403",
        "topic": "防汛会商",
        "convened_by": "区委书记",
        "attendees": "成员单位",
        "situation": "强降雨",
        "decisions": "加密会商",
    }
    assert api(w.leader).post("/api/duty-consultations/", body, format="json").status_code == 403
    assert api(w.stranger).post("/api/duty-consultations/", body, format="json").status_code == 400  # node unseen
    made = api(w.admin).post("/api/duty-consultations/", body, format="json")
    assert made.status_code == 201 and Consultation.objects.count() == 1
    assert api(w.admin).get("/api/duty-consultations/").json()["count"] == 1


def test_the_schema_documents_the_duty_endpoints(w):
    response = api(w.admin).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for p in (
        "/api/duty-shifts/current/",
        "/api/duty-assignments/{id}/check-in/",
        "/api/duty-stocktakes/",
        "/api/duty-depots/",
    ):
        assert p in paths, p
