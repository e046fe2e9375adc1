"""Factories of 助企包联 and a small district to test it in: one street, one community, two square grids, units,
staff of each role, a roster of cadres with accounts, and enterprises with their 三级包联."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import factory

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core.actors import CitizenActor
from wangge.enterprises.choices import CadreRank, Industry, LiaisonLevel, Scale
from wangge.enterprises.models import Cadre, Enterprise, Liaison
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder

TZ = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def staff(username: str, role: str | None, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, unit=unit)
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, territory=territory, unit=unit if territory is None else None)
    return user


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"平顶山测试{n}有限公司")
    industry = Industry.MANUFACTURING
    scale = Scale.SMALL
    employees = 40
    annual_output = 1200
    address = factory.Sequence(lambda n: f"测试路{n}号")
    contact_name = "张经理"


class CadreFactory(factory.django.DjangoModelFactory[Cadre]):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    rank = CadreRank.CADRE


def world() -> SimpleNamespace:
    """The district, its staff, three cadres (two with accounts) and two enterprises in grid 1 and one in grid 2."""
    from wangge.territory import locator
    from wangge.workcalendar.services import seed_calendar
    from wangge.workorders import catalog

    seed_calendar(years=range(2025, 2026))
    district = node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = node(district, "410403001", "测试街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = node(community, "410403001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = node(community, "410403001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    other_grid = node(other, "410411001001001", "湛河网格", TerritoryKind.GRID, square(114.0, 33.0, 0.05))
    locator.invalidate()
    centre = Unit.objects.create(code="zhzx", name="区指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district)
    dept = Unit.objects.create(code="gxj", name="区工信局", kind=UnitKind.DEPARTMENT, territory=district)
    handling = Unit.objects.create(code="cgj", name="城市管理局", kind=UnitKind.DEPARTMENT, territory=district)
    cs = catalog.category_seed()
    w = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        other_grid=other_grid,
        centre=centre,
        dept=dept,
        handling=handling,
        category=cs.categories.get(code="E0101"),
        admin=staff("admin", Role.ADMIN, territory=district),
        street_staff=staff("street", Role.STREET_STAFF, territory=street),
        dispatcher=staff("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        caller=staff("caller", Role.CALL_TAKER, territory=district, unit=centre),
        handler=staff("handler", Role.DEPT_HANDLER, unit=handling),
        inspector=staff("inspector", Role.INSPECTOR, territory=district),
        worker=staff("worker", Role.GRID_WORKER, territory=grid1),
        other_worker=staff("other_worker", Role.GRID_WORKER, territory=grid2),
        stranger=staff("stranger", Role.DISPATCHER, territory=other),
        nobody=staff("nobody", None),
        # Cadres: accounts of the department without any territory grant.
        cadre_user=staff("cadre", None, unit=dept),
        other_cadre_user=staff("other_cadre", None, unit=dept),
    )
    w.leader_cadre = CadreFactory.create(name="王区长", rank=CadreRank.LEADER, district=district)
    w.cadre = CadreFactory.create(name="李干部", district=district, unit=dept, user=w.cadre_user)
    w.other_cadre = CadreFactory.create(name="赵干部", district=district, unit=dept, user=w.other_cadre_user)
    w.e1 = EnterpriseFactory.create(grid=grid1, district=district, lng=113.01, lat=33.01)
    w.e2 = EnterpriseFactory.create(grid=grid1, district=district)
    w.e3 = EnterpriseFactory.create(grid=grid2, district=district, lng=113.06, lat=33.01)
    today = dt.date(2025, 1, 1)
    Liaison.objects.create(enterprise=w.e1, level=LiaisonLevel.LEADER, cadre=w.leader_cadre, since=today)
    Liaison.objects.create(enterprise=w.e1, level=LiaisonLevel.DEPARTMENT, unit=dept, since=today)
    Liaison.objects.create(enterprise=w.e1, level=LiaisonLevel.CADRE, cadre=w.cadre, since=today)
    Liaison.objects.create(enterprise=w.e3, level=LiaisonLevel.CADRE, cadre=w.other_cadre, since=today)
    return w


def close_case(w: SimpleNamespace, wo: WorkOrder, at: dt.datetime) -> WorkOrder:
    """Take a case through the closed loop to 已结案 (no 回访: an enterprise's problem carries no phone)."""
    from wangge.workorders.services import work_order_transition

    def act(name: str, actor: Any, when: dt.datetime, **payload: Any) -> WorkOrder:
        return work_order_transition(actor=actor, work_order_id=wo.pk, name=name, now=when, **payload)

    act("dispatch", w.dispatcher, at, unit=w.handling)
    act("accept", w.handler, at + dt.timedelta(minutes=10))
    act("reply", w.handler, at + dt.timedelta(hours=1), text="已协调解决", result="resolved")
    act("verify_pass", w.inspector, at + dt.timedelta(hours=2))
    return act("close", w.dispatcher, at + dt.timedelta(hours=4))


__all__ = ["CitizenActor", "close_case", "local", "world"]
