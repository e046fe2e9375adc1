"""Citizen pages without login: appeal, tracking, 好差评 rating; QR codes for points and windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core.tests.images import PNG
from wangge.places.models import Point, PointType
from wangge.web.tests.conftest import act, new_case
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def appeal_data(world: Any, **kw: Any) -> dict[str, Any]:
    data = {
        "category": world.category.pk,
        "appeal_type": "complaint",
        "description": "小区门口有人私搭彩钢棚，占用人行道。",
        "lng": "113.01",
        "lat": "33.01",
        "crs": "wgs84",
        "reporter_name": "王先生",
        "reporter_phone": "13812341234",
    }
    data.update(kw)
    return data


def to_callback(world: Any, wo: WorkOrder) -> WorkOrder:
    now = timezone.now()
    act(world, wo, "dispatch", "dispatcher", now, unit=world.dept)
    act(world, wo, "accept", "handler", now + dt.timedelta(minutes=1))
    act(world, wo, "reply", "handler", now + dt.timedelta(minutes=2), text="已拆除", result="resolved")
    return act(world, wo, "verify_pass", "inspector", now + dt.timedelta(minutes=3))


def test_appeal_page_is_public_and_lists_the_active_categories(client: Client, world: Any) -> None:
    response = client.get(reverse("web:appeal"))

    assert response.status_code == 200
    assert world.category.name in response.content.decode()


def test_citizen_submits_an_appeal_with_a_photo_and_gets_a_tracking_code(client: Client, world: Any) -> None:
    data = appeal_data(world, photos=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])

    response = client.post(reverse("web:appeal"), data, follow=True)

    wo = WorkOrder.objects.get()
    assert wo.channel == Channel.H5 and wo.grid == world.grid1 and wo.reporter_user is None
    assert wo.attachments.count() == 1
    assert wo.tracking_code in response.content.decode()


def test_gcj02_position_is_stored_in_wgs84(client: Client, world: Any) -> None:
    from wangge.core.geo import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(113.01, 33.01)

    client.post(reverse("web:appeal"), appeal_data(world, lng=str(x), lat=str(y), crs="gcj02"))

    wo = WorkOrder.objects.get()
    assert wo.lng is not None and wo.lat is not None
    assert abs(wo.lng - 113.01) < 1e-6 and abs(wo.lat - 33.01) < 1e-6


def test_appeal_without_a_position_is_refused_and_nothing_is_created(client: Client, world: Any) -> None:
    response = client.post(reverse("web:appeal"), appeal_data(world, lng="", lat=""))

    assert response.status_code == 200
    assert "请在地图上点选位置" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_appeal_outside_every_territory_is_refused(client: Client, world: Any) -> None:
    response = client.post(reverse("web:appeal"), appeal_data(world, lng="100.0", lat="20.0"))

    assert "不在本平台任何辖区内" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_too_many_appeals_from_one_address_are_refused(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_APPEALS_PER_HOUR = 2
    for _ in range(2):
        client.post(reverse("web:appeal"), appeal_data(world))

    response = client.post(reverse("web:appeal"), appeal_data(world))

    assert "提交过于频繁" in response.content.decode()
    assert WorkOrder.objects.count() == 2


def test_a_forged_forwarded_header_does_not_reset_the_count(client: Client, world: Any, settings: Any) -> None:
    # given no trusted proxy, and an address that used up its appeals
    settings.WANGGE_CITIZEN_APPEALS_PER_HOUR = 1
    settings.WANGGE_TRUSTED_PROXIES = 0
    client.post(reverse("web:appeal"), appeal_data(world), HTTP_X_FORWARDED_FOR="1.1.1.1")

    # when it claims to be someone else
    response = client.post(reverse("web:appeal"), appeal_data(world), HTTP_X_FORWARDED_FOR="2.2.2.2")

    # then it is still counted by its own address
    assert "提交过于频繁" in response.content.decode()
    assert WorkOrder.objects.count() == 1


def test_behind_a_trusted_proxy_each_citizen_is_counted_on_their_own(client: Client, world: Any, settings: Any) -> None:
    # given one proxy, which appends each citizen's address
    settings.WANGGE_CITIZEN_APPEALS_PER_HOUR = 1
    settings.WANGGE_TRUSTED_PROXIES = 1
    client.post(reverse("web:appeal"), appeal_data(world), HTTP_X_FORWARDED_FOR="203.0.113.1")

    # when another citizen appeals through the same proxy, and the first one again with a forged hop
    other = client.post(reverse("web:appeal"), appeal_data(world), HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(reverse("web:appeal"), appeal_data(world), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")

    # then the other citizen gets through and the first is still counted
    assert other.status_code == 302
    assert "提交过于频繁" in again.content.decode()
    assert WorkOrder.objects.count() == 2


def test_point_qr_code_prefills_the_point_and_its_position(client: Client, world: Any) -> None:
    kind = PointType.objects.create(key="river", name="河道", is_hazard=True)
    point = Point.objects.create(
        code="HD001",
        name="金鹰河",
        type=kind,
        lng=113.02,
        lat=33.02,
        territory=world.grid1,
        grid=world.grid1,
        responsible_name="张河长",
    )
    page = client.get(reverse("web:appeal"), {"point": point.code})
    assert "金鹰河" in page.content.decode()

    client.post(reverse("web:appeal"), appeal_data(world, lng="", lat="", point=point.code))

    wo = WorkOrder.objects.get()
    assert wo.channel == Channel.QR and wo.point == point and (wo.lng, wo.lat) == (113.02, 33.02)


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"), [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<svg")]
)
def test_point_qr_code_images(client: Client, world: Any, fmt: str, content_type: str, magic: bytes) -> None:
    kind = PointType.objects.create(key="school", name="学校")
    Point.objects.create(code="XX-01", name="一中", type=kind, lng=113.02, lat=33.02, responsible_name="李校长")

    response = client.get(reverse("web:qr_point", args=["XX-01", fmt]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert magic in response.content[:200]


def test_qr_of_an_unknown_point_is_not_found(client: Client, world: Any) -> None:
    assert client.get("/qr/point/NOPE.png").status_code == 404


def test_window_qr_code_notes_the_window_on_the_appeal(client: Client, world: Any) -> None:
    assert client.get(reverse("web:qr_window", args=["A3", "svg"])).status_code == 200

    client.post(reverse("web:appeal"), appeal_data(world, window="A3"))

    wo = WorkOrder.objects.get()
    assert wo.channel == Channel.QR and "办事窗口：A3" in wo.address


def test_tracking_shows_public_progress_without_staff_names(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)

    response = client.get(reverse("web:track"), {"code": wo.tracking_code.lower()}, follow=True)

    body = response.content.decode()
    assert "已转交城市管理局处理" in body and "待签收" not in body and "待派遣" not in body
    assert "dispatcher" not in body and "13812341234" not in body


def test_unknown_tracking_code_says_so(client: Client, world: Any) -> None:
    response = client.get(reverse("web:track"), {"code": "WG000000XXXXXX"})

    assert "未找到该查询码" in response.content.decode()


def test_citizen_rates_after_verification(client: Client, world: Any) -> None:
    wo = to_callback(world, new_case(world))
    assert wo.status == Status.CALLBACK

    response = client.post(
        reverse("web:rate", args=[wo.tracking_code]), {"rating": "4", "resolved": "1", "phone_tail": "1234"}
    )

    assert response.status_code == 302
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.TO_CLOSE and fresh.rating == 4 and fresh.resolved is True
    assert fresh.events.get(name="callback").actor is None


def test_rating_before_the_callback_step_is_refused_and_changes_nothing(client: Client, world: Any) -> None:
    wo = new_case(world)

    response = client.post(reverse("web:rate", args=[wo.tracking_code]), {"rating": "1", "resolved": "0"})

    assert response.status_code == 400
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.REGISTERED and fresh.rating is None


def test_qr_of_a_window_named_in_chinese_has_a_valid_download_name(client: Client, world: Any) -> None:
    response = client.get(reverse("web:qr_window", args=["综合窗口3", "png"]))

    disposition = response["Content-Disposition"]
    assert response.status_code == 200 and disposition.isascii()
    assert disposition.startswith("inline; filename*=utf-8''window-") and "=?utf-8?" not in disposition


def test_staff_page_makes_the_code_of_a_window(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:qr_codes"), {"window": "综合窗口3"}).content.decode()

    assert reverse("web:qr_window", args=["综合窗口3", "svg"]) in body
    assert reverse("web:qr_window", args=["综合窗口3", "png"]) in body


def test_window_page_refuses_a_name_the_code_url_cannot_carry(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:qr_codes"), {"window": "a b/c"})

    assert response.context["window"] == "" and response.context["form"].errors
    assert "/qr/window/" not in response.content.decode()


def test_window_page_needs_a_login(client: Client, world: Any) -> None:
    assert client.get(reverse("web:qr_codes"))["Location"].startswith(reverse("web:login"))


def test_submitted_page_draws_its_tick_without_an_emoji_font(client: Client, world: Any) -> None:
    client.post(reverse("web:appeal"), appeal_data(world))

    body = client.get(reverse("web:appeal_done")).content.decode()

    assert "done-mark" in body and "✅" not in body


def test_rating_form_leaves_checking_to_the_server_in_the_pages_language(client: Client, world: Any) -> None:
    wo = to_callback(world, new_case(world))

    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()
    response = client.post(reverse("web:rate", args=[wo.tracking_code]), {})

    assert 'id="rating-form" novalidate' in body
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.CALLBACK
