"""The map names the open cases it cannot place: 在办 on the map = placed + listed under it, as everywhere else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.web.tests.conftest import act, new_case
from wangge.workorders import headlines
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def _cases(world: Any) -> dict[str, WorkOrder]:
    placed = new_case(world, lng=113.01, lat=33.01)
    unplaced = new_case(world, lng=None, lat=None, district=world.district, title="热线来电：噪音扰民")
    dropped = new_case(world, lng=None, lat=None, district=world.district, title="误拨电话")
    act(world, dropped, "invalidate", "caller", dropped.received_at + dt.timedelta(minutes=5), note="误拨")
    return {"placed": placed, "unplaced": unplaced, "dropped": dropped}


def test_the_map_lists_the_open_cases_without_coordinates_with_links(client: Client, world: Any) -> None:
    cases = _cases(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:map"))

    body = response.content.decode()
    assert [wo.pk for wo in response.context["unplaced_cases"]] == [cases["unplaced"].pk]
    assert reverse("web:case_detail", args=[cases["unplaced"].pk]) in body
    assert cases["unplaced"].tracking_code in body and cases["dropped"].tracking_code not in body
    assert "在办工单 2 件：地图上 1 件，无坐标未能标注 1 件。" in body
    assert "未能标注在地图上的在办工单（1 件，无坐标）" in body


def test_the_red_markers_are_named_for_the_step_clock_not_the_deadline(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:map"))

    assert response.context["labels"]["clock"]["overdue"] == "环节超时"
    assert "环节超时" in response.content.decode()


def test_open_cases_on_the_map_are_the_placed_plus_the_unplaced(client: Client, world: Any) -> None:
    _cases(world)
    client.force_login(world.dispatcher)

    data = client.get(reverse("web:map_cases")).json()

    open_total = headlines.open_cases(WorkOrder.objects.restrict(world.dispatcher)).count()
    assert (data["count"], data["unplaced"], data["open_total"]) == (1, 1, 2) and open_total == 2


def test_the_unplaced_list_follows_scope(client: Client, world: Any) -> None:
    cases = _cases(world)
    client.force_login(world.worker)  # one grid: a district-level call without a place is not theirs

    response = client.get(reverse("web:map"))

    assert response.context["unplaced_total"] == 0 and response.context["unplaced_cases"] == []
    assert cases["unplaced"].tracking_code not in response.content.decode()
    assert "无坐标未能标注 0 件" in response.content.decode()
