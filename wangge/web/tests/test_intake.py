"""受理登记: the command centre registers a call, with suggestions refreshed as it types."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.web.tests.conftest import new_case
from wangge.workorders.choices import Channel, Urgency
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

CALL = {
    "channel": Channel.HOTLINE,
    "urgency": Urgency.NORMAL,
    "appeal_type": "complaint",
    "title": "",
    "description": "东门外有人私搭彩钢棚，占用人行道。",
    "address": "测试街道测试社区二网格东门",
    "reporter_name": "王先生",
    "reporter_phone": "13812341234",
}


def test_a_hotline_call_with_an_address_only_is_registered_in_the_grid_it_names(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    response = client.post(reverse("web:case_intake"), {**CALL, "district": world.district.pk})

    wo = WorkOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case_detail", args=[wo.pk])
    assert wo.channel == Channel.HOTLINE and wo.grid == world.grid2 and wo.lng is None
    assert wo.title.startswith("东门外有人私搭彩钢棚") and wo.is_real_name


def test_a_call_without_address_or_position_is_refused_and_nothing_is_written(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    response = client.post(reverse("web:case_intake"), {**CALL, "address": "", "district": world.district.pk})

    assert response.status_code == 200
    assert "请填写地址，或在地图上点选位置" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_the_district_is_implied_when_the_user_has_one(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    page = client.get(reverse("web:case_intake"))

    assert page.status_code == 200
    assert page.context["form"].fields["district"].widget.is_hidden
    assert page.context["form"].initial["district"] == world.district.pk
    assert "受理登记" in page.content.decode()


def test_the_suggestion_panel_shows_the_unit_duplicates_and_the_address_match(client: Client, world: Any) -> None:
    earlier = new_case(world, at=timezone.now() - dt.timedelta(days=1))
    client.force_login(world.caller)

    response = client.post(
        reverse("web:case_intake_suggest"),
        {**CALL, "district": world.district.pk, "category": world.category.pk, "title": "小区门口私搭乱建"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="suggestions"' in html and "城市管理局" in html  # routed for the chosen category
    assert earlier.tracking_code in html  # the same appeal, earlier
    assert world.grid2.code in html  # the address names 二网格
    assert not WorkOrder.objects.exclude(pk=earlier.pk).exists()


def test_the_suggestion_panel_waits_for_enough_text(client: Client, world: Any) -> None:
    client.force_login(world.caller)

    response = client.post(reverse("web:case_intake_suggest"), {"description": "路"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and "填写诉求内容后" in response.content.decode()


def test_suggestions_never_show_cases_outside_the_users_scope(client: Client, world: Any) -> None:
    earlier = new_case(world, at=timezone.now() - dt.timedelta(days=1))
    client.force_login(world.stranger)

    # a district outside the user's scope, put into the request by hand, is not taken
    response = client.post(
        reverse("web:case_intake_suggest"),
        {**CALL, "district": world.district.pk, "lng": "113.01", "lat": "33.01", "title": "小区门口私搭乱建"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert earlier.tracking_code not in response.content.decode()
