"""The 值班表: generation from a rotation on the working calendar, 换班 and 到岗签到."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.duty.choices import DutyRole
from wangge.duty.errors import ErrorCode, StateRefused
from wangge.duty.models import DutyAssignment, DutyRoster, DutyShift, DutySwap
from wangge.duty.selectors import check_in_missing, duty_today, missing_check_ins
from wangge.duty.services import (
    duty_assignment_add,
    duty_assignment_remove,
    duty_check_in,
    duty_roster_create,
    duty_roster_generate,
    duty_swap,
)

from .conftest import local


def roster(w: SimpleNamespace, **kw: object) -> DutyRoster:
    fields: dict[str, object] = {"actor": w.admin, "name": "区防汛值班", "territory": w.district, "unit": w.centre}
    fields.update(kw)
    return duty_roster_create(**fields)  # type: ignore[arg-type]


def generate(w: SimpleNamespace, r: DutyRoster, start: dt.date, end: dt.date, **kw: object) -> object:
    fields: dict[str, object] = {
        "actor": w.admin,
        "roster": r,
        "start": start,
        "end": end,
        "leaders": [w.leader, {"name": "张副区长", "phone": "13900002222"}],
        "officers": [w.worker, w.worker2, w.dispatcher],
    }
    fields.update(kw)
    return duty_roster_generate(**fields)  # type: ignore[arg-type]


def test_generation_gives_day_and_night_on_working_days_and_24_hours_on_rest_days_and_holidays(w):
    # given 2025-09-27 (Saturday), 09-28 (Sunday, a make-up working day), 09-29, 09-30, 10-01 (国庆)
    r = roster(w)
    # when
    result = generate(w, r, dt.date(2025, 9, 27), dt.date(2025, 10, 1))
    # then
    by_day: dict[dt.date, list[str]] = {}
    for s in DutyShift.objects.filter(roster=r).select_related("pattern").order_by("starts_at"):
        by_day.setdefault(s.day, []).append(s.pattern.key)
    assert by_day == {
        dt.date(2025, 9, 27): ["full"],
        dt.date(2025, 9, 28): ["day", "night"],
        dt.date(2025, 9, 29): ["day", "night"],
        dt.date(2025, 9, 30): ["day", "night"],
        dt.date(2025, 10, 1): ["full"],
    }
    assert result.created == 8 and result.skipped == 0  # type: ignore[attr-defined]
    night = DutyShift.objects.get(roster=r, day=dt.date(2025, 9, 29), pattern__key="night")
    assert night.starts_at == local(2025, 9, 29, 17, 30) and night.ends_at == local(2025, 9, 30, 8, 30)
    full = DutyShift.objects.get(roster=r, day=dt.date(2025, 10, 1))
    assert full.ends_at - full.starts_at == dt.timedelta(hours=24)
    assert AuditEntry.objects.filter(action="duty.roster_generate", object_id=str(r.pk)).count() == 1


def test_generation_rotates_one_leader_a_day_and_officers_shift_by_shift(w):
    r = roster(w)
    generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 30))
    shifts = list(DutyShift.objects.filter(roster=r).order_by("starts_at"))
    leaders = [s.assignments.get(role=DutyRole.LEADER).name for s in shifts]
    officers = [s.assignments.get(role=DutyRole.OFFICER).name for s in shifts]
    assert leaders == ["leader", "leader", "张副区长", "张副区长"]
    assert officers == ["worker", "worker2", "dispatcher", "worker"]
    named = DutyAssignment.objects.get(shift=shifts[2], role=DutyRole.LEADER)
    assert named.user is None and named.phone == "13900002222"


def test_generating_again_never_doubles_a_shift(w):
    r = roster(w)
    generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 30))
    again = generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 10, 1))
    assert again.created == 1 and again.skipped == 4  # type: ignore[attr-defined]
    assert DutyShift.objects.filter(roster=r).count() == 5
    assert DutyAssignment.objects.filter(shift__roster=r).count() == 10


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"leaders": []}, ErrorCode.EMPTY_ROTATION),
        ({"officers": []}, ErrorCode.EMPTY_ROTATION),
        ({"start": dt.date(2025, 10, 2), "end": dt.date(2025, 10, 1)}, ErrorCode.INVALID_PERIOD),
        ({"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}, ErrorCode.INVALID_PERIOD),
        ({"officers": [{"name": "", "phone": ""}]}, ErrorCode.INVALID_PERSON),
        ({"officers": [{"name": "王五", "phone": "abc-call"}]}, ErrorCode.INVALID_PERSON),
    ],
)
def test_generation_refuses_bad_input_and_writes_nothing(w, kw, code):
    r = roster(w)
    args = {"start": dt.date(2025, 9, 29), "end": dt.date(2025, 9, 30), **kw}
    with pytest.raises(ValidationFailed) as exc:
        generate(w, r, **args)  # type: ignore[arg-type]
    assert exc.value.code == code
    assert not DutyShift.objects.exists()


def test_only_those_who_keep_the_node_generate(w):
    r = roster(w)
    with pytest.raises(PermissionDenied):
        generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 29), actor=w.leader)  # view only
    with pytest.raises(NotFound):
        generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 29), actor=w.stranger)  # another district
    assert not DutyShift.objects.exists()


def test_a_roster_is_opened_only_on_a_node_one_keeps(w):
    with pytest.raises(PermissionDenied):
        roster(w, actor=w.street_staff)  # the district is above the street
    street = roster(w, actor=w.street_staff, name="优越路街道防汛值班", territory=w.street, unit=None)
    assert street.territory == w.street
    with pytest.raises(ValidationFailed):
        roster(w, territory=w.grid)
    assert DutyRoster.objects.count() == 1


# --- swaps ---------------------------------------------------------------------------------------------------


def _one_day(w: SimpleNamespace) -> tuple[DutyRoster, DutyAssignment]:
    r = roster(w)
    generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 29))
    day_officer = DutyAssignment.objects.get(shift__roster=r, shift__pattern__key="day", role=DutyRole.OFFICER)
    return r, day_officer


def test_a_swap_hands_the_duty_over_and_keeps_who_and_why(w):
    _r, a = _one_day(w)
    swap = duty_swap(
        actor=w.admin, assignment=a, to=w.dispatcher, reason="原值班员参加培训", now=local(2025, 9, 28, 10)
    )
    a.refresh_from_db()
    assert a.user == w.dispatcher and a.name == "dispatcher"
    assert (swap.from_name, swap.to_name, swap.reason) == ("worker", "dispatcher", "原值班员参加培训")
    entry = AuditEntry.objects.get(action="duty.assignment_swap")
    assert entry.note == "原值班员参加培训" and entry.actor == w.admin


def test_a_swap_to_a_person_without_an_account(w):
    _r, a = _one_day(w)
    duty_swap(
        actor=w.admin,
        assignment=a,
        to={"name": "李志愿", "phone": "13700003333"},
        reason="病假",
        now=local(2025, 9, 28, 10),
    )
    a.refresh_from_db()
    assert a.user is None and a.name == "李志愿" and a.phone == "13700003333"


@pytest.mark.parametrize(
    ("case", "code", "error"),
    [
        ("over", ErrorCode.SWAP_SHIFT_OVER, StateRefused),
        ("checked_in", ErrorCode.SWAP_CHECKED_IN, StateRefused),
        ("same", ErrorCode.SWAP_SAME_PERSON, ValidationFailed),
        ("double", ErrorCode.SWAP_DOUBLE_BOOKED, StateRefused),
        ("no_reason", ErrorCode.SWAP_REASON_REQUIRED, ValidationFailed),
    ],
)
def test_a_swap_is_refused_and_changes_nothing(w, case, code, error):
    _r, a = _one_day(w)
    now = local(2025, 9, 28, 10)
    to, reason = w.leader, "临时有事"
    if case == "over":
        now = local(2025, 9, 29, 18)
    elif case == "checked_in":
        duty_check_in(actor=w.worker, assignment=a, now=local(2025, 9, 29, 8, 20))
        now = local(2025, 9, 29, 9)
    elif case == "same":
        to = w.worker
    elif case == "double":
        to = w.worker2  # on the night shift, which does not overlap; put them on the day shift's leader post
        leader_post = DutyAssignment.objects.get(shift=a.shift, role=DutyRole.LEADER)
        leader_post.user, leader_post.name = w.worker2, "worker2"
        leader_post.save()
    elif case == "no_reason":
        reason = "  "
    before = list(DutyAssignment.objects.order_by("pk").values_list("user_id", "name"))
    with pytest.raises(error) as exc:
        duty_swap(actor=w.admin, assignment=a, to=to, reason=reason, now=now)
    assert exc.value.code == code
    assert list(DutyAssignment.objects.order_by("pk").values_list("user_id", "name")) == before
    assert not DutySwap.objects.exists()
    assert not AuditEntry.objects.filter(action="duty.assignment_swap").exists()


def test_a_swap_is_refused_to_those_who_only_view_and_unseen_elsewhere(w):
    _r, a = _one_day(w)
    with pytest.raises(PermissionDenied):
        duty_swap(actor=w.leader, assignment=a, to=w.dispatcher, reason="x", now=local(2025, 9, 28, 10))
    with pytest.raises(NotFound):
        duty_swap(actor=w.stranger, assignment=a, to=w.dispatcher, reason="x", now=local(2025, 9, 28, 10))
    assert not DutySwap.objects.exists()


# --- check-in ------------------------------------------------------------------------------------------------


def test_the_person_on_duty_checks_in_with_time_and_position(w):
    _r, a = _one_day(w)
    duty_check_in(actor=w.worker, assignment=a, lng=113.01, lat=33.02, now=local(2025, 9, 29, 8, 25))
    a.refresh_from_db()
    assert a.checked_in_at == local(2025, 9, 29, 8, 25)
    assert (a.check_in_lng, a.check_in_lat) == (113.01, 33.02)
    assert AuditEntry.objects.filter(action="duty.check_in", object_id=str(a.pk)).exists()


@pytest.mark.parametrize(
    ("who", "at", "code"),
    [
        ("worker2", (2025, 9, 29, 8, 25), ErrorCode.CHECK_IN_NOT_YOURS),
        ("worker", (2025, 9, 29, 7, 0), ErrorCode.CHECK_IN_TOO_EARLY),
        ("worker", (2025, 9, 29, 17, 30), ErrorCode.CHECK_IN_SHIFT_OVER),
    ],
)
def test_a_check_in_is_refused_and_changes_nothing(w, who, at, code):
    _r, a = _one_day(w)
    with pytest.raises((PermissionDenied, StateRefused, NotFound)) as exc:
        duty_check_in(actor=getattr(w, who), assignment=a, now=local(*at))
    if who == "worker":
        assert exc.value.code == code
    a.refresh_from_db()
    assert a.checked_in_at is None


def test_a_second_check_in_is_refused(w):
    _r, a = _one_day(w)
    duty_check_in(actor=w.worker, assignment=a, now=local(2025, 9, 29, 8, 25))
    with pytest.raises(StateRefused) as exc:
        duty_check_in(actor=w.worker, assignment=a, now=local(2025, 9, 29, 9, 0))
    assert exc.value.code == ErrorCode.ALREADY_CHECKED_IN
    a.refresh_from_db()
    assert a.checked_in_at == local(2025, 9, 29, 8, 25)


def test_a_check_in_missing_after_the_start_and_grace_is_flagged(w, settings):
    settings.WANGGE_DUTY_CHECK_IN_GRACE_MINUTES = 15
    _r, a = _one_day(w)
    start = a.shift.starts_at
    assert not check_in_missing(start, None, start + dt.timedelta(minutes=15))
    assert check_in_missing(start, None, start + dt.timedelta(minutes=16))
    assert not check_in_missing(start, start, start + dt.timedelta(hours=2))
    later = local(2025, 9, 29, 9, 0)
    flagged = missing_check_ins(DutyAssignment.objects.all(), later)
    assert set(flagged.values_list("role", flat=True)) == {DutyRole.LEADER, DutyRole.OFFICER}
    duty_check_in(actor=w.worker, assignment=a, now=later)
    assert a.pk not in set(missing_check_ins(DutyAssignment.objects.all(), later).values_list("pk", flat=True))


def test_duty_today_names_who_leads_who_is_on_and_who_checked_in(w):
    r = roster(w)
    generate(w, r, dt.date(2025, 9, 29), dt.date(2025, 9, 29))
    a = DutyAssignment.objects.get(shift__roster=r, shift__pattern__key="day", role=DutyRole.OFFICER)
    duty_check_in(actor=w.worker, assignment=a, now=local(2025, 9, 29, 8, 20))
    rows = duty_today(w.district, local(2025, 9, 29, 10, 0))
    assert len(rows) == 1
    row = rows[0]
    assert row["shift"] == "白班" and row["roster"] == "区防汛值班" and row["unit"] == "区应急管理指挥中心"
    assert [p["name"] for p in row["leaders"]] == ["leader"]
    assert row["leaders"][0]["missing"] is True and row["leaders"][0]["phone"] == "138****1111"
    assert [(p["name"], p["checked_in"]) for p in row["officers"]] == [("worker", True)]
    assert row["missing"] == 1
    assert duty_today(w.district, local(2025, 9, 29, 20, 0))[0]["shift"] == "夜班"
    assert duty_today(w.other_district, local(2025, 9, 29, 10, 0)) == []


# --- edits: 增派 and 撤下 -------------------------------------------------------------------------------------


def test_a_person_is_added_to_a_shift_and_taken_off_again(w):
    _r, a = _one_day(w)
    shift = a.shift
    added = duty_assignment_add(
        actor=w.admin, shift=shift, role=DutyRole.OFFICER, person=w.street_staff, now=local(2025, 9, 28, 10)
    )
    assert shift.assignments.filter(role=DutyRole.OFFICER).count() == 2
    duty_assignment_remove(actor=w.admin, assignment=added, reason="人员充足", now=local(2025, 9, 28, 11))
    assert shift.assignments.filter(role=DutyRole.OFFICER).count() == 1
    assert AuditEntry.objects.filter(action="duty.assignment_delete", note="人员充足").exists()


def test_edits_are_refused_and_change_nothing(w):
    _r, a = _one_day(w)
    shift = a.shift
    before = list(DutyAssignment.objects.order_by("pk").values_list("pk", "user_id", "name"))
    with pytest.raises(StateRefused) as exc:
        duty_assignment_remove(actor=w.admin, assignment=a, reason="x", now=local(2025, 9, 28, 10))
    assert exc.value.code == ErrorCode.LAST_ON_DUTY
    with pytest.raises(StateRefused) as exc:
        duty_assignment_add(
            actor=w.admin, shift=shift, role=DutyRole.OFFICER, person=w.worker, now=local(2025, 9, 28, 10)
        )
    assert exc.value.code == ErrorCode.SWAP_DOUBLE_BOOKED  # already on this very shift
    with pytest.raises(StateRefused) as exc:
        duty_assignment_add(
            actor=w.admin, shift=shift, role=DutyRole.OFFICER, person=w.worker2, now=local(2025, 9, 29, 18)
        )
    assert exc.value.code == ErrorCode.SWAP_SHIFT_OVER
    with pytest.raises(PermissionDenied):
        duty_assignment_add(
            actor=w.leader, shift=shift, role=DutyRole.OFFICER, person=w.worker2, now=local(2025, 9, 28, 10)
        )
    assert list(DutyAssignment.objects.order_by("pk").values_list("pk", "user_id", "name")) == before


def test_flood_activity_counts_a_periods_check_ins_and_swaps(w, settings):
    from wangge.duty.selectors import flood_activity

    settings.WANGGE_DUTY_CHECK_IN_GRACE_MINUTES = 15
    _r, a = _one_day(w)
    duty_check_in(actor=w.worker, assignment=a, now=local(2025, 9, 29, 8, 50))  # 20 minutes late
    night = DutyAssignment.objects.get(shift__pattern__key="night", role=DutyRole.OFFICER)
    duty_check_in(actor=w.worker2, assignment=night, now=local(2025, 9, 29, 17, 20))
    day_leader = DutyAssignment.objects.get(shift__pattern__key="day", role=DutyRole.LEADER)
    duty_swap(actor=w.admin, assignment=day_leader, to={"name": "张三"}, reason="出差", now=local(2025, 9, 28, 9))
    with freeze_time(local(2025, 10, 1, 9)):
        figures = flood_activity(w.district, dt.date(2025, 9, 29), dt.date(2025, 9, 29))
    assert (figures["shifts"], figures["duties"]) == (2, 4)
    assert (figures["checked_in_on_time"], figures["checked_in_late"], figures["missing_check_ins"]) == (1, 1, 2)
    assert figures["swaps"] == 1
    assert flood_activity(w.other_district, dt.date(2025, 9, 29), dt.date(2025, 9, 29))["duties"] == 0
