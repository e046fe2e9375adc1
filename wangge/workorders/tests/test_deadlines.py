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


def test_the_warning_share_is_configurable(world: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_WARN_SHARE = 0.5
    wo = _dispatch(world, "E0102", local(2025, 6, 3, 9, 0))  # 4 working hours: due 15:30
    act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 0))
    wo.refresh_from_db()
    assert wo.step_warn_at == local(2025, 6, 3, 11, 0)  # half of the 4 h
    assert flag_deadlines(now=local(2025, 6, 3, 10, 59)) == {"approaching": 0, "overdue": 0}
    assert flag_deadlines(now=local(2025, 6, 3, 11, 0)) == {"approaching": 1, "overdue": 0}


def test_an_extension_moves_the_warning_and_warns_again(world: SimpleNamespace) -> None:
    from wangge.notifications.models import Notification

    wo = _dispatch(world, "E0102", local(2025, 6, 3, 11, 0))  # due Tue 17:30
    act(world, wo, "accept", "handler", local(2025, 6, 3, 11, 5))
    assert flag_deadlines(now=local(2025, 6, 3, 17, 0)) == {"approaching": 1, "overdue": 0}
    act(
        world,
        wo,
        "request_extension",
        "handler",
        local(2025, 6, 3, 17, 5),
        amount=2,
        unit_of_time="working_days",
        note="需协调",
    )
    wo = act(world, wo, "approve_extension", "dispatcher", local(2025, 6, 3, 17, 10))
    assert wo.due_at == local(2025, 6, 5, 18, 0)
    # 80% of the office time from the accept (Tue 11:05) to Thu 18:00: 18 h 25 min × 0.8 = 14 h 44 min
    # → Tue 4 h 25 min, Wed 7 h, Thu 08:30 + 3 h 19 min.
    assert wo.step_warn_at == local(2025, 6, 5, 11, 49)
    assert flag_deadlines(now=local(2025, 6, 3, 17, 45)) == {"approaching": 0, "overdue": 0}  # no longer late
    assert flag_deadlines(now=local(2025, 6, 5, 11, 50)) == {"approaching": 1, "overdue": 0}
    warned = Notification.objects.filter(recipient=world.handler, key__endswith=":approaching")
    assert warned.count() == 2  # one for each deadline


def test_day_extensions_must_be_whole_days(world: SimpleNamespace) -> None:
    import pytest

    from wangge.core.errors import ValidationFailed
    from wangge.workorders.models import WorkOrder

    wo = _dispatch(world, "E0102", local(2025, 6, 3, 11, 0))
    act(world, wo, "accept", "handler", local(2025, 6, 3, 11, 5))
    before = WorkOrder.objects.values().get(pk=wo.pk)
    with pytest.raises(ValidationFailed) as err:
        act(
            world,
            wo,
            "request_extension",
            "handler",
            local(2025, 6, 3, 12, 0),
            amount="1.5",
            unit_of_time="working_days",
            note="x",
        )
    assert err.value.code == "invalid_amount"
    assert WorkOrder.objects.values().get(pk=wo.pk) == before
    # half a day in working hours is fine
    act(
        world,
        wo,
        "request_extension",
        "handler",
        local(2025, 6, 3, 12, 0),
        amount="3.5",
        unit_of_time="working_hours",
        note="x",
    )
    wo = act(world, wo, "approve_extension", "dispatcher", local(2025, 6, 3, 14, 40))
    assert wo.due_at == local(2025, 6, 4, 11, 30)  # 17:30 + 0.5 h today, 3 h tomorrow from 08:30


def test_day_limits_in_the_dictionary_must_be_whole_days(world: SimpleNamespace) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    row = StepDeadline(category=world.category, step=Step.VERIFY, amount=Decimal("1.5"), unit=DurationUnit.WORKING_DAYS)
    with pytest.raises(ValidationError):
        row.full_clean()
    StepDeadline(category=world.category, step=Step.VERIFY, amount=Decimal("1.5"), unit="working_hours").full_clean()


def test_each_step_freezes_its_own_outcome(world: SimpleNamespace) -> None:
    # 暴露垃圾 (4 working hours to handle); dispatch and accept 2 working hours, verify 1 working day,
    # callback 2 working days (the platform defaults).
    wo = new_case(world, at=local(2025, 6, 3, 9, 0), category=world.category.category_set.categories.get(code="E0102"))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 14, 45), unit=world.dept)  # due 11:00: late
    act(world, wo, "accept", "handler", local(2025, 6, 3, 15, 0))  # due 16:45: on time
    # handling runs 4 working hours from the dispatch: 14:45–18:00, then 08:30–09:15 the next day
    act(world, wo, "reply", "handler", local(2025, 6, 4, 10, 0), text="已清运", result="resolved")  # late
    act(world, wo, "verify_pass", "inspector", local(2025, 6, 6, 9, 0))  # due end of Thu Jun 5: late
    act(world, wo, "callback", "caller", local(2025, 6, 9, 10, 0), rating=4, resolved=True)  # due end of Jun 10
    wo = act(world, wo, "close", "dispatcher", local(2025, 6, 9, 11, 0))
    outcome = list(StepClock.objects.filter(work_order=wo).values_list("step", "on_time"))
    expected = [("dispatch", False), ("accept", True), ("handle", False), ("verify", False), ("callback", True)]
    assert outcome == expected
    assert (wo.accepted_on_time, wo.handled_on_time) == (True, False)
    # Later calendar edits change none of it.
    for day in (dt.date(2025, 6, 4), dt.date(2025, 6, 5)):
        calendar_day_set(actor=world.dispatcher, date=day, kind="holiday", name="临时放假")
    assert list(StepClock.objects.filter(work_order=wo).values_list("step", "on_time")) == expected
    wo.refresh_from_db()
    assert (wo.accepted_on_time, wo.handled_on_time) == (True, False)


def test_a_sweep_leaves_a_case_that_moved_on_since_it_was_read(world: SimpleNamespace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from wangge.workorders import tasks
    from wangge.workorders.models import WorkOrder

    cases = [_dispatch(world, "E0102", local(2025, 6, 3, 9, 0)) for _ in range(2)]
    for wo in cases:
        act(world, wo, "accept", "handler", local(2025, 6, 3, 9, 5))
    now = local(2025, 6, 3, 15, 0)  # both past their 80% mark
    notified: list[int] = []
    real = tasks.notifications.on_deadline

    def on_deadline(wo: WorkOrder, what: str) -> None:
        # While the sweep works through the ids it read, the other case is replied to: its step ends.
        if not notified:
            other = next(c for c in cases if c.pk != wo.pk)
            act(world, other, "reply", "handler", local(2025, 6, 3, 14, 59), text="已清运", result="resolved")
        notified.append(wo.pk)
        real(wo, what)

    monkeypatch.setattr(tasks.notifications, "on_deadline", on_deadline)
    assert flag_deadlines(now=now) == {"approaching": 1, "overdue": 0}
    replied = WorkOrder.objects.get(status="replied")
    assert replied.pk not in notified and replied.warned_step_at is None
