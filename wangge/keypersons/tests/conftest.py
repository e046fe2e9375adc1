"""A small district for the 重点人员 ledger: two grids of one community, a district elsewhere, residents made
directly with the ledger models, and one account for each kind of reader that must (or must not) see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.actors import SYSTEM
from wangge.core.crypto import blind_index
from wangge.core.validators import id_number_checksum
from wangge.keypersons.models import KeyPerson, KeyPersonCategory
from wangge.keypersons.schedule import today
from wangge.keypersons.services import key_person_create
from wangge.ledgers.models import Resident
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

IP = "127.0.0.1"  # the test client's address


def _square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def _node(parent: Territory | None, code: str, name: str, kind: str, x0: float, size: float) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": _square(x0, 33.0, size)}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str | None, territory: Territory | None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, **extra)
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, territory=territory)
    return user


def id_number(serial: int, born: str = "19800101") -> str:
    first17 = f"410403{born}{serial:03d}"
    return first17 + id_number_checksum(first17)


def make_resident(grid: Territory, name: str, serial: int, phone: str = "13800001234", **extra: Any) -> Resident:
    number = id_number(serial)
    return Resident.objects.create(
        name=name,
        id_number=number,
        id_number_index=blind_index(number),
        phone=phone,
        phone_index=blind_index(phone),
        grid=grid,
        **extra,
    )


@pytest.fixture
def kp_world(db: Any) -> SimpleNamespace:
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, 113.0, 0.1)
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET, 113.0, 0.1)
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, 113.0, 0.1)
    grid1 = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, 113.0, 0.05)
    grid2 = _node(community, "410403001001002", "二网格", TerritoryKind.GRID, 113.05, 0.05)
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, 114.0, 0.1)
    other_grid = _node(other, "410411001", "湛河一网格", TerritoryKind.GRID, 114.0, 0.05)
    w = SimpleNamespace(
        district=district,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other=other,
        other_grid=other_grid,
        officer=_user("officer", Role.KEY_PERSON_OFFICER, community),
        grid_officer=_user("grid_officer", Role.KEY_PERSON_OFFICER, grid2),
        other_officer=_user("other_officer", Role.KEY_PERSON_OFFICER, other),
        worker=_user("worker", Role.GRID_WORKER, grid1),
        grid_leader=_user("grid_leader", Role.GRID_LEADER, grid1),
        leader=_user("leader", Role.LEADER, district),
        admin=_user("admin", Role.ADMIN, district),
        inspector=_user("inspector", Role.INSPECTOR, district),
        other_inspector=_user("other_inspector", Role.INSPECTOR, other),
        superuser=_user("root", None, None, is_superuser=True, is_staff=True),
        category=KeyPersonCategory.objects.get(key="drug_user"),  # seeded: every 30 days
        petitioner=KeyPersonCategory.objects.get(key="petitioner"),  # seeded: every 15 days
    )
    w.zhang = make_resident(grid1, "张测试", 1)
    w.li = make_resident(grid2, "李测试", 2)
    w.wang = make_resident(other_grid, "王测试", 3)
    w.kp = key_person_create(
        actor=SYSTEM, resident=w.zhang, category=w.category, started_on=today() - dt.timedelta(days=10), notes="在管"
    )
    return w


# Every account that must not see a key person of 一网格 (测试社区).
OUTSIDERS = ["worker", "grid_leader", "leader", "admin", "inspector", "superuser", "other_officer", "grid_officer"]


@pytest.fixture
def web_as(db: Any) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_as(db: Any) -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        _token, raw = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    return make


def fingerprint(kp: KeyPerson) -> tuple[Any, ...]:
    kp.refresh_from_db()
    return (kp.status, kp.level, kp.notes, kp.next_visit_due, kp.last_visit_at, kp.ended_on, kp.visits.count())
