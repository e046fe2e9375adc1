"""The dispatch screen lists the 下沉力量 of the case's grid in force today (name, unit, the unit's phone masked),
and shows no such card for a grid without any."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import User
from wangge.core.actors import SYSTEM
from wangge.workforce.services import sunk_staff_assign
from wangge.workorders.tests.conftest import new_case, world  # noqa: F401


def test_the_dispatch_screen_lists_the_grids_sunk_staff_with_the_phone_masked(
    client: Client,
    world: SimpleNamespace,  # noqa: F811
) -> None:
    wo = new_case(world)
    assert wo.grid_id == world.grid1.pk
    world.dept.phone = "13912345678"
    world.dept.save(update_fields=["phone"])
    member = User.objects.create(username="cg_chen", display_name="陈城管", unit=world.dept)
    today = timezone.localdate()
    sunk_staff_assign(actor=SYSTEM, grid=world.grid1, unit=world.dept, user=member, start_date=today)
    sunk_staff_assign(
        actor=SYSTEM,
        grid=world.grid1,
        unit=world.dept2,
        name="已结束的人",
        start_date=today - dt.timedelta(days=30),
        end_date=today - dt.timedelta(days=1),
    )
    sunk_staff_assign(actor=SYSTEM, grid=world.grid2, unit=world.dept2, name="邻格的人", start_date=today)
    client.force_login(world.dispatcher)

    page = client.get(reverse("web:case_dispatch", args=[wo.pk])).content.decode()

    assert "下沉力量" in page and "陈城管" in page and "城市管理局" in page
    assert "139****5678" in page and "13912345678" not in page
    assert "已结束的人" not in page and "邻格的人" not in page


def test_the_dispatch_screen_has_no_sunk_card_for_a_grid_without_any(client: Client, world: Any) -> None:  # noqa: F811
    wo = new_case(world)
    client.force_login(world.dispatcher)

    page = client.get(reverse("web:case_dispatch", args=[wo.pk])).content.decode()

    assert "下沉力量" not in page
