"""A small district for the round tests: one street, one community, two square grids, staff, hazard points with
the default checklists, and a daily schedule."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core.actors import SystemActor
from wangge.inspections.choices import AssigneeRule, Frequency
from wangge.inspections.models import Round
from wangge.inspections.services import default_checklists_seed, rounds_generate, schedule_save
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar
from wangge.workorders import catalog

TZ = ZoneInfo("Asia/Shanghai")
SYSTEM = SystemActor("test")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def _node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def user(username: str, role: str, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    u = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username, unit=unit)
    RoleGrant.objects.create(user=u, role=role, territory=territory, unit=unit if territory is None else None)
    return u


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 40, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def w(db: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    from wangge.territory import locator

    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = _node(community, "410403001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    other_grid = _node(other, "410411001001001", "湛河网格", TerritoryKind.GRID, square(114.0, 33.0, 0.05))
    locator.invalidate()
    centre = Unit.objects.create(code="zhzx", name="区指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district)
    dept = Unit.objects.create(code="cgj", name="城市管理局", kind=UnitKind.DEPARTMENT, territory=district)
    catalog.category_seed()
    for key, name, order in (("waterlogging", "易积水点", 60), ("river", "河道", 10)):
        PointType.objects.get_or_create(key=key, defaults={"name": name, "is_hazard": True, "ordering": order})
    ns = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        dept=dept,
        dispatcher=user("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        inspector=user("inspector", Role.INSPECTOR, territory=district),
        leader=user("leader", Role.LEADER, territory=district),
        worker=user("worker", Role.GRID_WORKER, territory=grid1),
        other_worker=user("other_worker", Role.GRID_WORKER, territory=grid2),
        community_staff=user("community_staff", Role.COMMUNITY_STAFF, territory=community),
        street_staff=user("street_staff", Role.STREET_STAFF, territory=street),
        stranger=user("stranger", Role.DISPATCHER, territory=other),
        stranger_worker=user("stranger_worker", Role.GRID_WORKER, territory=other_grid),
    )
    default_checklists_seed(actor=SYSTEM)
    ns.point = Point.objects.create(
        code="P-1",
        name="测试易积水点",
        type=PointType.objects.get(key="waterlogging"),
        lng=113.02,
        lat=33.02,
        territory=grid1,
        grid=grid1,
        responsible_name="张三",
        responsible_unit=dept,
    )
    ns.river = Point.objects.create(
        code="P-2",
        name="测试河道",
        type=PointType.objects.get(key="river"),
        lng=113.07,
        lat=33.02,
        territory=grid2,
        grid=grid2,
        responsible_name="李四",
    )
    ns.other_point = Point.objects.create(
        code="P-9",
        name="湛河易积水点",
        type=PointType.objects.get(key="waterlogging"),
        lng=114.02,
        lat=33.02,
        territory=other_grid,
        grid=other_grid,
        responsible_name="王五",
    )
    ns.schedule = schedule_save(
        actor=SYSTEM,
        territory=district,
        point_types=list(PointType.objects.filter(is_hazard=True)),
        name="防汛隐患点巡查",
        season_frequency=Frequency.DAILY,
        off_season_frequency=Frequency.WEEKLY,
        assignee_rule=AssigneeRule.GRID_WORKERS,
    )
    return ns


DAY = dt.date(2025, 7, 2)  # a Wednesday in the flood season


def make_rounds(w: SimpleNamespace, day: dt.date = DAY) -> dict[str, Round]:
    rounds_generate(actor=SYSTEM, day=day)
    return {r.point.code: r for r in Round.objects.filter(period_start=day).select_related("point")}


GOOD = {"drains_clear": True, "pumps_ready": True, "water_depth": "3", "warning_signs": True}
