"""Automatic 催办 and escalation (workorders.escalation): the policy setting, the levels counted in working days,
once per level, for cases never accepted too, written in the case history."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.notifications.models import Notification
from wangge.workorders import escalation
from wangge.workorders.choices import Status
from wangge.workorders.escalation import PolicyError, escalate_due, escalation_policy_check, parse_policy
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.tasks import sweep
from wangge.workorders.tests.conftest import act, local, new_case

# 2025-06-05 is a Thursday. The accept step has 2 working hours: dispatched 09:00, due 11:00, warned at 10:36.
DISPATCHED = local(2025, 6, 5, 9, 0)


def _dispatched(w: SimpleNamespace) -> WorkOrder:
    wo = new_case(w, at=DISPATCHED)
    return act(w, wo, "dispatch", "dispatcher", DISPATCHED, unit=w.dept)


def _level(wo: WorkOrder) -> int:
    wo.refresh_from_db()
    return wo.escalation_level


# --- the policy setting --------------------------------------------------------------------------------------


def test_the_default_policy_reads_as_four_levels_up_to_a_red_card() -> None:
    steps = escalation.policy()
    assert [(s.level, s.name, s.after, s.card) for s in steps] == [
        (1, "催办", "warn", ""),
        (2, "超期催办", 0, ""),
        (3, "黄牌", 1, "yellow"),
        (4, "红牌", 3, "red"),
    ]
    assert "dispatcher" in steps[1].notify and "unit_leader" in steps[1].notify


@pytest.mark.parametrize(
    ("raw", "fault"),
    [
        ({"name": "x"}, "must be a list"),
        ([{"name": "催办", "after": "warn", "notify": ["boss"]}], "unknown recipients ['boss']"),
        ([{"name": "a", "after": 2, "notify": ["unit"]}, {"name": "b", "after": 1, "notify": ["unit"]}], "strictly"),
        ([{"name": "a", "after": 1, "notify": ["unit"]}, {"name": "b", "after": "warn", "notify": ["unit"]}], "first"),
        ([{"name": "a", "after": -1, "notify": ["unit"]}], "whole number"),
        ([{"name": "a", "after": 1.5, "notify": ["unit"]}], "whole number"),
        ([{"name": "a", "after": 1, "notify": []}], "non-empty list"),
        ([{"name": "a", "after": 1, "notify": ["unit"], "card": "blue"}], "'card'"),
        ([{"name": "a", "after": 1, "notify": ["unit"], "colour": "red"}], "unknown keys"),
        ([{"name": "a", "after": 1, "notify": ["unit"]}, {"name": "a", "after": 2, "notify": ["unit"]}], "twice"),
    ],
)
def test_a_malformed_policy_is_refused_with_the_fault_named(raw: Any, fault: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(raw)
    assert fault in str(caught.value)


def test_the_system_check_stops_a_malformed_setting(settings: Any) -> None:
    assert escalation_policy_check() == []
    settings.WANGGE_ESCALATION_STEPS = [{"name": "黄牌", "after": "1", "notify": ["dispatcher"]}]
    errors = escalation_policy_check()
    assert [e.id for e in errors] == ["workorders.E001"]
    assert "WANGGE_ESCALATION_STEPS" in errors[0].msg and "'after'" in errors[0].msg


def test_an_empty_policy_turns_escalation_off(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_ESCALATION_STEPS = []
    wo = _dispatched(world)
    assert escalate_due(local(2025, 6, 20, 9, 0)) == {}
    assert _level(wo) == 0


# --- the sweep -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_never_accepted_is_escalated_level_by_level_in_working_days(world: SimpleNamespace) -> None:
    wo = _dispatched(world)  # 待签收, and it stays so
    assert escalate_due(local(2025, 6, 5, 10, 30)) == {}  # before the warning instant
    assert escalate_due(local(2025, 6, 5, 10, 40)) == {1: 1} and _level(wo) == 1  # 催办 at the warning
    assert escalate_due(local(2025, 6, 5, 11, 1)) == {2: 1} and _level(wo) == 2  # overdue
    # One working day overdue: the deadline's day (Thursday) and Friday have ended.
    assert escalate_due(local(2025, 6, 6, 17, 59)) == {} and _level(wo) == 2
    assert escalate_due(local(2025, 6, 6, 18, 1)) == {3: 1} and _level(wo) == 3  # 黄牌
    # The weekend does not count: on Monday morning the case is still one working day overdue …
    assert escalate_due(local(2025, 6, 9, 9, 0)) == {} and _level(wo) == 3
    # … and three working days overdue (Fri, Mon, Tue) only once Tuesday's office hours have ended.
    assert escalate_due(local(2025, 6, 10, 17, 59)) == {} and _level(wo) == 3
    assert escalate_due(local(2025, 6, 10, 18, 1)) == {4: 1} and _level(wo) == 4  # 红牌
    wo.refresh_from_db()
    assert wo.status == Status.DISPATCHED and wo.escalated_at == local(2025, 6, 10, 18, 1)


def test_a_holiday_does_not_count_either(world: SimpleNamespace) -> None:
    # Dispatched on Friday 2025-09-26; the accept step is overdue the same day. 2025-09-28 (Sunday) is a make-up
    # working day (调休), 2025-10-01 … 10-08 are the National Day holidays.
    at = local(2025, 9, 30, 9, 0)  # Tuesday, the last working day before the holidays
    wo = act(world, new_case(world, at=at), "dispatch", "dispatcher", at, unit=world.dept)
    escalate_due(local(2025, 9, 30, 11, 1))
    assert _level(wo) == 2
    escalate_due(local(2025, 10, 8, 18, 1))  # eight natural days later, but no working day has passed
    assert _level(wo) == 2
    escalate_due(local(2025, 10, 9, 18, 1))  # Thursday 10-09 is the first working day after the deadline's
    assert _level(wo) == 3


def test_running_twice_notifies_once(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    now = local(2025, 6, 6, 18, 1)
    assert escalate_due(now) == {3: 1}  # a sweep that was down skips to the highest level due, once
    assert escalate_due(now) == {}
    assert escalate_due(now + dt.timedelta(minutes=1)) == {}
    assert Event.objects.filter(work_order=wo, name="escalate").count() == 1
    assert Notification.objects.filter(recipient=world.inspector).count() == 1  # the supervisor hears of 黄牌
    assert Notification.objects.filter(recipient=world.handler, key__endswith=":escalation3").count() == 1


def test_a_concurrent_sweep_that_lost_the_race_writes_and_notifies_nothing(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    step = escalation.step_of(3)
    assert step is not None and wo.step_due_at is not None
    now = local(2025, 6, 6, 18, 1)
    assert escalation.escalate_case(wo.pk, step, now, due_at=wo.step_due_at) is True
    assert escalation.escalate_case(wo.pk, step, now, due_at=wo.step_due_at) is False  # the other sweep's try
    assert Event.objects.filter(work_order=wo, name="escalate").count() == 1
    assert Notification.objects.filter(recipient=world.dispatcher, key__endswith=":escalation3").count() == 1


def test_the_escalation_is_in_the_case_history_with_its_recipients(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    escalate_due(local(2025, 6, 5, 11, 1))
    ev = Event.objects.get(work_order=wo, name="escalate")
    assert ev.actor is None and ev.actor_label == "系统（自动催办）"
    assert ev.from_status == ev.to_status == Status.DISPATCHED
    assert ev.data["level"] == 2 and ev.data["name"] == "超期催办" and ev.data["notified"] is True
    names = {r["name"] for r in ev.data["recipients"]}
    # Never accepted: the unit's staff are told, with the leader over the unit and the dispatcher.
    assert names == {str(world.handler), str(world.leader), str(world.dispatcher)}
    assert "超期催办" in ev.note and str(world.leader) in ev.note
    leader_notice = Notification.objects.get(recipient=world.leader)
    assert "超期催办" in leader_notice.subject and leader_notice.link == f"/cases/{wo.pk}/"


def test_the_warning_level_does_not_tell_twice_whom_the_deadline_notice_told(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    counts = sweep(local(2025, 6, 5, 10, 40))
    assert counts["approaching"] == 1 and counts["escalation_1"] == 1
    deadline_notices = Notification.objects.filter(recipient=world.handler, subject__contains=wo.tracking_code)
    assert list(deadline_notices.exclude(subject__contains="派遣").values_list("subject", flat=True)) == [
        f"工单 {wo.tracking_code} 即将超期（待签收）"
    ]
    assert Event.objects.filter(work_order=wo, name="escalate").count() == 1


def test_a_case_never_dispatched_is_escalated_to_the_dispatchers(world: SimpleNamespace) -> None:
    wo = new_case(world, at=DISPATCHED)  # 待派遣: the dispatch step has 2 working hours too
    escalate_due(local(2025, 6, 5, 11, 1))
    ev = Event.objects.get(work_order=wo, name="escalate")
    assert {r["name"] for r in ev.data["recipients"]} == {str(world.dispatcher)}


def test_a_new_step_starts_unescalated_and_escalates_afresh(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    escalate_due(local(2025, 6, 6, 18, 1))
    assert _level(wo) == 3
    wo = act(world, wo, "accept", "handler", local(2025, 6, 9, 9, 0))
    assert wo.escalation_level == 0 and wo.escalated_at is None
    assert escalate_due(local(2025, 6, 9, 9, 1)) == {}  # handling: 15 working days ahead
    assert Event.objects.filter(work_order=wo, name="escalate").count() == 1  # the history keeps the 黄牌


def test_an_approved_extension_moves_the_deadline_and_escalates_afresh(world: SimpleNamespace) -> None:
    wo = act(world, _dispatched(world), "accept", "handler", local(2025, 6, 5, 9, 10))
    assert wo.due_at is not None
    escalate_due(wo.due_at + dt.timedelta(minutes=1))
    assert _level(wo) == 2
    t = wo.due_at + dt.timedelta(hours=1)
    act(world, wo, "request_extension", "handler", t, amount=10, unit_of_time="working_days", note="需协调")
    wo = act(world, wo, "approve_extension", "dispatcher", t + dt.timedelta(minutes=5))
    assert wo.escalation_level == 0 and wo.escalated_at is None
    assert escalate_due(t + dt.timedelta(minutes=6)) == {}


def test_a_suspended_case_is_not_escalated(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    wo = act(world, wo, "accept", "handler", local(2025, 6, 5, 9, 10))
    act(world, wo, "suspend", "handler", local(2025, 6, 5, 10, 0), note="等待鉴定")
    assert escalate_due(local(2025, 8, 1, 9, 0)) == {}


def test_catch_up_writes_each_level_at_the_instant_it_was_reached(world: SimpleNamespace) -> None:
    wo = _dispatched(world)
    assert escalation.catch_up(wo.pk, local(2025, 6, 9, 12, 0), notify=False) == 3
    rows = list(Event.objects.filter(work_order=wo, name="escalate").order_by("at"))
    assert [(e.data["level"], e.at) for e in rows] == [
        (1, local(2025, 6, 5, 10, 36)),
        (2, local(2025, 6, 5, 11, 0, 1)),
        (3, local(2025, 6, 6, 18, 0, 1)),
    ]
    assert not Notification.objects.filter(subject__contains="催办").exists() and rows[0].data["notified"] is False
    assert not Notification.objects.filter(recipient=world.inspector).exists()
