"""A small district for the duty tests: one street, one community, a grid, the district command centre, staff
with and without the ``change`` action, and another district; the shifts and supply items come seeded."""

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
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.services import seed_calendar

TZ = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)  # type: ignore[misc,arg-type]


def _square(x0: float, y0: float, size: float) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


def _node(parent: Territory | None, code: str, name: str, kind: str, geom: dict[str, Any]) -> Territory:
    fields = {"code": code, "name": name, "kind": kind, "geometry": geom}
    return Territory.objects.add_root(fields) if parent is None else Territory.objects.add_child(parent, fields)


def _user(username: str, role: str | None, *, territory: Territory | None = None, unit: Unit | None = None) -> User:
    user = User.objects.create_user(
        username=username, password="x-Passw0rd-long", display_name=username, unit=unit, mobile="13800001111"
    )
    if role is not None:
        RoleGrant.objects.create(user=user, role=role, territory=territory, unit=unit if territory is None else None)
    return user


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def w(db: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    from wangge.territory import locator

    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_calendar(years=range(2024, 2028))
    district = _node(None, "410403", "卫东区", TerritoryKind.DISTRICT, _square(113.0, 33.0, 0.1))
    street = _node(district, "410403001", "优越路街道", TerritoryKind.STREET, _square(113.0, 33.0, 0.1))
    community = _node(street, "410403001001", "华西社区", TerritoryKind.COMMUNITY, _square(113.0, 33.0, 0.1))
    grid = _node(community, "410403001001001", "一网格", TerritoryKind.GRID, _square(113.0, 33.0, 0.05))
    other = _node(None, "410411", "湛河区", TerritoryKind.DISTRICT, _square(114.0, 33.0, 0.1))
    locator.invalidate()
    centre = Unit.objects.create(
        code="zhzx", name="区应急管理指挥中心", kind=UnitKind.COMMAND_CENTRE, territory=district
    )
    return SimpleNamespace(
        district=district,
        street=street,
        community=community,
        grid=grid,
        other_district=other,
        centre=centre,
        admin=_user("admin", Role.ADMIN, territory=district),
        street_staff=_user("street_staff", Role.STREET_STAFF, territory=street),
        community_staff=_user("community_staff", Role.COMMUNITY_STAFF, territory=community),
        leader=_user("leader", Role.LEADER, territory=district),
        dispatcher=_user("dispatcher", Role.DISPATCHER, territory=district, unit=centre),
        worker=_user("worker", Role.GRID_WORKER, territory=grid),
        worker2=_user("worker2", Role.GRID_WORKER, territory=grid),
        stranger=_user("stranger", Role.ADMIN, territory=other),
    )
