"""/api/volunteers/ and its siblings: scoped and filtered lists, the number masked, confirming hours, the
check-in on a slot and the figures. The schema is checked whole by api/tests/test_schema.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from wangge.volunteers.choices import HoursStatus
from wangge.volunteers.tests.factories import ActivityFactory, hours, slot

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_volunteers_are_scoped_filtered_and_masked(w: Any) -> None:
    def names(user: Any, query: str = "") -> set[str]:
        response = api(user).get(f"/api/volunteers/{query}")
        assert response.status_code == 200
        return {r["name"] for r in response.json()["results"]}

    assert names(w.worker) == {"何淑兰", "李桂香"}
    assert names(w.admin) == {"何淑兰", "李桂香", "王秀英"}
    assert names(w.admin, "?role=school_guard") == {"王秀英"}
    assert names(w.admin, f"?territory={w.grid2.code}") == {"王秀英"}
    assert names(w.stranger) == {"湛河志愿者"}
    row = api(w.worker).get(f"/api/volunteers/{w.member.pk}/").json()
    assert row["phone"] == "139****0002" and row["roles"] == ["civility"]
    assert api(w.stranger).get(f"/api/volunteers/{w.member.pk}/").status_code == 404


def test_every_list_answers(w: Any) -> None:
    for name in (
        "volunteer-roles",
        "volunteer-teams",
        "volunteer-activities",
        "volunteer-hours",
        "volunteer-posts",
        "volunteer-slots",
        "volunteer-check-ins",
    ):
        assert api(w.admin).get(f"/api/{name}/").status_code == 200, name


def test_hours_are_confirmed_by_staff_and_refused_to_others(w: Any) -> None:
    a = ActivityFactory.create(team=w.team)
    row = hours(a, w.member)
    refused = api(w.leader).post(f"/api/volunteer-hours/{row.pk}/confirm/", {}, format="json")  # sees, not manages
    assert refused.status_code == 403 and refused.json()["code"] == "not_hours_confirmer"
    done = api(w.community_staff).post(f"/api/volunteer-hours/{row.pk}/confirm/", {"note": "属实"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == HoursStatus.CONFIRMED
    assert api(w.community_staff).post(f"/api/volunteer-hours/{row.pk}/reject/", {}, format="json").status_code == 409


@freeze_time("2025-06-02 23:40:00")  # 07:40 in 平顶山: late
def test_a_check_in_on_behalf_through_the_api(w: Any) -> None:
    s = slot(w.post, w.member, dt.date(2025, 6, 3))
    response = api(w.worker).post(
        f"/api/volunteer-slots/{s.pk}/check-in/", {"lng": w.post.lng, "lat": w.post.lat}, format="json"
    )
    assert response.status_code == 200 and response.json()["is_late"] is True
    listed = api(w.worker).get("/api/volunteer-slots/?date_from=2025-06-03").json()["results"]
    assert listed[0]["check_in"]["late_minutes"] == 20
    assert api(w.other_worker).post(f"/api/volunteer-slots/{s.pk}/check-in/", {}, format="json").status_code == 404


def test_the_figures(w: Any) -> None:
    body = api(w.admin).get("/api/volunteers/figures/?territory=410403&start=2025-06-01&end=2025-06-30").json()
    assert body["volunteers"] == 3 and body["posts"] == 1
    assert {r["key"]: r["count"] for r in body["by_role"]}["opinion"] == 1
    assert api(w.admin).get("/api/volunteers/figures/?territory=nowhere").status_code == 404
