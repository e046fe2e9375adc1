"""A small flood-season world: one district with a street, a community and two grids, their grid workers and
网格长, community and street staff, the command centre, a point with a responsible person who has no account,
households with and without a phone, and a second district."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.crypto import blind_index
from wangge.ledgers.choices import Relation
from wangge.ledgers.models import Household, Resident
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 7, 20, 8, 0, tzinfo=TZ)


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def _node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str, territory: Territory, mobile: str = "") -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username)
    if mobile:
        user.mobile = mobile
        user.save()
    RoleGrant.objects.create(user=user, role=role, territory=territory)
    return user


def _household(code: str, grid: Territory, phone: str = "") -> Household:
    h = Household.objects.create(code=code, grid=grid, address=f"测试路 {code} 号")
    r = Resident.objects.create(
        name=f"住户{code}",
        grid=grid,
        household=h,
        relation=Relation.HEAD,
        phone=phone,
        phone_index=blind_index(phone) if phone else "",
    )
    h.head = r
    h.save()
    return h


@pytest.fixture
def fw(db: Any) -> SimpleNamespace:
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = _node(community, "410403001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    other_grid = _node(
        _node(
            _node(other, "410411001", "他街道", TerritoryKind.STREET, square(114.0, 33.0, 0.1)),
            "410411001001",
            "他社区",
            TerritoryKind.COMMUNITY,
            square(114.0, 33.0, 0.1),
        ),
        "410411001001001",
        "他网格",
        TerritoryKind.GRID,
        square(114.0, 33.0, 0.1),
    )
    ptype, _ = PointType.objects.get_or_create(key="underpass", defaults={"name": "下穿通道", "is_hazard": True})
    w = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        other_grid=other_grid,
        dispatcher=_user("dispatcher", Role.DISPATCHER, district),
        leader=_user("leader", Role.LEADER, district),
        inspector=_user("inspector", Role.INSPECTOR, district),
        worker1=_user("worker1", Role.GRID_WORKER, grid1, mobile="13800000001"),
        worker2=_user("worker2", Role.GRID_WORKER, grid2),
        grid_leader1=_user("grid_leader1", Role.GRID_LEADER, grid1),
        community_staff=_user("community_staff", Role.COMMUNITY_STAFF, community),
        street_staff=_user("street_staff", Role.STREET_STAFF, street),
        other_worker=_user("other_worker", Role.GRID_WORKER, other_grid),
        stranger=_user("stranger", Role.DISPATCHER, other),
    )
    w.point = Point.objects.create(
        code="P-XC-001",
        name="建设路下穿通道",
        type=ptype,
        lng=113.01,
        lat=33.01,
        territory=grid1,
        grid=grid1,
        responsible_name="王责任",
        responsible_phone="13900000009",
    )
    w.house_a = _household("H1", grid1, "13700000001")
    w.house_b = _household("H2", grid2, "13700000002")
    w.house_c = _household("H3", grid2)  # no phone on record
    w.house_other = _household("H9", other_grid, "13700000009")
    return w


def issue(w: SimpleNamespace, level: str = "orange", **kw: Any) -> Any:
    from wangge.emergency.services import warning_issue

    fields: dict[str, Any] = {
        "actor": w.dispatcher,
        "hazard_type": "rainstorm",
        "level": level,
        "text": "预计未来 6 小时卫东区累计降雨量将达 60 毫米以上，请做好防范。",
        "nodes": [w.district],
        "now": T0,
    }
    fields.update(kw)
    return warning_issue(**fields)
