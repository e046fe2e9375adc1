"""Who hears about a transition, through the one notification interface, and only once it is committed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import ValidationFailed
from wangge.notifications.models import Notification, WebhookDelivery, WebhookEndpoint

from .conftest import act, local, new_case

T0 = local(2025, 6, 3, 9, 0)


def _inbox(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("subject", flat=True))


def test_the_loop_tells_the_right_people(world: SimpleNamespace, django_capture_on_commit_callbacks: Any) -> None:
    w = world
    WebhookEndpoint.objects.create(name="测试社区网格群", url="http://127.0.0.1:9/hook", territory=w.community)
    wo = new_case(w, at=T0)  # the call taker files it into grid 1: the grid's own staff hear
    code = wo.tracking_code
    assert _inbox(w.worker) == [f"{w.caller} 在本网格登记了工单 {code}"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        act(w, wo, "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=w.dept)
    assert _inbox(w.handler) == [f"新派遣工单 {code}，请及时签收"] and len(callbacks) == 1
    assert _inbox(w.other_handler) == []  # another unit hears nothing
    act(w, wo, "return", "handler", T0 + dt.timedelta(minutes=10), note="非本单位职责")
    assert _inbox(w.dispatcher) == [f"工单 {code} 被退回，请重新派遣"]
    assert _inbox(w.stranger) == []  # a dispatcher of another district neither
    act(w, wo, "dispatch", "dispatcher", T0 + dt.timedelta(minutes=15), unit=w.dept)
    act(w, wo, "accept", "handler", T0 + dt.timedelta(minutes=20))
    act(w, wo, "supervise", "leader", T0 + dt.timedelta(minutes=30), level="yellow", note="群众反映强烈")
    assert _inbox(w.handler)[-1] == f"工单 {code} 被督办，请加快办理"
    act(w, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="已拆除", result="resolved")
    act(w, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=2))
    act(w, wo, "callback", "caller", T0 + dt.timedelta(hours=3), rating=1, resolved=False)
    bad = f"工单 {code} 回访差评，已生成整改工单"
    assert _inbox(w.handler)[-1] == bad and _inbox(w.dispatcher)[-1] == bad
    # every one of them went to the community's group robot as well, once per event
    keys = list(WebhookDelivery.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 6  # filed, dispatch, return, dispatch, supervise, callback


def test_a_refused_transition_notifies_nobody(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    before = Notification.objects.count()
    with pytest.raises(ValidationFailed):
        act(world, wo, "dispatch", "dispatcher", T0, unit=0)
    assert Notification.objects.count() == before


def test_a_card_on_a_case_awaiting_dispatch_goes_to_the_dispatchers(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    act(world, wo, "supervise", "inspector", T0 + dt.timedelta(hours=3), level="yellow", note="久未派遣")
    assert _inbox(world.dispatcher) == [f"工单 {wo.tracking_code} 被督办，请加快办理"]
    assert _inbox(world.handler) == []


def test_the_unit_a_case_is_taken_from_hears_it_need_not_accept_it(world: SimpleNamespace) -> None:
    w = world
    wo = new_case(w, at=T0)
    code = wo.tracking_code
    act(w, wo, "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=w.dept)
    act(w, wo, "redispatch", "dispatcher", T0 + dt.timedelta(minutes=10), unit=w.dept2, note="职责属生态环境")
    assert _inbox(w.handler)[-1] == f"工单 {code} 已改派至其他单位，本单位无需签收"
    assert _inbox(w.other_handler) == [f"改派工单 {code}，请及时签收"]
    act(w, wo, "recall", "dispatcher", T0 + dt.timedelta(minutes=15), note="派错单位")
    assert _inbox(w.other_handler)[-1] == f"工单 {code} 已由指挥中心撤回，本单位无需签收"
    assert len(_inbox(w.handler)) == 2  # the first unit is not told of the recall from the second
