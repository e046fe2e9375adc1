"""The citizen hears by text message at each public step of their case (console SMS backend), once per step."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from wangge.notifications.models import SmsMessage
from wangge.notifications.services import sms_subscribe
from wangge.notifications.sms import ConsoleSmsBackend
from wangge.workorders.models import WorkOrder
from wangge.workorders.notifications import case_topic
from wangge.workorders.tests.conftest import act, local, new_case, to_handling

T0 = local(2025, 6, 3, 9, 0)


@pytest.fixture(autouse=True)
def _console(settings: Any) -> None:
    settings.WANGGE_SMS_BACKEND = "console"
    settings.WANGGE_PUBLIC_BASE_URL = "https://wangge.example"
    settings.WANGGE_SMS_MAX_AGE_HOURS = 0  # the cases below are dated 2025
    ConsoleSmsBackend.sent.clear()


def _texts(phone: str = "13812341234") -> list[str]:
    return [m["text"] for m in ConsoleSmsBackend.sent if m["phone"] == phone]


def test_the_reporter_hears_of_each_public_step(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        wo = new_case(w, at=T0)
        code = wo.tracking_code
        to_handling(w, wo, T0 + dt.timedelta(minutes=5))
        act(w, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="违建已拆除，人行道已恢复。", result="resolved")
        act(w, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=2))
        act(w, wo, "callback", "caller", T0 + dt.timedelta(hours=3), rating=5, resolved=True)
        act(w, wo, "close", "dispatcher", T0 + dt.timedelta(hours=4))

    texts = _texts()
    url = f"https://wangge.example/track/{code}/"
    assert len(texts) == 5  # 受理, 派遣, 答复, 请评价, 结案 — nothing for 签收 or the rating itself
    assert texts[0] == f"您反映的问题已受理，查询码 {code}，可随时查看办理进度：{url}"
    assert "已转交城市管理局处理，承诺于" in texts[1] and url in texts[1]
    assert "违建已拆除" in texts[2]
    assert "请对办理结果进行评价" in texts[3]
    assert "已结案" in texts[4]
    assert all(code in t for t in texts)
    assert "待派遣" not in "".join(texts) and "待回访" not in "".join(texts)


def test_a_bad_rating_tells_the_reporter_of_the_rectification_case(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    wo = new_case(w, at=T0)
    to_handling(w, wo, T0)
    act(w, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="已处理", result="resolved")
    act(w, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=2))
    ConsoleSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(w, wo, "callback", "citizen", T0 + dt.timedelta(hours=3), rating=1, resolved=False)

    child = wo.children.get()
    [text] = _texts()
    assert child.tracking_code in text and wo.tracking_code in text and "整改" in text


def test_a_step_never_texts_twice_and_subscribers_hear_too(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    w = world
    wo = new_case(w, at=T0)
    sms_subscribe(topic=case_topic(wo), phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        act(w, wo, "dispatch", "dispatcher", T0, unit=w.dept)
    from wangge.workorders.notifications import on_public_step

    with django_capture_on_commit_callbacks(execute=True):
        on_public_step(
            WorkOrder.objects.get(pk=wo.pk), "dispatch"
        )  # the same step run again (a retried task): nothing new

    assert len(_texts("13812341234")) == 1 and len(_texts("13912345678")) == 1
    assert SmsMessage.objects.filter(topic=case_topic(wo)).count() == 3  # 受理 + 派遣 ×2 numbers


def test_a_case_without_a_mobile_number_texts_nobody(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0, reporter_phone="0375-2345678")
    act(world, wo, "dispatch", "dispatcher", T0, unit=world.dept)

    assert not SmsMessage.objects.exists()


def test_a_back_dated_step_is_not_texted(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_SMS_MAX_AGE_HOURS = 24
    old = new_case(world, at=T0)  # the demo's history, a migration of old cases
    act(world, old, "dispatch", "dispatcher", T0, unit=world.dept)
    recent = new_case(world, at=timezone.now())

    assert list(SmsMessage.objects.values_list("topic", flat=True)) == [case_topic(recent)]
