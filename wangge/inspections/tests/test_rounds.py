"""Rounds: generation, submission (flags, failed items open cases through the one intake), missed marking, the
workflow's allowed / wrong-state / wrong-actor cases, and the figures."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from wangge.core.workflow import InvalidTransition
from wangge.inspections import tasks
from wangge.inspections.choices import RoundStatus, Verdict
from wangge.inspections.models import ChecklistTemplate, Round, RoundEvent
from wangge.inspections.selectors import rounds_by_grid, rounds_summary, today_rounds, worker_round_figures
from wangge.inspections.services import checklist_publish, period_of, round_submit, round_transition, rounds_generate
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder
from wangge.workorders.services.routing import suggest_unit

from .conftest import DAY, GOOD, SYSTEM, jpeg, local, make_rounds

pytestmark = pytest.mark.django_db
NOON = local(2025, 7, 2, 10, 0)


def submit(w: SimpleNamespace, r: Round, who: str = "worker", at: dt.datetime = NOON, **kw: object) -> Round:
    fields: dict[str, object] = {"results": GOOD, "photos": {"photo": [jpeg()]}, "lng": 113.0201, "lat": 33.0201}
    fields.update(kw)
    return round_submit(actor=getattr(w, who), round=r, now=at, **fields)  # type: ignore[arg-type]


def fingerprint(r: Round) -> tuple[object, ...]:
    r.refresh_from_db()
    return (r.status, r.submitted_at, r.verdict, RoundEvent.objects.filter(round=r).count(), WorkOrder.objects.count())


# --- generation -----------------------------------------------------------------------------------------------


def test_the_generator_makes_one_round_per_point_and_period_and_never_a_second(w: SimpleNamespace) -> None:
    first = rounds_generate(actor=SYSTEM, day=DAY)
    again = rounds_generate(actor=SYSTEM, day=DAY)
    assert first["created"] == 2 and again["created"] == 0 and again["existing"] == 2
    assert Round.objects.filter(period_start=DAY).count() == 2
    r = Round.objects.get(point=w.point, period_start=DAY)
    assert r.grid == w.grid1 and r.assignee == w.worker and r.frequency == "daily"
    assert r.due_at == local(2025, 7, 2, 18, 0) and r.closes_at == local(2025, 7, 3, 0, 0)
    assert not Round.objects.filter(point=w.other_point).exists()  # outside the schedule's district


def test_off_season_rounds_are_weekly_and_cut_at_the_season_edge(w: SimpleNamespace) -> None:
    start, end, _due, freq = period_of(w.schedule, dt.date(2025, 10, 8))  # type: ignore[misc]
    assert (start, end, freq) == (dt.date(2025, 10, 6), dt.date(2025, 10, 12), "weekly")
    start, end, _due, freq = period_of(w.schedule, dt.date(2025, 10, 2))  # type: ignore[misc]
    assert (start, end, freq) == (dt.date(2025, 10, 1), dt.date(2025, 10, 5), "weekly")  # not back into September
    rounds_generate(actor=SYSTEM, day=dt.date(2025, 10, 8))
    rounds_generate(actor=SYSTEM, day=dt.date(2025, 10, 10))  # the same week: nothing new
    assert Round.objects.filter(point=w.point, period_start__gte=dt.date(2025, 10, 6)).count() == 1


def test_a_working_days_only_schedule_has_no_daily_round_at_the_weekend(w: SimpleNamespace) -> None:
    w.schedule.working_days_only = True
    w.schedule.save()
    assert period_of(w.schedule, dt.date(2025, 7, 5)) is None  # a Saturday
    assert rounds_generate(actor=SYSTEM, day=dt.date(2025, 7, 5))["created"] == 0


def test_the_responsible_users_round_is_theirs(w: SimpleNamespace) -> None:
    w.schedule.assignee_rule = "responsible_user"
    w.schedule.save()
    w.point.responsible_user = w.community_staff
    w.point.save()
    rounds = make_rounds(w)
    assert rounds["P-1"].assignee == w.community_staff and rounds["P-2"].assignee == w.other_worker


def test_the_task_generates_and_marks_missed_idempotently(w: SimpleNamespace) -> None:
    counts = tasks.run(local(2025, 7, 2, 7, 0))
    assert counts["created"] == 2 and counts["missed"] == 0
    later = tasks.run(local(2025, 7, 3, 7, 0))
    assert later["created"] == 2 and later["missed"] == 2
    assert tasks.run(local(2025, 7, 3, 8, 0)) == {
        "created": 0,
        "existing": 2,
        "no_checklist": 0,
        "schedules": 0,
        "missed": 0,
    }
    missed = Round.objects.get(point=w.point, period_start=DAY)
    assert missed.status == RoundStatus.MISSED
    assert missed.events.get().action == "mark_missed"


# --- submission -------------------------------------------------------------------------------------------------


def test_a_failed_checklist_item_creates_a_work_order_in_the_points_grid_routed_like_any_other_case(
    w: SimpleNamespace,
) -> None:
    r = make_rounds(w)["P-1"]
    done = submit(w, r, results={**GOOD, "drains_clear": False}, photos={"photo": [jpeg()], "drains_clear": [jpeg()]})
    assert done.status == RoundStatus.DONE and done.failed_items == 1 and done.cases_opened == 1
    result = done.results.get(item__key="drains_clear")
    wo = result.work_order
    assert wo is not None and wo.grid == w.grid1 and wo.district == w.district and wo.point == w.point
    assert wo.channel == Channel.INSPECTION and wo.status == Status.REGISTERED
    assert wo.category is not None and wo.category.code == "C0103"
    assert suggest_unit(category=wo.category, territory=wo.territory) == suggest_unit(
        category=wo.category, territory=w.grid1
    )
    assert wo.inspection_results.get().round == done  # type: ignore[attr-defined]  # the case names the round
    assert wo.events.get(name="create").attachments.count() == 1  # the item's photo went with it


def test_a_number_outside_its_range_fails_and_a_passed_round_opens_nothing(w: SimpleNamespace) -> None:
    rounds = make_rounds(w)
    ok = submit(w, rounds["P-1"])
    assert ok.failed_items == 0 and WorkOrder.objects.count() == 0
    deep = submit(
        w,
        rounds["P-2"],
        who="other_worker",
        results={"channel_clear": True, "banks_intact": True, "water_level": "0.2", "warning_signs": True},
        lng=113.0701,
        lat=33.0201,
    )
    assert deep.failed_items == 1 and deep.results.get(item__key="water_level").passed is False


def test_a_submission_far_from_the_point_is_flagged_not_refused(w: SimpleNamespace, settings: object) -> None:
    r = make_rounds(w)["P-1"]
    done = submit(w, r, lng=113.0300, lat=33.0200)  # about 930 m east
    assert done.status == RoundStatus.DONE and done.far_from_point and 900 < (done.distance_m or 0) < 960
    settings.WANGGE_INSPECTION_MAX_DISTANCE_M = 2000  # type: ignore[attr-defined]
    other = submit(
        w, make_rounds(w, DAY + dt.timedelta(days=1))["P-1"], lng=113.0300, lat=33.0200, at=NOON + dt.timedelta(days=1)
    )
    assert not other.far_from_point


def test_a_gcj02_position_is_converted_before_measuring(w: SimpleNamespace) -> None:
    from wangge.core.geo import wgs84_to_gcj02

    lng, lat = wgs84_to_gcj02(113.0201, 33.0201)
    done = submit(w, make_rounds(w)["P-1"], lng=lng, lat=lat, crs="gcj02")
    assert (done.distance_m or 0) < 20 and not done.far_from_point


def test_no_position_and_late_submission_are_flagged(w: SimpleNamespace) -> None:
    done = submit(w, make_rounds(w)["P-1"], lng=None, lat=None, at=local(2025, 7, 2, 20, 0))
    assert done.no_position and done.is_late and done.status == RoundStatus.DONE


def test_a_missing_item_or_photo_is_refused_and_nothing_changes(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    before = fingerprint(r)
    with pytest.raises(ValidationFailed) as exc:
        submit(w, r, results={"drains_clear": True}, photos={})
    fields = {d["field"] for d in exc.value.details}
    assert {"results.pumps_ready", "results.photo"} <= fields
    assert fingerprint(r) == before


def test_another_grids_worker_cannot_see_the_round(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    before = fingerprint(r)
    with pytest.raises(NotFound):
        submit(w, r, who="other_worker")
    with pytest.raises(NotFound):
        submit(w, r, who="stranger_worker")
    assert fingerprint(r) == before


def test_the_points_responsible_unit_and_the_community_may_submit_but_not_an_inspector(w: SimpleNamespace) -> None:
    from .conftest import user

    handler = user("handler", "dept_handler", unit=w.dept)
    rounds = make_rounds(w)
    assert submit(w, rounds["P-1"], who="community_staff").status == RoundStatus.DONE
    r2 = make_rounds(w, DAY + dt.timedelta(days=1))["P-1"]
    w.handler = handler
    assert submit(w, r2, who="handler", at=NOON + dt.timedelta(days=1)).submitted_by == handler
    r3 = make_rounds(w, DAY + dt.timedelta(days=2))["P-1"]
    before = fingerprint(r3)
    with pytest.raises(PermissionDenied):
        submit(w, r3, who="inspector", at=NOON + dt.timedelta(days=2))
    assert fingerprint(r3) == before


def test_a_done_round_cannot_be_submitted_again(w: SimpleNamespace) -> None:
    r = submit(w, make_rounds(w)["P-1"])
    before = fingerprint(r)
    with pytest.raises(InvalidTransition):
        submit(w, r)
    assert fingerprint(r) == before


def test_a_round_keeps_the_checklist_version_it_was_done_against(w: SimpleNamespace) -> None:
    rounds = make_rounds(w)
    done = submit(w, rounds["P-1"])
    v1 = done.template
    v2 = checklist_publish(
        actor=w.dispatcher,
        point_type=w.point.type,
        name="易积水点巡查体检表（修订）",
        items=[{"key": "drains_clear", "label": "排水口畅通", "kind": "yes_no", "opens_case": True}],
    )
    done.refresh_from_db()
    assert done.template == v1 and v2.version == v1.version + 1
    assert ChecklistTemplate.objects.get(point_type=w.point.type, is_current=True) == v2
    pending = make_rounds(w, DAY + dt.timedelta(days=1))["P-1"]
    assert pending.template == v2
    with pytest.raises(PermissionDenied):
        checklist_publish(
            actor=w.worker, point_type=w.point.type, name="x", items=[{"key": "a", "label": "a", "kind": "text"}]
        )


# --- missed, excused, spot check ----------------------------------------------------------------------------------


def test_marking_missed_waits_for_the_closing_time(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    before = fingerprint(r)
    with pytest.raises(InvalidTransition) as exc:
        round_transition(actor=SYSTEM, round=r, name="mark_missed", now=local(2025, 7, 2, 23, 0))
    assert exc.value.code == "not_past_due" and fingerprint(r) == before
    with pytest.raises(PermissionDenied):
        round_transition(actor=w.dispatcher, round=r, name="mark_missed", now=local(2025, 7, 3, 1, 0))
    done = round_transition(actor=SYSTEM, round=r, name="mark_missed", now=local(2025, 7, 3, 1, 0))
    assert done.status == RoundStatus.MISSED


def test_community_staff_excuse_a_round_a_grid_worker_cannot(w: SimpleNamespace) -> None:
    r = make_rounds(w)["P-1"]
    before = fingerprint(r)
    with pytest.raises(PermissionDenied):
        round_transition(actor=w.worker, round=r, name="excuse", note="封闭施工", now=NOON)
    assert fingerprint(r) == before
    with pytest.raises(ValidationFailed):
        round_transition(actor=w.community_staff, round=r, name="excuse", now=NOON)
    assert (
        round_transition(actor=w.community_staff, round=r, name="excuse", note="封闭施工", now=NOON).status == "excused"
    )


def test_spot_check_by_the_inspector_not_by_the_submitter_nor_on_a_pending_round(w: SimpleNamespace) -> None:
    rounds = make_rounds(w)
    pending = rounds["P-2"]
    before = fingerprint(pending)
    with pytest.raises(InvalidTransition):
        round_transition(actor=w.inspector, round=pending, name="spot_check", agree=True, now=NOON)
    assert fingerprint(pending) == before
    done = submit(w, rounds["P-1"], who="community_staff")
    before = fingerprint(done)
    with pytest.raises(PermissionDenied):
        round_transition(actor=w.worker, round=done, name="spot_check", agree=True, now=NOON)
    assert fingerprint(done) == before
    checked = round_transition(
        actor=w.inspector, round=done, name="spot_check", agree=False, note="现场积水未清", now=NOON
    )
    assert (
        checked.status == RoundStatus.CHECKED
        and checked.verdict == Verdict.DISAGREE
        and checked.checked_by == w.inspector
    )


def test_the_submitter_cannot_spot_check_their_own_round(w: SimpleNamespace) -> None:
    from wangge.accounts.models import RoleGrant

    RoleGrant.objects.create(user=w.community_staff, role="inspector", territory=w.district)
    done = submit(w, make_rounds(w)["P-1"], who="community_staff")
    done.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        round_transition(actor=w.community_staff, round=done, name="spot_check", agree=True, now=NOON)
    assert exc.value.code == "self_spot_check"


# --- figures --------------------------------------------------------------------------------------------------------


def test_the_figures_count_due_done_on_time_late_missed_failures_and_cases(w: SimpleNamespace) -> None:
    day1 = make_rounds(w)
    submit(w, day1["P-1"], results={**GOOD, "pumps_ready": False})
    submit(
        w,
        day1["P-2"],
        who="other_worker",
        at=local(2025, 7, 2, 19, 0),
        results={"channel_clear": True, "banks_intact": True, "water_level": "1", "warning_signs": True},
    )
    day2 = make_rounds(w, DAY + dt.timedelta(days=1))
    round_transition(actor=w.community_staff, round=day2["P-2"], name="excuse", note="封闭", now=NOON)
    now = local(2025, 7, 4, 9, 0)  # day 2's P-1 round closed unsubmitted
    s = rounds_summary(w.district, DAY, DAY + dt.timedelta(days=1), now=now)
    assert (s["due"], s["done"], s["on_time"], s["late"], s["missed"]) == (3, 2, 1, 1, 1)
    assert (s["failed_items"], s["failed_rounds"], s["cases_opened"]) == (1, 1, 1)
    assert s["completion_rate"] == round(2 / 3, 4) and s["on_time_rate"] == round(1 / 3, 4)
    assert {t["key"]: t["due"] for t in s["by_type"]} == {"waterlogging": 2, "river": 1}
    assert [d["due"] for d in s["by_day"]] == [2, 1]
    grids = {g["code"]: g for g in rounds_by_grid(w.district, DAY, DAY + dt.timedelta(days=1), now=now)}
    assert grids["410403001001001"]["missed"] == 1 and grids["410403001001002"]["late"] == 1
    assert rounds_summary(w.grid2, DAY, DAY, now=now)["due"] == 1
    mine = worker_round_figures(w.worker, dt.date(2025, 7, 1), dt.date(2025, 7, 31), now=now)
    assert (mine["due"], mine["done"], mine["on_time"], mine["missed"], mine["done_by_self"]) == (2, 1, 1, 1, 1)


def test_today_lists_the_users_own_open_rounds(w: SimpleNamespace) -> None:
    make_rounds(w)
    mine = list(today_rounds(w.worker, Round.objects.restrict(w.worker), now=NOON))
    assert [r.point.code for r in mine] == ["P-1"]
    assert list(today_rounds(w.worker, Round.objects.restrict(w.worker), now=local(2025, 7, 3, 1, 0))) == []


def test_the_named_assignee_sees_and_submits_a_round_outside_their_grid(w: SimpleNamespace) -> None:
    w.schedule.assignee_rule = "responsible_user"
    w.schedule.save()
    w.point.responsible_user = w.other_worker  # a grid worker of grid 2 answers for a point in grid 1
    w.point.save()
    r = make_rounds(w)["P-1"]
    assert r.assignee == w.other_worker and Round.objects.restrict(w.other_worker).filter(pk=r.pk).exists()
    assert submit(w, r, who="other_worker").submitted_by == w.other_worker
