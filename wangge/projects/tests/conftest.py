"""A small test district for the project ledger: 卫东区 with one street, one community and two grids, 湛河区
beside it, units and staff (copied in the shape of the closed-loop tests' world), and a road project."""

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
from wangge.projects.choices import ProjectType
from wangge.projects.models import Project
from wangge.projects.services import project_create
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar
from wangge.workorders import catalog

TZ = ZoneInfo("Asia/Shanghai")


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
    Image.new("RGB", (24, 16), (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# A road running east–west through grid 1 (inside 卫东区's test square).
ROAD = {"type": "LineString", "coordinates": [[113.01, 33.02], [113.02, 33.02], [113.03, 33.02]]}


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    from wangge.territory import locator

    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, square(113.0, 33.0, 0.1))
    street = _node(district, "410403001", "测试街道", TerritoryKind.STREET, square(113.0, 33.0, 0.1))
    community = _node(street, "410403001001", "测试社区", TerritoryKind.COMMUNITY, square(113.0, 33.0, 0.1))
    grid1 = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, square(113.0, 33.0, 0.05))
    grid2 = _node(community, "410403001001002", "二网格", TerritoryKind.GRID, square(113.05, 33.0, 0.05))
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, square(114.0, 33.0, 0.1))
    locator.invalidate()
    zjj = Unit.objects.create(code="zjj", name="住房和城乡建设局", kind=UnitKind.DEPARTMENT, territory=district)
    cgj = Unit.objects.create(code="cgj", name="城市管理局", kind=UnitKind.DEPARTMENT, territory=district)
    catalog.category_seed()
    return SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid1=grid1,
        grid2=grid2,
        other_district=other,
        zjj=zjj,
        cgj=cgj,
        admin=user("admin", Role.ADMIN, territory=district),
        street_staff=user("street_staff", Role.STREET_STAFF, territory=street),
        leader=user("leader", Role.LEADER, territory=district),
        builder=user("builder", Role.DEPT_HANDLER, unit=zjj),
        other_handler=user("other_handler", Role.DEPT_HANDLER, unit=cgj),
        worker=user("worker", Role.GRID_WORKER, territory=grid1),
        stranger=user("stranger", Role.ADMIN, territory=other),
    )


def new_project(w: SimpleNamespace, **kw: Any) -> Project:
    fields: dict[str, Any] = {
        "actor": w.admin,
        "name": "翡翠路改造工程",
        "type": ProjectType.ROAD,
        "territory": w.district,
        "total_investment": "420",
        "geometry": ROAD,
        "planned_start": dt.date(2025, 6, 30),
        "planned_end": dt.date(2025, 11, 10),
        "milestones": [{"name": "管网完工", "planned_date": dt.date(2025, 9, 30)}],
        "lead_unit": w.zjj,
        "components": [{"name": "路面", "quantity": 2100, "unit": "平方米"}],
        "now": local(2025, 6, 20, 9, 0),
    }
    fields.update(kw)
    return project_create(**fields)


@pytest.fixture
def road(world: SimpleNamespace) -> Project:
    return new_project(world)
