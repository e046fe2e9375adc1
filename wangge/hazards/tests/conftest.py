"""The closed-loop test district (``world``) with the staff who keep and check the hazard ledger."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.accounts.choices import Role
from wangge.hazards.models import HazardFinding, HazardType
from wangge.hazards.services import hazard_report
from wangge.ledgers.models import Building
from wangge.workorders.tests.conftest import _user, local, world  # noqa: F401  (fixture)


def jpeg(name: str = "photo.jpg", *, exif_gps: bool = False) -> SimpleUploadedFile:
    """A small real JPEG; with ``exif_gps`` it carries an EXIF block naming a GPS position."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (24, 16), (200, 40, 40))
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (33.0, 1.0, 2.0)}  # GPSInfo
        image.save(buffer, "JPEG", exif=exif.tobytes())
    else:
        image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def hw(world: SimpleNamespace, settings: Any, tmp_path: Any) -> SimpleNamespace:  # noqa: F811
    """``world`` plus community and street staff, a grid leader, a building in grid 1 and a hazard type
    whose category code maps to an active category (私搭乱建 E0101)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = world
    w.community_staff = _user("community_staff", Role.COMMUNITY_STAFF, territory=w.community)
    w.community_staff2 = _user("community_staff2", Role.COMMUNITY_STAFF, territory=w.community)
    w.street_staff = _user("street_staff", Role.STREET_STAFF, territory=w.street)
    w.grid_leader = _user("grid_leader", Role.GRID_LEADER, territory=w.grid1)
    w.building = Building.objects.create(
        code="410403001001001001", name="1号楼", grid=w.grid1, address="测试路1号", lng=113.02, lat=33.02
    )
    w.fire = HazardType.objects.get(key="fire")
    w.fire.category_code = "E0101"
    w.fire.save()
    w.gambling = HazardType.objects.get(key="gambling")
    return w


def report(w: SimpleNamespace, **kw: Any) -> HazardFinding:
    fields: dict[str, Any] = {
        "actor": w.worker,
        "type": w.fire,
        "title": "楼道堆放杂物堵塞消防通道",
        "description": "3单元楼道堆放纸箱和电动车，堵塞疏散通道。",
        "building": w.building,
        "owner_name": "李物业",
        "owner_phone": "13900001111",
        "deadline_days": 3,
        "found_at": local(2025, 6, 3, 9, 0),
        "now": local(2025, 6, 3, 10, 0),
    }
    fields.update(kw)
    return hazard_report(**fields)


def later(hours: float = 1) -> dt.datetime:
    return local(2025, 6, 3, 10, 0) + dt.timedelta(hours=hours)
