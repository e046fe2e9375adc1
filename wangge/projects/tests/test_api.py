"""The REST endpoints: scoped lists and details, create and update, steps, problems, rollup, weekly entries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wangge.projects.models import Project, ProjectProblem, WeeklyEntry
from wangge.projects.services import project_transition
from wangge.projects.tests.conftest import ROAD, new_project

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_scoped_and_filtered(world: SimpleNamespace, road: Project) -> None:
    new_project(world, name="新建公厕", type="livelihood", geometry=None)
    rows = api(world.admin).get("/api/projects/", {"type": "road"}).json()["results"]
    assert [r["code"] for r in rows] == [road.code]
    assert rows[0]["behind"] == [] or isinstance(rows[0]["behind"], list)
    assert api(world.stranger).get("/api/projects/").json()["results"] == []
    assert api(world.stranger).get(f"/api/projects/{road.pk}/").status_code == 404


def test_the_lead_unit_sees_its_project(world: SimpleNamespace, road: Project) -> None:
    body = api(world.builder).get(f"/api/projects/{road.pk}/").json()
    assert body["code"] == road.code and body["geometry"]["type"] == "LineString"
    assert body["milestones"][0]["name"] == "管网完工" and body["lead_unit"] == "zjj"
    assert api(world.other_handler).get(f"/api/projects/{road.pk}/").status_code == 404


def test_create_and_update_through_the_api(world: SimpleNamespace) -> None:
    payload = {
        "name": "彩虹路改造工程",
        "type": "road",
        "territory": "410403",
        "total_investment": "180",
        "geometry": ROAD,
        "components": [{"name": "路面", "quantity": 1800, "unit": "平方米"}],
        "milestones": [{"name": "通车", "planned_date": "2025-12-20"}],
        "lead_unit": "zjj",
    }
    created = api(world.admin).post("/api/projects/", payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["length_m"] is not None
    changed = api(world.builder).patch(f"/api/projects/{pk}/", {"location": "彩虹路全线"}, format="json")
    assert changed.status_code == 200 and changed.json()["location"] == "彩虹路全线"
    assert Project.objects.get(pk=pk).name == "彩虹路改造工程"


def test_bad_input_answers_400_and_a_foreign_territory_reads_as_missing(world: SimpleNamespace) -> None:
    bad = api(world.admin).post(
        "/api/projects/", {"name": "x", "type": "bridge", "territory": "410403", "total_investment": "1"}, format="json"
    )
    assert bad.status_code == 400
    outside = api(world.admin).post(
        "/api/projects/", {"name": "x", "type": "road", "territory": "410411", "total_investment": "1"}, format="json"
    )
    assert outside.status_code == 400 and "territory" in outside.json()["details"][0]["field"]
    misplaced = api(world.admin).post(
        "/api/projects/",
        {"name": "x", "type": "road", "territory": "410403", "total_investment": "1",
         "geometry": {"type": "LineString", "coordinates": [[114.01, 33.02], [114.02, 33.02]]}},
        format="json",
    )  # fmt: skip
    assert misplaced.status_code == 400 and misplaced.json()["code"] == "geometry_outside_territory"
    assert not Project.objects.exists()


def test_steps_through_the_api(world: SimpleNamespace, road: Project) -> None:
    steps = api(world.builder).get(f"/api/projects/{road.pk}/transitions/").json()
    assert {s["name"] for s in steps} == {"start", "suspend"}
    done = api(world.builder).post(f"/api/projects/{road.pk}/transitions/", {"name": "start"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "building"
    refused = api(world.builder).post(f"/api/projects/{road.pk}/transitions/", {"name": "accept"}, format="json")
    assert refused.status_code == 409
    forbidden = api(world.leader).post(f"/api/projects/{road.pk}/transitions/", {"name": "complete"}, format="json")
    assert forbidden.status_code == 403
    assert Project.objects.get(pk=road.pk).status == "building"


def test_weekly_entries_through_the_api(world: SimpleNamespace, road: Project) -> None:
    project_transition(actor=world.admin, project=road, name="start")
    client = api(world.builder)
    body = {"project": road.pk, "progress": 30, "invested": "100", "work_done": "管网"}
    first = client.post("/api/project-entries/", body, format="json")
    assert first.status_code == 201, first.content
    again = client.post("/api/project-entries/", {**body, "progress": 35}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    week = timezone.localdate() + dt.timedelta(days=7)
    future = client.post("/api/project-entries/", {**body, "week": week.isoformat()}, format="json")
    assert future.status_code == 400 and future.json()["code"] == "future_week"
    listed = client.get("/api/project-entries/", {"project": road.pk}).json()["results"]
    assert [r["progress"] for r in listed] == [35]
    assert api(world.stranger).get("/api/project-entries/").json()["results"] == []
    assert api(world.stranger).post("/api/project-entries/", body, format="json").status_code == 400
    assert WeeklyEntry.objects.count() == 1


def test_a_problem_through_the_api_opens_a_work_order(world: SimpleNamespace, road: Project) -> None:
    made = api(world.builder).post(
        f"/api/projects/{road.pk}/problems/", {"title": "占道", "description": "材料堆放占道"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["tracking_code"]
    listed = api(world.admin).get(f"/api/projects/{road.pk}/problems/").json()
    assert len(listed) == 1 and ProjectProblem.objects.get().work_order.grid_id == world.grid1.pk


def test_the_rollup_and_week_summary(world: SimpleNamespace, road: Project) -> None:
    r = api(world.admin).get("/api/projects/rollup/", {"territory": "410403"})
    assert r.status_code == 200 and r.json()["totals"]["count"] == 1
    assert r.json()["totals"]["total_investment"] == "420.00"
    assert api(world.admin).get("/api/projects/rollup/", {"as_of": "nonsense"}).status_code == 400
    assert api(world.admin).get("/api/projects/rollup/", {"territory": "410411"}).status_code == 404
    w = api(world.admin).get("/api/projects/week-summary/")
    assert w.status_code == 200 and "missing" in w.json()


def test_anonymous_is_refused() -> None:
    assert APIClient().get("/api/projects/").status_code == 401
