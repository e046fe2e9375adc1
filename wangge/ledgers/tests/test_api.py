"""The 基础台账 through /api/: scope (404 out of scope), masked numbers unless revealed (and each reveal audited),
exact search through the blind index, writes through the services (create, move, archive)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.ledgers import services
from wangge.ledgers.choices import MoveKind, Relation, ResidentStatus
from wangge.ledgers.models import ResidenceChange, Resident
from wangge.ledgers.tests.factories import (
    BuildingFactory,
    MerchantFactory,
    ResidentFactory,
    credit_code,
    id_number,
    ledger_world,
    place_household,
)

pytestmark = pytest.mark.django_db

IP = "203.0.113.9"
NUMBER = id_number(dt.date(1958, 4, 1), male=True, seq=7)
MASKED = f"{NUMBER[:6]}********{NUMBER[-4:]}"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    w = ledger_world()
    w.household = place_household(w.grid)
    w.resident = services.resident_create(
        actor=SYSTEM,
        name="张建国",
        id_number=NUMBER,
        phone="13912345678",
        household=w.household,
        relation=Relation.HEAD,
        tags=["党员", "退役军人"],
    )
    w.theirs = ResidentFactory.create(grid=w.grid2, name="李二网格", phone="13600136000")
    return w


def client(user: Any) -> APIClient:
    api = APIClient()
    _token, raw = AuthToken.objects.create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="api.reveal"))


# -- reading ------------------------------------------------------------------------------------------------------


def test_numbers_are_masked_unless_asked_and_nothing_is_audited(w: SimpleNamespace) -> None:
    body = client(w.worker).get(f"/api/residents/{w.resident.pk}/").json()

    assert body["id_number"] == MASKED
    assert body["phone"] == "139****5678"
    assert body["gender"] == "M" and body["birth_date"] == "1958-04-01"
    assert sorted(body["tags"]) == ["party_member", "veteran"]
    assert [m["kind"] for m in body["moves"]] == [MoveKind.REGISTER]
    assert reveals() == []


def test_reveal_shows_the_full_numbers_and_writes_one_entry(w: SimpleNamespace) -> None:
    body = client(w.worker).get(f"/api/residents/{w.resident.pk}/?reveal=1", REMOTE_ADDR=IP).json()

    assert body["id_number"] == NUMBER and body["phone"] == "13912345678"
    [entry] = reveals()
    assert entry.actor == w.worker and entry.ip == IP
    assert entry.after == {
        "revealed": [{"model": "ledgers.resident", "ids": [str(w.resident.pk)], "fields": ["id_number", "phone"]}]
    }


def test_reveal_is_refused_to_who_may_not_reveal(w: SimpleNamespace) -> None:
    body = client(w.leader).get(f"/api/residents/{w.resident.pk}/?reveal=true").json()

    assert body["id_number"] == MASKED and body["phone"] == "139****5678"
    assert reveals() == []


def test_out_of_scope_is_not_found(w: SimpleNamespace) -> None:
    api = client(w.worker)

    assert api.get(f"/api/residents/{w.theirs.pk}/").status_code == 404
    assert api.patch(f"/api/residents/{w.theirs.pk}/", {"name": "改"}, format="json").status_code == 404
    assert api.post(f"/api/residents/{w.theirs.pk}/archive/", {"reason": "deceased"}, format="json").status_code == 404
    assert client(w.stranger).get(f"/api/households/{w.household.pk}/").status_code == 404
    names = {r["name"] for r in api.get("/api/residents/").json()["results"]}
    assert names == {"张建国"}


def test_exact_search_through_the_blind_index(w: SimpleNamespace) -> None:
    api = client(w.community_staff)

    by_id = api.get("/api/residents/", {"id_number": NUMBER.lower()}).json()["results"]
    by_phone = api.get("/api/residents/", {"phone": "+86 139 1234 5678"}).json()["results"]
    partial = api.get("/api/residents/", {"id_number": NUMBER[:10]}).json()["results"]
    hidden = client(w.stranger).get("/api/residents/", {"id_number": NUMBER}).json()["results"]

    assert [r["id"] for r in by_id] == [w.resident.pk]
    assert [r["id"] for r in by_phone] == [w.resident.pk]
    assert partial == [] and hidden == []


def test_filters_by_territory_tag_and_name(w: SimpleNamespace) -> None:
    api = client(w.community_staff)

    def ids(**params: Any) -> set[int]:
        return {r["id"] for r in api.get("/api/residents/", params).json()["results"]}

    assert ids(territory=w.grid.code) == {w.resident.pk}
    assert ids(territory=w.community.code) == {w.resident.pk, w.theirs.pk}
    assert ids(tag="veteran") == {w.resident.pk}
    assert ids(q="二网格") == {w.theirs.pk}
    assert ids(household=w.household.pk) == {w.resident.pk}
    assert ids(status=ResidentStatus.DECEASED) == set()


# -- writing -------------------------------------------------------------------------------------------------------


def test_create_a_resident_in_own_grid(w: SimpleNamespace) -> None:
    number = id_number(dt.date(2001, 9, 9), male=False)
    response = client(w.worker).post(
        "/api/residents/",
        {"name": "王小红", "id_number": number, "household": w.household.pk, "relation": "child", "tags": ["志愿者"]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["gender"] == "F" and body["birth_date"] == "2001-09-09"
    assert body["grid_code"] == w.grid.code and body["tags"] == ["volunteer"]
    assert body["id_number"] != number  # the answer is masked too


def test_create_refusals(w: SimpleNamespace) -> None:
    api = client(w.worker)
    bad = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")

    wrong_digit = api.post("/api/residents/", {"name": "甲", "id_number": bad, "grid": w.grid.code}, format="json")
    duplicate = api.post("/api/residents/", {"name": "乙", "id_number": NUMBER, "grid": w.grid.code}, format="json")
    elsewhere = api.post("/api/residents/", {"name": "丙", "grid": w.grid2.code}, format="json")

    assert wrong_digit.status_code == 400 and wrong_digit.json()["code"] == "invalid_id_number"
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "resident_exists"
    assert elsewhere.status_code == 400  # a grid the worker does not see is no grid at all
    assert Resident.objects.count() == 2


def test_move_and_archive(w: SimpleNamespace) -> None:
    api = client(w.community_staff)
    target = place_household(w.grid2)

    moved = api.post(
        f"/api/residents/{w.resident.pk}/move/", {"to_household": target.pk, "note": "搬家"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["grid_code"] == w.grid2.code
    assert [m["kind"] for m in moved.json()["moves"]] == [MoveKind.REGISTER, MoveKind.MOVE]

    archived = api.post(f"/api/residents/{w.resident.pk}/archive/", {"reason": "moved_away"}, format="json")
    assert archived.status_code == 200
    assert archived.json()["status"] == ResidentStatus.MOVED_AWAY and archived.json()["household"] is None
    assert Resident.objects.filter(pk=w.resident.pk).exists()
    assert ResidenceChange.objects.filter(resident=w.resident).count() == 3

    again = api.post(f"/api/residents/{w.resident.pk}/archive/", {"reason": "moved_away"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "resident_archived"


def test_a_leader_reads_but_does_not_keep_the_ledger(w: SimpleNamespace) -> None:
    api = client(w.leader)

    assert api.get(f"/api/residents/{w.resident.pk}/").status_code == 200
    response = api.patch(f"/api/residents/{w.resident.pk}/", {"name": "改"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "record_denied"


def test_buildings_households_and_merchants(w: SimpleNamespace) -> None:
    api = client(w.worker)

    building = api.post("/api/buildings/", {"grid": w.grid.code, "name": "9号楼", "floors": 11}, format="json")
    assert building.status_code == 201, building.json()
    household = api.post(
        "/api/households/", {"building": building.json()["id"], "unit_no": "1", "room": "1101"}, format="json"
    )
    assert household.status_code == 201, household.json()
    assert household.json()["address"].endswith("9号楼1单元1101")

    merchant = api.post(
        "/api/merchants/",
        {"grid": w.grid.code, "name": "老王面馆", "credit_code": credit_code(), "contact_phone": "13700001234"},
        format="json",
    )
    assert merchant.status_code == 201, merchant.json()
    assert merchant.json()["contact_phone"] == "137****1234"
    closed = api.post(f"/api/merchants/{merchant.json()['id']}/close/", {}, format="json")
    assert closed.json()["status"] == "closed"


def test_building_and_merchant_phones_reveal(w: SimpleNamespace) -> None:
    building = BuildingFactory.create(grid=w.grid, head_phone="13800138001")
    MerchantFactory.create(grid=w.grid, contact_phone="13700137000")
    api = client(w.worker)

    assert api.get(f"/api/buildings/{building.pk}/").json()["head_phone"] == "138****8001"
    assert api.get(f"/api/buildings/{building.pk}/?reveal=true").json()["head_phone"] == "13800138001"
    listed = api.get("/api/merchants/?reveal=true").json()["results"]
    assert [m["contact_phone"] for m in listed] == ["13700137000"]
    assert len(reveals()) == 2


def test_only_administrators_change_the_tag_dictionary(w: SimpleNamespace) -> None:
    denied = client(w.worker).post("/api/resident-tags/", {"key": "hearing", "name": "听障"}, format="json")
    created = client(w.admin).post("/api/resident-tags/", {"key": "hearing", "name": "听障"}, format="json")

    assert denied.status_code == 403 and denied.json()["code"] == "admin_required"
    assert created.status_code == 201
    keys = {t["key"] for t in client(w.worker).get("/api/resident-tags/?page_size=100").json()["results"]}
    assert "hearing" in keys and "dibao" in keys


def test_a_building_put_in_another_grid_takes_its_households(w: SimpleNamespace) -> None:
    api = client(w.community_staff)

    response = api.patch(f"/api/buildings/{w.household.building_id}/", {"grid": w.grid2.code}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["grid_code"] == w.grid2.code
    assert api.get(f"/api/households/{w.household.pk}/").json()["grid_code"] == w.grid2.code
    refused = client(w.worker).patch(f"/api/buildings/{w.household.building_id}/", {"name": "改"}, format="json")
    assert refused.status_code == 404  # it left the worker's grid
