"""Deadline arithmetic of the loop: office-hour windows, 调休, pauses, extensions, frozen outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from wangge.workcalendar.services import calendar_day_set
from wangge.workorders.choices import DurationUnit, Step
from wangge.workorders.models import StepClock, StepDeadline
from wangge.workorders.tasks import flag_deadlines

from .conftest import act, local, new_case


def _dispatch(w: SimpleNamespace, code: str, at: dt.datetime):  # type: ignore[no-untyped-def]
    category = w.category.category_set.categories.get(code=code)
    wo = new_case(w, at=at, category=category)
    return act(w, wo, "dispatch", "dispatcher", at, unit=w.dept)


def test_working_hours_skip_the_lunch_break(world: SimpleNamespace) -> None:
    # 暴露垃圾: 4 working hours. 11:00→12:00 is 1 h, then 14:30→17:30 is 3 h.
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 11, 0))
    assert wo.due_at == local(2025, 6, 3, 17, 30)
    assert wo.due_provisional is False


def test_warning_at_eighty_percent_of_working_time(world: SimpleNamespace) -> None:
    # 4 h from 09:00: 3.2 h → 12:00 plus 12 minutes after the lunch break.
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 9, 0))
    act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 0))
    wo.refresh_from_db()
    assert wo.due_at == local(2025, 6, 3, 15, 30)
    assert wo.step_warn_at == local(2025, 6, 3, 14, 42)


def test_make_up_saturday_counts_as_a_working_day(world: SimpleNamespace) -> None:
    cat = world.category.category_set.categories.get(code="E0301")
    StepDeadline.objects.filter(category=cat, step=Step.HANDLE).update(
        amount=Decimal(3), unit=DurationUnit.WORKING_DAYS
    )
    wo = _dispatch(world, "E0301", local(2025, 9, 30, 10, 0))
    # Oct 1–8 2025 are holidays; Saturday Oct 11 is a 调休 working day: the third working day after Sep 30.
    assert wo.due_at == local(2025, 10, 11, 18, 0)


def test_a_pause_moves_the_deadline_by_the_working_time_paused(world: SimpleNamespace) -> None:
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 9, 0))  # due 15:30
    act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 5))
    act(world, wo, "suspend", "handler", local(2025, 6, 3, 10, 0), note="等待产权单位")
    wo = act(world, wo, "resume", "handler", local(2025, 6, 3, 15, 0))
    # paused 10:00→12:00 and 14:30→15:00 = 2.5 working hours → 15:30 + 2.5 h = 18:00
    assert wo.due_at == local(2025, 6, 3, 18, 0)
    clock = StepClock.objects.get(work_order=wo, step=Step.HANDLE, ended_at__isnull=True)
    assert clock.due_at == wo.due_at and clock.paused_seconds == 5 * 3600


def test_an_extension_adds_working_days_to_the_deadline(world: SimpleNamespace) -> None:
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 11, 0))  # due Tue 17:30
    act(world, wo, "accept", "handler", local(2025, 6, 3, 11, 5))
    act(
        world,
        wo,
        "request_extension",
        "handler",
        local(2025, 6, 3, 12, 0),
        amount=2,
        unit_of_time="working_days",
        note="需协调",
    )
    wo = act(world, wo, "approve_extension", "dispatcher", local(2025, 6, 3, 14, 40))
    assert wo.due_at == local(2025, 6, 5, 18, 0)


def test_outcome_is_frozen_when_the_step_ends(world: SimpleNamespace) -> None:
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 11, 0))  # due 17:30
    act(world, wo, "accept", "handler", local(2025, 6, 3, 11, 5))
    act(world, wo, "reply", "handler", local(2025, 6, 4, 9, 0), text="已清运", result="resolved")
    wo = act(world, wo, "verify_pass", "inspector", local(2025, 6, 4, 10, 0))
    assert wo.handled_on_time is False
    handle = StepClock.objects.get(work_order=wo, step=Step.HANDLE)
    assert handle.on_time is False
    # Declaring the day a holiday afterwards rewrites nothing already decided.
    calendar_day_set(actor=world.dispatcher, date=dt.date(2025, 6, 3), kind="holiday", name="临时放假")
    wo.refresh_from_db()
    handle.refresh_from_db()
    assert wo.handled_on_time is False and handle.on_time is False
    assert wo.due_at == local(2025, 6, 3, 17, 30)


def test_deadline_in_a_year_without_an_official_schedule_is_provisional(world: SimpleNamespace) -> None:
    wo = _dispatch(world, "E0101", local(2026, 12, 21, 10, 0))  # 15 working days runs into 2027
    assert wo.due_provisional is True
    assert wo.due_at is not None and wo.due_at.year == 2027


def test_urgent_cases_count_clock_hours(world: SimpleNamespace) -> None:
    wo = new_case(world, at=local(2025, 6, 7, 22, 0), urgency="urgent")  # a Saturday night
    wo = act(world, wo, "dispatch", "dispatcher", local(2025, 6, 7, 22, 0), unit=world.dept)
    assert wo.due_at == local(2025, 6, 8, 0, 0)  # 2 clock hours


def test_flag_deadlines_warns_and_flags_once(world: SimpleNamespace) -> None:
    from wangge.notifications.models import Notification

    wo = _dispatch(world, "E0102", local(2025, 6, 3, 9, 0))
    act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 5))
    first = flag_deadlines(now=local(2025, 6, 3, 15, 0))  # past the 80% mark
    again = flag_deadlines(now=local(2025, 6, 3, 15, 1))
    assert first == {"approaching": 1, "overdue": 0} and again == {"approaching": 0, "overdue": 0}
    late = flag_deadlines(now=local(2025, 6, 3, 16, 0))
    assert late == {"approaching": 0, "overdue": 1}
    assert flag_deadlines(now=local(2025, 6, 3, 17, 0)) == {"approaching": 0, "overdue": 0}
    keys = set(Notification.objects.filter(recipient=world.handler).values_list("key", flat=True))
    assert any(k.endswith(":approaching") for k in keys) and any(k.endswith(":overdue") for k in keys)
    assert Notification.objects.filter(recipient=world.dispatcher, key__endswith=":overdue").count() == 1


def test_periodic_runner_enqueues_the_sweep(world: SimpleNamespace) -> None:
    import io

    from django.core.management import call_command

    from wangge.notifications.models import Notification

    wo = _dispatch(world, "E0102", local(2025, 6, 3, 9, 0))  # long overdue by now
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    assert "enqueued sweep_deadlines" in out.getvalue()
    wo.refresh_from_db()
    assert wo.breached_step_at is not None
    assert Notification.objects.filter(key__endswith=":overdue").exists()
