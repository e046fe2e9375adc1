"""The closed-loop test district (workorders' ``world``) with a few ledger rows in its two grids."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.accounts.choices import Role
from wangge.ledgers.models import Building, Household, Merchant, Resident
from wangge.surveys.models import FormTemplate
from wangge.workorders.tests.conftest import _user, local, world  # noqa: F401 — the fixture is used by name

__all__ = ["jpeg", "local"]


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def place(world: SimpleNamespace) -> SimpleNamespace:  # noqa: F811 — the imported fixture
    """A building with a household (with a head) in grid 1, a household in grid 2, a merchant in grid 1."""
    building = Building.objects.create(
        code=world.grid1.code + "001", name="1号楼", grid=world.grid1, address="测试路1号", lng=113.01, lat=33.01
    )
    household = Household.objects.create(
        code=building.code + "-1-101",
        grid=world.grid1,
        building=building,
        unit_no="1",
        room="101",
        address="测试路1号1单元101",
    )
    head = Resident.objects.create(name="张某某", grid=world.grid1, household=household, relation="head")
    household.head = head
    household.save()
    other = Household.objects.create(
        code=world.grid2.code + "-9", grid=world.grid2, house_no="9号", address="二网格9号"
    )
    merchant = Merchant.objects.create(name="测试便利店", grid=world.grid1, address="测试路3号", lng=113.02, lat=33.02)
    world.leader_g1 = _user("grid_leader", Role.GRID_LEADER, territory=world.grid1)
    world.admin = _user("admin_user", Role.ADMIN, territory=world.district)
    world.building = building
    world.household = household
    world.head = head
    world.other_household = other
    world.merchant = merchant
    world.household_check = FormTemplate.objects.get(key="household_check")
    world.merchant_check = FormTemplate.objects.get(key="merchant_check")
    return world


def household_answers(**over: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {"entered": "是", "occupants": "3", "use": "出租", "has_problem": "否"}
    answers.update(over)
    return answers
