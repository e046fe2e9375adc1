"""A small 湛河区 for campaign tests: one street, one community, two square grids, four bridges, units and staff,
and a running 桥涵 campaign (``cw``)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.campaigns.models import Campaign
from wangge.campaigns.services import campaign_create, campaign_transition
from wangge.core.actors import SYSTEM
from wangge.places.models import PointType
from wangge.places.services import point_create, point_types_seed
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar
from wangge.workorders import catalog

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 10, 20, 9, 0, tzinfo=TZ)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def _node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, unit=unit)
    RoleGrant.objects.create(user=user, role=role, territory=territory, unit=unit if territory is None else None)
    return user


CHECKLIST = [
    {"text": "桥下无垃圾杂物堆积", "opens_case": True, "category_code": "E0102"},
    {"text": "墙体无小广告", "opens_case": True, "category_code": "E0201"},
    {"text": "护栏完好", "opens_case": False, "category_code": ""},
]


@pytest.fixture
def cw(db: Any) -> SimpleNamespace:
    from wangge.territory import locator

    seed_calendar(years=range(2025, 2027))
    district = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = _node(district, "410411001", "姚孟街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = _node(street, "410411001001", "李乡宦村", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = _node(community, "410411001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = _node(community, "410411001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    # Roots are ordered by code: adding 卫东区 moved 湛河区's subtree, so read the nodes again.
    district, street, community, grid1, grid2, other = (
        Territory.objects.get(pk=n.pk) for n in (district, street, community, grid1, grid2, other)
    )
    locator.invalidate()
    catalog.category_seed()
    point_types_seed()
    centre = Unit.objects.create(code="zhzx", name="区指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district)
    zjj = Unit.objects.create(code="zjj", name="区住建局", kind=UnitKind.DEPARTMENT, territory=district)
    cgj = Unit.objects.create(code="cgj", name="区城管局", kind=UnitKind.DEPARTMENT, territory=district)
    jtj = Unit.objects.create(code="jtj", name="区交通运输局", kind=UnitKind.DEPARTMENT, territory=district)
    bridges = [
        point_create(
            actor=SYSTEM,
            code=f"B{i}",
            name=f"测试桥涵{i}",
            type="bridge",
            lng=113.01 + 0.05 * (i % 2),
            lat=33.01 + 0.005 * i,
            responsible_name="张三",
            responsible_unit=zjj if i < 3 else jtj,
        )
        for i in range(4)
    ]
    school = point_create(
        actor=SYSTEM, code="S1", name="测试学校", type="school", lng=113.02, lat=33.02, responsible_name="李四"
    )
    w = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        centre=centre,
        zjj=zjj,
        cgj=cgj,
        jtj=jtj,
        bridges=bridges,
        school=school,
        bridge_type=PointType.objects.get(key="bridge"),
        admin=_user("admin", Role.ADMIN, territory=district),
        street_staff=_user("street_staff", Role.STREET_STAFF, territory=street),
        worker=_user("worker", Role.GRID_WORKER, territory=grid1),
        worker2=_user("worker2", Role.GRID_WORKER, territory=grid2),
        dispatcher=_user("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        handler=_user("handler", Role.DEPT_HANDLER, unit=cgj),
        zjj_handler=_user("zjj_handler", Role.DEPT_HANDLER, unit=zjj),
        leader=_user("leader", Role.LEADER, territory=district),
        stranger=_user("stranger", Role.STREET_STAFF, territory=other),
    )
    return w


def make_campaign(w: SimpleNamespace, **kw: Any) -> Campaign:
    fields: dict[str, Any] = {
        "actor": w.admin,
        "name": "桥涵整治提升",
        "kind": "facility",
        "territory": w.district,
        "start_date": dt.date(2025, 10, 1),
        "end_date": dt.date(2025, 10, 31),
        "point_types": [w.bridge_type],
        "lead_unit": w.zjj,
        "member_units": [w.cgj, w.jtj],
        "checklist": CHECKLIST,
        "targets": {"rubbish": "50", "posters": 300},
        "now": T0,
    }
    fields.update(kw)
    return campaign_create(**fields)


@pytest.fixture
def running(cw: SimpleNamespace) -> Campaign:
    c = make_campaign(cw)
    return campaign_transition(actor=cw.admin, campaign=c, name="start", now=at(1))
