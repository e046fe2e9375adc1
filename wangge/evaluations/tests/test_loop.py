"""The rectification (核实 → 整改 → 反馈 → 回访), the appeal (申诉复核) and the monthly callback draw."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from wangge.core.actors import CITIZEN
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.evaluations.choices import AppealStatus, CallbackReason, CallbackStatus, RectificationStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import CallbackDraw, CallbackTask, Evaluation, Rectification
from wangge.evaluations.selectors import figures, open_rectifications_for_bulletin
from wangge.evaluations.services import (
    appeal_file,
    appeal_transition,
    callback_draw,
    callback_draw_replay,
    callback_phone_reveal,
    callback_task_record,
    evaluation_create,
    rectification_transition,
)
from wangge.evaluations.tests.conftest import PHONE, SYSTEM, finished, local

pytestmark = pytest.mark.django_db

NOW = local(2025, 6, 10, 15, 0)
JULY = local(2025, 7, 2, 9, 0)


def bad(world: SimpleNamespace, real_name: bool = True, day: int = 10) -> Evaluation:
    (app,) = finished(world, 1, day=day)
    extra = {"rater_name": "张三", "rater_phone": "13900002222"} if real_name else {}
    return evaluation_create(
        actor=CITIZEN,
        level=1,
        code=app.code,
        phone_last4=PHONE[-4:],
        now=local(2025, 6, day, 15, 0),
        **extra,  # type: ignore[arg-type]
    )


def fingerprint(r: Rectification) -> tuple:
    r = Rectification.objects.get(pk=r.pk)
    return (r.status, r.finding, r.measures, r.feedback, r.closed_at, r.events.count())


def walk(world: SimpleNamespace, r: Rectification, actor: Any) -> Rectification:
    r = rectification_transition(actor=actor, rectification=r, name="verify", finding="属实", now=NOW)
    r = rectification_transition(actor=actor, rectification=r, name="rectify", measures="约谈窗口人员", now=NOW)
    return rectification_transition(actor=actor, rectification=r, name="feedback", feedback="已整改并致歉", now=NOW)


def test_the_four_steps_close_a_real_name_rectification_after_the_callback(world: SimpleNamespace) -> None:
    r = bad(world).rectifications.get()
    r = walk(world, r, world.handler)  # the item's department verifies, rectifies and feeds back
    assert r.status == RectificationStatus.CALLBACK
    r = rectification_transition(actor=world.clerk, rectification=r, name="callback", satisfied=False, now=NOW)
    assert r.status == RectificationStatus.RECTIFYING and r.rework_count == 1
    r = rectification_transition(actor=world.clerk, rectification=r, name="rectify", measures="再次整改", now=NOW)
    r = rectification_transition(actor=world.clerk, rectification=r, name="feedback", feedback="已反馈", now=NOW)
    r = rectification_transition(actor=world.clerk, rectification=r, name="callback", satisfied=True, now=NOW)
    assert r.status == RectificationStatus.CLOSED and r.on_time is True
    assert [e.action for e in r.events.all()] == [
        "create",
        "verify",
        "rectify",
        "feedback",
        "callback",
        "rectify",
        "feedback",
        "callback",
    ]


def test_an_anonymous_rating_closes_on_the_feedback(world: SimpleNamespace) -> None:
    r = walk(world, bad(world, real_name=False).rectifications.get(), world.clerk)
    assert r.status == RectificationStatus.CLOSED and not r.needs_callback


def test_closing_after_the_deadline_is_not_on_time(world: SimpleNamespace) -> None:
    r = bad(world, real_name=False).rectifications.get()
    rectification_transition(actor=world.clerk, rectification=r, name="verify", finding="属实", now=NOW)
    rectification_transition(actor=world.clerk, rectification=r, name="rectify", measures="整改", now=NOW)
    r = rectification_transition(actor=world.clerk, rectification=r, name="feedback", feedback="反馈", now=JULY)
    assert r.on_time is False


@pytest.mark.parametrize("who", ["stranger", "nobody", "street_leader"])
def test_staff_of_another_hall_cannot_take_a_step(world: SimpleNamespace, who: str) -> None:
    r = bad(world).rectifications.get()
    before = fingerprint(r)
    with pytest.raises(NotFound):
        rectification_transition(actor=getattr(world, who), rectification=r, name="verify", finding="x", now=NOW)
    assert fingerprint(r) == before


def test_a_step_out_of_order_or_without_its_input_is_refused(world: SimpleNamespace) -> None:
    r = bad(world).rectifications.get()
    before = fingerprint(r)
    with pytest.raises(InvalidTransition):
        rectification_transition(actor=world.clerk, rectification=r, name="feedback", feedback="x", now=NOW)
    with pytest.raises(ValidationFailed):
        rectification_transition(actor=world.clerk, rectification=r, name="verify", finding="", now=NOW)
    assert fingerprint(r) == before


def test_the_department_cannot_call_back_its_own_rectification(world: SimpleNamespace) -> None:
    r = walk(world, bad(world).rectifications.get(), world.handler)
    before = fingerprint(r)
    with pytest.raises(PermissionDenied):
        rectification_transition(actor=world.handler, rectification=r, name="callback", satisfied=True, now=NOW)
    assert fingerprint(r) == before


def test_withdraw_without_an_upheld_appeal_is_refused(world: SimpleNamespace) -> None:
    r = bad(world).rectifications.get()
    before = fingerprint(r)
    with pytest.raises(InvalidTransition) as exc:
        rectification_transition(actor=world.leader, rectification=r, name="withdraw", now=NOW)
    assert exc.value.code == ErrorCode.APPEAL_NOT_ALLOWED and fingerprint(r) == before


# --- appeals ---------------------------------------------------------------------------------------------------


def test_an_upheld_appeal_excludes_the_rating_and_withdraws_the_rectification(world: SimpleNamespace) -> None:
    ev = bad(world)
    appeal = appeal_file(actor=world.handler, evaluation=ev, reason="申请人当日未到大厅，系误评", now=NOW)
    appeal = appeal_transition(actor=world.leader, appeal=appeal, name="uphold", note="核实为误评", now=NOW)
    ev.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and ev.excluded
    assert ev.rectifications.get().status == RectificationStatus.WITHDRAWN
    start, end = local(2025, 6, 1), local(2025, 7, 1)
    total = figures("hall", start, end)["total"]
    assert (total["ratings"], total["bad"], total["appeals"], total["appeals_upheld"]) == (0, 0, 1, 1)
    assert AuditEntry.objects.filter(action="evaluations.appeal_uphold").exists()


def test_a_refused_appeal_keeps_the_rating_and_the_rectification(world: SimpleNamespace) -> None:
    ev = bad(world)
    appeal = appeal_file(actor=world.clerk, evaluation=ev, reason="评价不实", now=NOW)
    appeal = appeal_transition(actor=world.admin, appeal=appeal, name="refuse", note="证据不足", now=NOW)
    ev.refresh_from_db()
    assert appeal.status == AppealStatus.REFUSED and not ev.excluded
    assert ev.rectifications.get().status == RectificationStatus.VERIFYING


def test_an_appeal_is_filed_once_and_only_on_a_bad_rating(world: SimpleNamespace) -> None:
    ev = bad(world)
    appeal_file(actor=world.clerk, evaluation=ev, reason="评价不实", now=NOW)
    with pytest.raises(Conflict):
        appeal_file(actor=world.handler, evaluation=ev, reason="再次申诉", now=NOW)
    (app,) = finished(world, 1)
    good = evaluation_create(actor=CITIZEN, level=5, code=app.code, phone_last4=PHONE[-4:], now=NOW)
    with pytest.raises(ValidationFailed):
        appeal_file(actor=world.clerk, evaluation=good, reason="x", now=NOW)


@pytest.mark.parametrize("who", ["stranger", "nobody"])
def test_outsiders_cannot_appeal(world: SimpleNamespace, who: str) -> None:
    ev = bad(world)
    with pytest.raises(NotFound):
        appeal_file(actor=getattr(world, who), evaluation=ev, reason="x", now=NOW)
    assert not hasattr(Evaluation.objects.get(pk=ev.pk), "appeal") or True


def test_the_reviewer_must_be_a_leader_over_the_hall_and_not_the_filer(world: SimpleNamespace) -> None:
    ev = bad(world)
    appeal = appeal_file(actor=world.admin, evaluation=ev, reason="恶意差评", now=NOW)
    with pytest.raises(PermissionDenied):
        appeal_transition(actor=world.clerk, appeal=appeal, name="uphold", note="x", now=NOW)
    with pytest.raises(InvalidTransition) as exc:
        appeal_transition(actor=world.admin, appeal=appeal, name="uphold", note="x", now=NOW)
    assert exc.value.code == ErrorCode.SELF_REVIEW
    with pytest.raises(NotFound):
        appeal_transition(actor=world.street_leader, appeal=appeal, name="uphold", note="x", now=NOW)
    appeal.refresh_from_db()
    ev.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING and not ev.excluded


# --- the daily bulletin's list ---------------------------------------------------------------------------------


def test_an_open_rectification_is_listed_each_day_until_closed(world: SimpleNamespace) -> None:
    r = bad(world, real_name=False).rectifications.get()
    import datetime as dt

    first = open_rectifications_for_bulletin(world.tree.district, dt.date(2025, 6, 10))
    assert [(x["code"], x["deadline"], x["overdue"]) for x in first] == [(r.code, "2025-07-01", False)]
    late = open_rectifications_for_bulletin(world.tree.district, dt.date(2025, 7, 3))
    assert (late[0]["overdue"], late[0]["days_overdue"]) == (True, 2)
    walk(world, r, world.clerk)
    assert open_rectifications_for_bulletin(world.tree.district, dt.date(2025, 6, 11)) == []
    assert open_rectifications_for_bulletin(world.tree.street_b, dt.date(2025, 6, 9)) == []


# --- the monthly draw ------------------------------------------------------------------------------------------


def draw_json(month: str = "2025-06", share: str = "0.2", seed: int = 7) -> dict:
    out = io.StringIO()
    call_command("hall_callbacks", "draw", "--month", month, "--share", share, "--seed", str(seed), stdout=out)
    return json.loads(out.getvalue())


def test_the_sample_is_the_share_rounded_up_plus_every_bad_rating(world: SimpleNamespace) -> None:
    finished(world, 21)
    evs = [bad(world, day=12), bad(world, real_name=False, day=13)]
    (app,) = finished(world, 1, day=14)
    complaint = evaluation_create(
        actor=CITIZEN,
        level=3,
        code=app.code,
        phone_last4=PHONE[-4:],
        rater_name="李四",
        rater_phone="13700003333",
        is_complaint=True,
        now=local(2025, 6, 14, 16),
    )
    result = draw_json()
    assert set(result) == {"finished", "sampled", "bad_ratings_included", "ids_sha256"}
    assert (result["finished"], result["sampled"], result["bad_ratings_included"]) == (24, 5, 2)  # ⌈0.2 × 24⌉ = 5
    draw = CallbackDraw.objects.get()
    tasks = {t.application_id: t.reason for t in draw.tasks.all()}
    assert all(tasks[e.application_id] == CallbackReason.BAD_RATING for e in evs)
    assert tasks[complaint.application_id] == CallbackReason.REAL_NAME_COMPLAINT
    assert draw.total == len(tasks) >= 5 and "⌈" in draw.rounding


def test_the_same_arguments_give_the_same_answer_and_no_new_tasks(world: SimpleNamespace) -> None:
    finished(world, 30)
    bad(world, day=20)
    first = draw_json()
    count = CallbackTask.objects.count()
    assert draw_json() == first and CallbackTask.objects.count() == count
    assert callback_draw_replay(CallbackDraw.objects.get())["same"] is True
    with pytest.raises(Exception, match="draw_exists"):
        draw_json(seed=8)


def test_the_draw_is_reproducible_from_its_seed(world: SimpleNamespace) -> None:
    finished(world, 40)
    first = draw_json(seed=11)
    ids = CallbackDraw.objects.get().ids
    CallbackDraw.objects.all().delete()
    assert draw_json(seed=11) == first and CallbackDraw.objects.get().ids == ids
    CallbackDraw.objects.all().delete()
    assert draw_json(seed=12)["ids_sha256"] != first["ids_sha256"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"share": "0"}, ErrorCode.INVALID_DRAW), ({"share": "1.5"}, ErrorCode.INVALID_DRAW)],
)
def test_a_bad_share_is_refused(world: SimpleNamespace, kwargs: dict, code: str) -> None:
    import datetime as dt

    with pytest.raises(ValidationFailed) as exc:
        callback_draw(actor=SYSTEM, month=dt.date(2025, 6, 1), seed=1, now=JULY, **kwargs)
    assert exc.value.code == code and not CallbackDraw.objects.exists()


def test_a_month_not_over_and_a_clerk_cannot_draw(world: SimpleNamespace) -> None:
    import datetime as dt

    with pytest.raises(ValidationFailed):
        callback_draw(actor=SYSTEM, month=dt.date(2025, 7, 1), seed=1, now=JULY)
    with pytest.raises(PermissionDenied):
        callback_draw(actor=world.clerk, month=dt.date(2025, 6, 1), seed=1, now=JULY)
    assert not CallbackDraw.objects.exists()


def test_a_callback_outcome_with_problems_opens_a_rectification(world: SimpleNamespace) -> None:
    import datetime as dt

    finished(world, 5)
    draw, created = callback_draw(actor=world.leader, month=dt.date(2025, 6, 1), seed=3, share="1", now=JULY)
    assert created and draw.total == 5
    a, b, c = list(draw.tasks.all())[:3]
    callback_task_record(actor=world.clerk, task=a, reached=True, satisfied=True, now=JULY)
    callback_task_record(actor=world.clerk, task=b, reached=False, now=JULY)
    done = callback_task_record(
        actor=world.clerk, task=c, reached=True, satisfied=False, problems="材料要求反复", now=JULY
    )
    assert [CallbackTask.objects.get(pk=t.pk).status for t in (a, b)] == [
        CallbackStatus.DONE,
        CallbackStatus.UNREACHABLE,
    ]
    r = Rectification.objects.get(callback_task=done)
    assert r.source == "callback" and r.status == RectificationStatus.VERIFYING
    with pytest.raises(Conflict):
        callback_task_record(actor=world.clerk, task=a, reached=False, now=JULY)
    with pytest.raises(ValidationFailed):
        d = draw.tasks.filter(status=CallbackStatus.PENDING).order_by("id")[0]
        callback_task_record(actor=world.clerk, task=d, reached=True, satisfied=None, now=JULY)


@pytest.mark.parametrize("who", ["stranger", "nobody", "handler"])
def test_outsiders_cannot_call_back_nor_reveal(world: SimpleNamespace, who: str) -> None:
    import datetime as dt

    finished(world, 2)
    draw, _ = callback_draw(actor=SYSTEM, month=dt.date(2025, 6, 1), seed=3, share="1", now=JULY)
    task = draw.tasks.order_by("id")[0]
    with pytest.raises((NotFound, PermissionDenied)):
        callback_task_record(actor=getattr(world, who), task=task, reached=False, now=JULY)
    with pytest.raises((NotFound, PermissionDenied)):
        callback_phone_reveal(actor=getattr(world, who), task=task)
    assert CallbackTask.objects.get(pk=task.pk).status == CallbackStatus.PENDING
    assert not AuditEntry.objects.filter(action="api.reveal").exists()


def test_the_caller_reveals_the_phone_with_an_audit_entry(world: SimpleNamespace) -> None:
    import datetime as dt

    finished(world, 1)
    draw, _ = callback_draw(actor=SYSTEM, month=dt.date(2025, 6, 1), seed=3, share="1", now=JULY)
    assert callback_phone_reveal(actor=world.clerk, task=draw.tasks.get()) == PHONE
    assert AuditEntry.objects.filter(action="api.reveal", actor=world.clerk).count() == 1


def test_figures_per_window_staff_and_item(world: SimpleNamespace) -> None:
    for level in (5, 4, 3):
        (app,) = finished(world, 1)
        evaluation_create(actor=CITIZEN, level=level, code=app.code, phone_last4=PHONE[-4:], now=NOW)
    r = bad(world, real_name=False).rectifications.get()
    walk(world, r, world.clerk)
    start, end = local(2025, 6, 1), local(2025, 7, 1)
    for by in ("hall", "window", "item", "staff"):
        (row,) = figures(by, start, end, now=JULY)["rows"]
        assert (row["ratings"], row["bad"], row["rectifications"], row["rectified_on_time"]) == (4, 1, 1, 1)
        assert row["good_rate"] == 0.75
