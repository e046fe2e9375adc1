"""The REST endpoints of 党建引领: organisations, members (names only) and 包片, scoped; out of scope is 404."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from wangge.party.services import cadre_area_assign

pytestmark = pytest.mark.django_db


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_organisations_are_listed_in_scope(w: SimpleNamespace) -> None:
    rows = api(w.admin).get("/api/party-organisations/").json()["results"]
    assert {r["name"] for r in rows} == {"甲社区党委", "第一网格党支部", "一号楼党小组", "党员甲中心户"}
    committee = next(r for r in rows if r["level"] == "committee")
    assert committee["members"] == 1 and committee["territory"] == w.community.code
    assert api(w.stranger).get("/api/party-organisations/").json()["count"] == 0
    assert api(w.stranger).get(f"/api/party-organisations/{w.committee.pk}/").status_code == 404
    filtered = api(w.admin).get("/api/party-organisations/", {"org_level": "group"}).json()
    assert [r["name"] for r in filtered["results"]] == ["一号楼党小组"]


def test_members_carry_their_name_and_links_but_no_personal_numbers(w: SimpleNamespace) -> None:
    body = api(w.community_staff).get(f"/api/party-members/{w.member.pk}/").json()
    assert body["name"] == "党员甲" and body["role"] == "group_leader" and "id_number" not in body
    assert api(w.worker).get(f"/api/party-members/{w.secretary.pk}/").status_code == 404


def test_cadre_areas_are_listed(w: SimpleNamespace) -> None:
    cadre_area_assign(actor=w.admin, cadre=w.worker, territory=w.grid)
    rows = api(w.admin).get("/api/party-cadre-areas/").json()["results"]
    assert [(r["cadre"], r["territory"]) for r in rows] == [("worker", w.grid.code)]
    assert api(w.stranger).get("/api/party-cadre-areas/").json()["count"] == 0
    assert api(None).get("/api/party-cadre-areas/").status_code == 401
