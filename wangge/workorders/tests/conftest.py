"""A small district for closed-loop tests: one street, one community, two square grids, units and staff."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core.actors import CitizenActor
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar
from wangge.workorders import catalog
from wangge.workorders.choices import AppealType, Channel
from wangge.workorders.models import WorkOrder
from wangge.workorders.services import work_order_create, work_order_transition

TZ = ZoneInfo("Asia/Shanghai")


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def _node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, unit=unit)
    RoleGrant.objects.create(user=user, role=role, territory=territory, unit=unit if territory is None else None)
    return user


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    from wangge.territory import locator

    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = _node(community, "410403001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    locator.invalidate()
    centre = Unit.objects.create(code="zhzx", name="区指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district)
    dept = Unit.objects.create(code="cgj", name="城市管理局", kind=UnitKind.DEPARTMENT, territory=district)
    dept2 = Unit.objects.create(code="sthj", name="生态环境分局", kind=UnitKind.DEPARTMENT, territory=district)
    cs = catalog.category_seed()
    w = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        centre=centre,
        dept=dept,
        dept2=dept2,
        category=cs.categories.get(code="E0101"),  # 私搭乱建, 15 working days
        dispatcher=_user("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        caller=_user("caller", Role.CALL_TAKER, territory=district, unit=centre),
        handler=_user("handler", Role.DEPT_HANDLER, unit=dept),
        other_handler=_user("other_handler", Role.DEPT_HANDLER, unit=dept2),
        inspector=_user("inspector", Role.INSPECTOR, territory=district),
        leader=_user("leader", Role.LEADER, territory=district),
        worker=_user("worker", Role.GRID_WORKER, territory=grid1),
        other_worker=_user("other_worker", Role.GRID_WORKER, territory=grid2),
        stranger=_user("stranger", Role.DISPATCHER, territory=other),
    )
    return w


def new_case(w: SimpleNamespace, *, at: dt.datetime | None = None, **kw: Any) -> WorkOrder:
    fields: dict[str, Any] = {
        "actor": w.caller,
        "channel": Channel.HOTLINE,
        "appeal_type": AppealType.COMPLAINT,
        "title": "小区门口私搭乱建",
        "description": "东门外有人私搭彩钢棚，占用人行道。",
        "category": w.category,
        "reporter_name": "王先生",
        "reporter_phone": "13812341234",
        "lng": 113.01,
        "lat": 33.01,
        "now": at or local(2025, 6, 3, 9, 0),
    }
    fields.update(kw)
    return work_order_create(**fields)


def act(w: SimpleNamespace, wo: WorkOrder, name: str, who: str, at: dt.datetime, **payload: Any) -> WorkOrder:
    actor = getattr(w, who) if who != "citizen" else CitizenActor(tracking_code=wo.tracking_code)
    return work_order_transition(actor=actor, work_order_id=wo.pk, name=name, now=at, **payload)


def to_handling(w: SimpleNamespace, wo: WorkOrder, at: dt.datetime) -> WorkOrder:
    act(w, wo, "dispatch", "dispatcher", at, unit=w.dept)
    return act(w, wo, "accept", "handler", at + dt.timedelta(minutes=10))


def to_closed(w: SimpleNamespace, wo: WorkOrder, at: dt.datetime, rating: int = 5, resolved: bool = True) -> WorkOrder:
    to_handling(w, wo, at)
    act(w, wo, "reply", "handler", at + dt.timedelta(hours=1), text="已拆除", result="resolved")
    act(w, wo, "verify_pass", "inspector", at + dt.timedelta(hours=2))
    act(w, wo, "callback", "caller", at + dt.timedelta(hours=3), rating=rating, resolved=resolved)
    return act(w, wo, "close", "dispatcher", at + dt.timedelta(hours=4))
