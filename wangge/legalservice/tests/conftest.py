"""A small district for the public legal service: two streets, three communities, four grids, and staff at each
level (community, street, district administrator, a leader who only views, staff of the other street)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.actors import SYSTEM
from wangge.legalservice.choices import AidMatter
from wangge.legalservice.models import LegalAidCase
from wangge.legalservice.services import legal_aid_apply
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar

TZ = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number (check character X)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def _node(parent: Territory | None, code: str, name: str, kind: str) -> Territory:
    fields = {"code": code, "name": name, "kind": kind}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def user(username: str, role: str, territory: Territory) -> User:
    u = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username)
    RoleGrant.objects.create(user=u, role=role, territory=territory)
    return u


@pytest.fixture
def lw(db: Any) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT)
    s1 = _node(district, "410403001", "东安路街道", TerritoryKind.STREET)
    s2 = _node(district, "410403002", "五一路街道", TerritoryKind.STREET)
    c1 = _node(s1, "410403001001", "华西社区", TerritoryKind.COMMUNITY)
    c2 = _node(s1, "410403001002", "建新社区", TerritoryKind.COMMUNITY)
    c3 = _node(s2, "410403002001", "光明社区", TerritoryKind.COMMUNITY)
    g1 = _node(c1, "410403001001001", "华西一网格", TerritoryKind.GRID)
    g2 = _node(c1, "410403001001002", "华西二网格", TerritoryKind.GRID)
    g3 = _node(c2, "410403001002001", "建新一网格", TerritoryKind.GRID)
    g4 = _node(c3, "410403002001001", "光明一网格", TerritoryKind.GRID)
    return SimpleNamespace(
        district=district,
        s1=s1,
        s2=s2,
        c1=c1,
        c2=c2,
        c3=c3,
        g1=g1,
        g2=g2,
        g3=g3,
        g4=g4,
        community_staff=user("community_staff", Role.COMMUNITY_STAFF, c1),
        street_staff=user("street_staff", Role.STREET_STAFF, s1),
        other_street=user("other_street", Role.STREET_STAFF, s2),
        admin=user("district_admin", Role.ADMIN, district),
        leader=user("leader", Role.LEADER, district),
        worker=user("worker", Role.GRID_WORKER, g1),
    )


def apply(w: SimpleNamespace, **kw: Any) -> LegalAidCase:
    fields: dict[str, Any] = {
        "actor": w.community_staff,
        "territory": w.c1,
        "applicant_name": "赵桂芝",
        "applicant_id_number": ID_NUMBER,
        "applicant_phone": "13900001111",
        "matter": AidMatter.WAGES,
        "summary": "在工地务工三个月未领到工资，约 2.4 万元。",
        "received_at": local(2025, 6, 3, 9, 0),
        "now": local(2025, 6, 3, 10, 0),
    }
    fields.update(kw)
    return legal_aid_apply(**fields)


__all__ = ["ID_NUMBER", "SYSTEM", "apply", "local", "lw", "user"]
