"""Citizens kept informed: the tracking page in plain words, 我的诉求 by phone with an SMS code, 已有人反映 and
我也反映 before filing, and an appeal form that keeps the photo and the place when it is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core import crypto
from wangge.core.tests.images import PNG
from wangge.notifications.models import SmsMessage
from wangge.notifications.sms import ConsoleSmsBackend
from wangge.web.tests.conftest import act, new_case
from wangge.web.tests.test_citizen import appeal_data
from wangge.workorders.choices import AttachmentKind, Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

INTERNAL = ("待派遣", "待签收", "待回访", "待核查", "待结案", "办理中")


def _internal_words(body: str) -> list[str]:
    """The internal status labels in a page ("等待回访" is plain words, its "待回访" is not the status)."""
    return [word for word in INTERNAL if word in body.replace("等待回访", "")]


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    cache.clear()
    settings.WANGGE_SMS_BACKEND = "console"
    ConsoleSmsBackend.sent.clear()


def _photo(name: str = "p.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _replied(world: Any, wo: WorkOrder) -> WorkOrder:
    now = timezone.now()
    act(world, wo, "dispatch", "dispatcher", now, unit=world.dept)
    act(world, wo, "accept", "handler", now + dt.timedelta(minutes=1))
    return act(
        world,
        wo,
        "reply",
        "handler",
        now + dt.timedelta(minutes=2),
        text="彩钢棚已拆除，联系人 13900001111。",
        result="resolved",
        attachments=[_photo("after.png")],
    )


# --- the tracking page ------------------------------------------------------------------------------


def test_tracking_shows_the_unit_and_the_promised_date_in_plain_words(client: Client, world: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)

    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    assert "已转交城市管理局处理" in body and 'id="public-unit">城市管理局<' in body
    promised = timezone.localtime(wo.due_at)
    assert f"{promised.year}年{promised.month}月{promised.day}日前" in body
    assert _internal_words(body) == []


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        ((), "已受理，正在安排承办单位"),
        (("accept",), "城市管理局正在处理"),
        (("accept", "reply"), "已有办理结果，正在核实"),
        (("accept", "reply", "verify_pass"), "已办结，等待回访"),
    ],
)
def test_each_stage_reads_in_plain_words(client: Client, world: Any, steps: tuple[str, ...], words: str) -> None:
    wo = new_case(world)
    now = timezone.now()
    if steps:
        act(world, wo, "dispatch", "dispatcher", now, unit=world.dept)
    for i, step in enumerate(steps, start=1):
        who = {"accept": "handler", "reply": "handler", "verify_pass": "inspector"}[step]
        extra = {"text": "已拆除", "result": "resolved"} if step == "reply" else {}
        act(world, wo, step, who, now + dt.timedelta(minutes=i), **extra)

    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    assert f'id="public-status">{words}<' in body
    assert _internal_words(body) == []


def test_the_reply_and_the_after_photos_are_shown_and_nothing_else(client: Client, world: Any) -> None:
    wo = new_case(world, photos=[_photo("before.png")])
    wo = _replied(world, wo)
    after = wo.attachments.get(kind=AttachmentKind.AFTER)
    before = wo.attachments.exclude(kind=AttachmentKind.AFTER).get()

    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    assert "彩钢棚已拆除" in body and "13900001111" not in body  # numbers in the reply are masked
    assert reverse("web:track_photo", args=[wo.tracking_code, after.pk]) in body
    assert reverse("web:track_photo", args=[wo.tracking_code, before.pk]) not in body
    assert client.get(reverse("web:track_photo", args=[wo.tracking_code, after.pk])).status_code == 200
    assert client.get(reverse("web:track_photo", args=[wo.tracking_code, before.pk])).status_code == 404


def test_the_code_has_a_copy_button_driven_by_a_static_script(client: Client, world: Any) -> None:
    wo = new_case(world)

    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    assert 'data-copy="#tracking-code"' in body and "/static/web/citizen.js" in body
    assert "<script>" not in body


# --- 我的诉求 by phone --------------------------------------------------------------------------------


def _code_texted() -> str:
    match = re.search(r"验证码为 (\d{6})", ConsoleSmsBackend.sent[-1]["text"])
    assert match is not None
    return match.group(1)


def test_my_appeals_by_phone_with_a_texted_code(client: Client, world: Any) -> None:
    mine = new_case(world)
    other = new_case(world, reporter_phone="13999998888")

    response = client.post(reverse("web:track_phone"), {"phone": "138 1234 1234"})
    assert response.status_code == 302
    code = _code_texted()
    assert ConsoleSmsBackend.sent[-1]["phone"] == "13812341234"
    stored = SmsMessage.objects.get(topic="citizen_code")
    assert code not in stored.text and code not in str(dict(client.session))  # hashed at rest, never stored

    assert client.post(reverse("web:track_phone_verify"), {"code": f"{(int(code) + 1) % 10**6:06d}"}).status_code == 200
    assert client.get(reverse("web:my_appeals")).status_code == 302  # a wrong code opens nothing
    response = client.post(reverse("web:track_phone_verify"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("web:my_appeals")

    body = client.get(reverse("web:my_appeals")).content.decode()
    assert mine.tracking_code in body and other.tracking_code not in body


def test_a_code_expires(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_SMS_CODE_MINUTES = 0
    new_case(world)
    client.post(reverse("web:track_phone"), {"phone": "13812341234"})

    body = client.post(reverse("web:track_phone_verify"), {"code": _code_texted()}).content.decode()

    assert "验证码已失效" in body
    assert client.get(reverse("web:my_appeals")).status_code == 302


def test_wrong_codes_are_limited(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_SMS_CODE_TRIES = 2
    client.post(reverse("web:track_phone"), {"phone": "13812341234"})
    code = _code_texted()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    client.post(reverse("web:track_phone_verify"), {"code": wrong})
    client.post(reverse("web:track_phone_verify"), {"code": wrong})

    body = client.post(reverse("web:track_phone_verify"), {"code": code}).content.decode()

    assert "验证码已失效" in body


def test_codes_to_one_number_are_rate_limited(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_SMS_CODES_PER_PHONE = "2/h"
    for _i in range(2):
        Client().post(reverse("web:track_phone"), {"phone": "13812341234"})

    body = client.post(reverse("web:track_phone"), {"phone": "13812341234"}).content.decode()

    assert "获取验证码过于频繁" in body and len(ConsoleSmsBackend.sent) == 2


@pytest.mark.parametrize("phone", ["12345", "1381234", "0375-1234567"])
def test_a_code_goes_only_to_a_mobile_number(client: Client, world: Any, phone: str) -> None:
    response = client.post(reverse("web:track_phone"), {"phone": phone})

    assert response.status_code == 200 and ConsoleSmsBackend.sent == []


# --- 已有人反映 and 我也反映 ------------------------------------------------------------------------------


def test_open_cases_of_the_category_nearby_are_shown(client: Client, world: Any) -> None:
    near = new_case(world, lng=113.0105, lat=33.0105)
    far = new_case(world, lng=113.04, lat=33.04, title="远处的私搭乱建")
    other_category = new_case(world, category=None, title="门口漏水")
    query = {"lng": "113.01", "lat": "33.01", "crs": "wgs84", "category": world.category.pk}

    body = client.get(reverse("web:appeal_nearby"), query).content.decode()

    assert "已有人反映" in body and reverse("web:appeal_voice", args=[near.pk]) in body
    assert reverse("web:appeal_voice", args=[far.pk]) not in body
    assert reverse("web:appeal_voice", args=[other_category.pk]) not in body
    assert near.tracking_code not in body  # a code lets one rate a case: never shown to others


def test_no_panel_without_a_place_or_a_category(client: Client, world: Any) -> None:
    new_case(world)

    body = client.get(reverse("web:appeal_nearby"), {"lng": "113.01", "lat": "33.01"}).content.decode()

    assert "已有人反映" not in body


def test_adding_ones_voice_counts_it_writes_the_history_and_subscribes_the_phone(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wo = new_case(world)

    response = client.post(reverse("web:appeal_voice", args=[wo.pk]), {f"phone_{wo.pk}": "13955556666"})
    again = client.post(reverse("web:appeal_voice", args=[wo.pk]), {f"phone_{wo.pk}": "13955556666"})

    assert response.status_code == 200 and "共有 2 人反映" in response.content.decode()
    assert "已反映过" in again.content.decode()
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.voice_count == 1 and fresh.status == Status.REGISTERED and fresh.version == wo.version
    event = fresh.events.get(name="voice")
    assert event.actor is None and event.actor_label == "群众"
    with django_capture_on_commit_callbacks(execute=True):
        act(world, fresh, "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    assert any(m["phone"] == "13955556666" and "已转交" in m["text"] for m in ConsoleSmsBackend.sent)


def test_voices_are_rate_limited_per_address(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_VOICES = "1/h"
    first, second = new_case(world), new_case(world)
    client.post(reverse("web:appeal_voice", args=[first.pk]))

    response = client.post(reverse("web:appeal_voice", args=[second.pk]))

    assert "过于频繁" in response.content.decode()
    assert WorkOrder.objects.get(pk=second.pk).voice_count == 0


def test_no_voice_on_a_closed_case_and_a_bad_number_is_refused(client: Client, world: Any) -> None:
    wo = new_case(world)
    act(world, wo, "invalidate", "dispatcher", timezone.now(), note="重复")

    closed = client.post(reverse("web:appeal_voice", args=[wo.pk]))
    open_case = new_case(world)
    bad = client.post(reverse("web:appeal_voice", args=[open_case.pk]), {f"phone_{open_case.pk}": "12345"})

    assert "已办结" in closed.content.decode() and WorkOrder.objects.get(pk=wo.pk).voice_count == 0
    assert bad.status_code == 400 and WorkOrder.objects.get(pk=open_case.pk).voice_count == 0


# --- the appeal form keeps what was given ----------------------------------------------------------------


def test_a_refused_appeal_keeps_the_photo_and_the_place(client: Client, world: Any) -> None:
    data = appeal_data(world, description="太短", address="建设路 12 号", photos=[_photo()])

    response = client.post(reverse("web:appeal"), data)

    body = response.content.decode()
    assert "请把问题描述得具体一些（至少 5 个字）" in body and "确保" not in body
    assert 'value="113.01"' in body and 'value="33.01"' in body and "建设路 12 号" in body
    token = re.search(r'name="photo_tokens" value="([^"]+)"', body)
    assert token is not None and "已保留您刚才上传的 1 张照片" in body
    assert client.get(reverse("web:appeal_photo", args=[token.group(1)])).status_code == 200

    # sent again without choosing the photo: the kept one goes with the case
    fixed = appeal_data(world, photo_tokens=token.group(1))
    assert client.post(reverse("web:appeal"), fixed).status_code == 302
    wo = WorkOrder.objects.get()
    assert wo.attachments.count() == 1
    assert client.get(reverse("web:appeal_photo", args=[token.group(1)])).status_code == 404  # used up


@pytest.mark.parametrize("phone", ["1381234", "12345", "138123412345", "电话"])
def test_a_phone_number_that_reaches_nobody_is_refused(client: Client, world: Any, phone: str) -> None:
    response = client.post(reverse("web:appeal"), appeal_data(world, reporter_phone=phone))

    assert "请填写 11 位手机号，或带区号的固定电话" in response.content.decode()
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize(("phone", "stored"), [("13812341234", "13812341234"), ("0375-1234567", "0375-1234567")])
def test_a_mobile_or_a_landline_is_accepted(client: Client, world: Any, phone: str, stored: str) -> None:
    assert client.post(reverse("web:appeal"), appeal_data(world, reporter_phone=phone)).status_code == 302

    wo = WorkOrder.objects.get()
    assert wo.reporter_phone == stored and wo.reporter_phone_index == crypto.blind_index(stored)


def test_the_citizen_is_texted_that_the_appeal_was_accepted(
    client: Client, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:appeal"), appeal_data(world))

    wo = WorkOrder.objects.get()
    [text] = [m["text"] for m in ConsoleSmsBackend.sent]
    assert "已受理" in text and wo.tracking_code in text


def test_the_staff_case_page_shows_the_added_voices(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.post(reverse("web:appeal_voice", args=[wo.pk]), {f"phone_{wo.pk}": "13955556666"})
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()

    assert "另有 1 位群众反映同一问题" in body and "群众附议（我也反映）" in body
