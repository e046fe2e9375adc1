"""The API: meetings scoped by territory, tasks scoped to the unit, the transitions endpoint, the schema."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.meetings.models import Meeting, Task

from .conftest import split

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_meetings_list_detail_create_scoped(mt: SimpleNamespace) -> None:
    split(mt)
    c = api(mt.dispatcher)
    listed = c.get("/api/meetings/").json()
    assert [m["id"] for m in listed["results"]] == [mt.meeting.pk]
    detail = c.get(f"/api/meetings/{mt.meeting.pk}/").json()
    assert detail["issues"][0]["title"] == "建设路背街小巷垃圾堆积" and len(detail["tasks"]) == 1
    body = {"territory": mt.district.code, "held_on": "2025-06-04", "attendees": [mt.leader.pk], "units": [mt.dept.pk]}
    r = c.post("/api/meetings/", body, format="json")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    assert r.json()["attendees"] == [{"id": mt.leader.pk, "name": "leader"}] and r.json()["units"] == [mt.dept.pk]
    assert api(mt.stranger).get(f"/api/meetings/{mt.meeting.pk}/").status_code == 404
    r = api(mt.street_staff).post(
        "/api/meetings/", {"territory": mt.street2.code, "held_on": "2025-06-04"}, format="json"
    )
    assert r.status_code == 400
    assert Meeting.objects.count() == 2


def test_tasks_filter_and_transitions(mt: SimpleNamespace) -> None:
    mine, theirs = split(
        mt,
        {"unit": mt.dept, "requirement": "清运", "deadline": "2025-06-04"},
        {"unit": mt.dept2, "requirement": "修补", "deadline": "2099-12-31"},
    )
    c = api(mt.handler)
    assert [t["id"] for t in c.get("/api/meeting-tasks/").json()["results"]] == [mine.pk]
    assert c.get(f"/api/meeting-tasks/{theirs.pk}/").status_code == 404
    assert [t["id"] for t in api(mt.dispatcher).get(f"/api/meeting-tasks/?unit={mt.dept2.pk}").json()["results"]] == [
        theirs.pk
    ]
    assert [t["id"] for t in api(mt.dispatcher).get("/api/meeting-tasks/?overdue=true").json()["results"]] == [mine.pk]
    steps = c.get(f"/api/meeting-tasks/{mine.pk}/transitions/").json()
    assert [s["name"] for s in steps] == ["sign", "return"]
    r = c.post(f"/api/meeting-tasks/{mine.pk}/transitions/", {"name": "sign"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "signed" and r.json()["events"][-1]["action"] == "sign"
    r = c.post(f"/api/meeting-tasks/{mine.pk}/transitions/", {"name": "sign"}, format="json")
    assert r.status_code == 409
    r = c.post(f"/api/meeting-tasks/{mine.pk}/transitions/", {"name": "report"}, format="json")
    assert r.status_code == 400  # the result is required
    r = c.post(f"/api/meeting-tasks/{mine.pk}/transitions/", {"name": "close"}, format="json")
    assert r.status_code in (403, 409)
    assert Task.objects.get(pk=mine.pk).status == "signed"


def test_the_schema_documents_the_endpoints(mt: SimpleNamespace) -> None:
    r = api(mt.dispatcher).get("/api/schema/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "/api/meetings/" in body and "/api/meeting-tasks/{id}/transitions/" in body
