"""The REST endpoints of 共商共治: meetings with resolutions and tasks, the task step, 红色物业 and 分包; scoped."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_meetings_with_their_resolutions_and_tasks(w: SimpleNamespace) -> None:
    body = api(w.community_staff).get(f"/api/cogov-meetings/{w.meeting.pk}/").json()
    assert body["kind"] == "deliberation" and [r["number"] for r in body["resolutions"]] == [1, 2]
    assert {t["title"] for t in body["tasks"]} == {"施划停车位", "张贴公约"}
    assert api(w.stranger).get(f"/api/cogov-meetings/{w.meeting.pk}/").status_code == 404


def test_a_task_step_through_the_api(w: SimpleNamespace) -> None:
    url = f"/api/cogov-tasks/{w.own_task.pk}/step/"
    assert api(w.worker).post(url, {"step": "complete"}, format="json").status_code == 400
    done = api(w.worker).post(url, {"step": "complete", "result": "已张贴"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api(w.worker).post(url, {"step": "complete", "result": "x"}, format="json").status_code == 409
    assert api(w.worker).get("/api/cogov-tasks/").json()["count"] == 1  # the owner sees their own task
    assert api(w.admin).get("/api/cogov-tasks/", {"status": "open"}).json()["count"] == 1


def test_properties_and_assignments(w: SimpleNamespace) -> None:
    prop = api(w.admin).get("/api/cogov-properties/").json()["results"][0]
    assert prop["company"] == "红心物业" and prop["figures"]["ratings"] == 0
    rows = api(w.admin).get("/api/cogov-assignments/").json()["results"]
    assert {r["kind"] for r in rows} == {"community", "road"}
    assert api(w.stranger).get("/api/cogov-assignments/").json()["count"] == 0
    assert api(w.unit_member).get("/api/cogov-assignments/").json()["count"] == 1
