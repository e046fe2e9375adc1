"""The special-task workflow as tables: each step allowed, from a wrong state, and by a wrong actor; a refusal
changes nothing. Plus assignment, deadlines in working days and overdue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wangge.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.workforce import rules, selectors
from wangge.workforce.choices import TaskKind, TaskStatus
from wangge.workforce.models import SpecialTask, SpecialTaskEvent
from wangge.workforce.services import task_assign, task_transition
from wangge.workforce.workflow import WORKFLOW

TZ = ZoneInfo("Asia/Shanghai")
S = TaskStatus
MONDAY = dt.datetime(2025, 6, 9, 9, 0, tzinfo=TZ)

# step -> (source status, actor, inputs)
ALLOWED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "accept": (S.ASSIGNED, "worker", {}),
    "report": (S.ACCEPTED, "worker", {"result": "已排查 12 家商户"}),
    "confirm": (S.REPORTED, "community_staff", {}),
    "send_back": (S.REPORTED, "street_staff", {"note": "照片不清晰"}),
    "cancel": (S.ACCEPTED, "dispatcher", {"note": "任务合并"}),
}
WRONG_STATE: dict[str, str] = {
    "accept": S.ACCEPTED,
    "report": S.ASSIGNED,
    "confirm": S.ACCEPTED,
    "send_back": S.DONE,
    "cancel": S.REPORTED,
}
WRONG_ACTOR: dict[str, str] = {
    "accept": "peer",  # the task names another worker
    "report": "community_staff",
    "confirm": "worker",
    "send_back": "worker",
    "cancel": "worker2",
}


def test_every_step_has_each_kind_of_case() -> None:
    steps = set(WORKFLOW.transitions)
    assert steps == set(ALLOWED) == set(WRONG_STATE) == set(WRONG_ACTOR)


def task_in(w: SimpleNamespace, status: str, *, named: bool = True) -> SpecialTask:
    task = task_assign(
        actor=w.community_staff,
        grid=w.grid_a1,
        kind=TaskKind.SAFETY,
        title="安全生产大排查",
        deadline_days=3,
        assignee=w.worker if named else None,
        now=MONDAY,
    )
    SpecialTask.objects.filter(pk=task.pk).update(status=status)
    if status == S.REPORTED:
        SpecialTaskEvent.objects.create(task=task, action="report", at=MONDAY, actor=w.worker)
    return SpecialTask.objects.get(pk=task.pk)


def fingerprint(task: SpecialTask) -> tuple[Any, ...]:
    t = SpecialTask.objects.get(pk=task.pk)
    return (t.status, t.result, t.accepted_at, t.done_at, t.events.count(), AuditEntry.objects.count())


@pytest.mark.parametrize("step", sorted(ALLOWED))
def test_a_step_is_taken(w: SimpleNamespace, step: str) -> None:
    source, who, inputs = ALLOWED[step]
    task = task_in(w, source)
    done = task_transition(actor=getattr(w, who), task=task, name=step, now=MONDAY, **inputs)
    assert done.status in WORKFLOW[step].targets
    assert done.events.order_by("-id").first().action == step  # type: ignore[union-attr]
    assert AuditEntry.objects.filter(action=f"workforce.task_{step}").exists()


@pytest.mark.parametrize("step", sorted(WRONG_STATE))
def test_a_step_from_a_wrong_state_is_refused(w: SimpleNamespace, step: str) -> None:
    _source, who, inputs = ALLOWED[step]
    task = task_in(w, WRONG_STATE[step])
    before = fingerprint(task)
    with pytest.raises(InvalidTransition):
        task_transition(actor=getattr(w, who), task=task, name=step, now=MONDAY, **inputs)
    assert fingerprint(task) == before


@pytest.mark.parametrize("step", sorted(WRONG_ACTOR))
def test_a_step_by_a_wrong_actor_is_refused(w: SimpleNamespace, step: str) -> None:
    source, _who, inputs = ALLOWED[step]
    task = task_in(w, source)
    before = fingerprint(task)
    with pytest.raises((PermissionDenied, NotFound, InvalidTransition)):
        task_transition(actor=getattr(w, WRONG_ACTOR[step]), task=task, name=step, now=MONDAY, **inputs)
    assert fingerprint(task) == before


def test_a_task_given_to_the_grid_is_done_by_any_of_its_workers(w: SimpleNamespace) -> None:
    task = task_in(w, S.ASSIGNED, named=False)
    task_transition(actor=w.peer, task=task, name="accept", now=MONDAY)
    with pytest.raises(NotFound):  # a worker of another grid does not even see it
        task_transition(actor=w.worker2, task=task, name="report", result="x", now=MONDAY)


def test_the_reporter_cannot_confirm_their_own_report(w: SimpleNamespace) -> None:
    task = task_in(w, S.REPORTED)
    SpecialTaskEvent.objects.filter(task=task).update(actor=w.community_staff)
    before = fingerprint(task)
    with pytest.raises(InvalidTransition) as caught:
        task_transition(actor=w.community_staff, task=task, name="confirm", now=MONDAY)
    assert caught.value.code == "self_confirm" and fingerprint(task) == before


def test_a_report_needs_its_result(w: SimpleNamespace) -> None:
    task = task_in(w, S.ACCEPTED)
    with pytest.raises(ValidationFailed):
        task_transition(actor=w.worker, task=task, name="report", now=MONDAY)


def test_the_deadline_counts_working_days_and_overdue_starts_the_day_after(w: SimpleNamespace) -> None:
    # Friday 2025-06-06 + 3 working days → Wednesday 2025-06-11
    task = task_assign(
        actor=w.street_staff,
        grid=w.grid_a1,
        kind=TaskKind.CIVILITY,
        title="创文创卫督查",
        deadline_days=3,
        now=dt.datetime(2025, 6, 6, 10, tzinfo=TZ),
    )
    assert task.deadline == dt.date(2025, 6, 11)
    assert not rules.is_overdue(task, dt.datetime(2025, 6, 11, 23, 59, tzinfo=TZ))
    assert rules.is_overdue(task, dt.datetime(2025, 6, 12, 0, 0, tzinfo=TZ))
    figures = selectors.task_figures(SpecialTask.objects.all(), dt.datetime(2025, 6, 12, 9, tzinfo=TZ))
    assert (figures["open"], figures["overdue"]) == (1, 1)


@pytest.mark.parametrize(
    ("who", "kwargs", "error"),
    [
        ("worker", {}, PermissionDenied),
        ("other_street", {}, NotFound),
        ("community_staff", {"deadline_days": 0}, ValidationFailed),
        ("community_staff", {"kind": "party"}, ValidationFailed),
        ("community_staff", {"title": " "}, ValidationFailed),
        ("community_staff", {"assignee": "other_worker"}, ValidationFailed),
    ],
)
def test_an_assignment_is_refused(w: SimpleNamespace, who: str, kwargs: dict[str, Any], error: type) -> None:
    args: dict[str, Any] = {"kind": TaskKind.DISASTER, "title": "救灾抢险", "deadline_days": 1, **kwargs}
    if "assignee" in args:
        args["assignee"] = getattr(w, args["assignee"])
    with pytest.raises(error):
        task_assign(actor=getattr(w, who), grid=w.grid_a1, now=MONDAY, **args)
    assert not SpecialTask.objects.exists()


def test_an_unknown_step_is_refused(w: SimpleNamespace) -> None:
    task = task_in(w, S.ASSIGNED)
    with pytest.raises(DomainError) as caught:
        task_transition(actor=w.worker, task=task, name="approve", now=MONDAY)
    assert caught.value.code == "unknown_transition"
