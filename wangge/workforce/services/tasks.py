"""Special tasks (专项任务): ``task_assign`` gives one to a grid or a grid worker with a deadline in working days
(the working calendar), ``task_transition`` takes a step of ``workforce.workflow`` — the only code that changes a
task's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.models import User
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar
from wangge.workforce import conf
from wangge.workforce.choices import TaskKind, TaskStatus
from wangge.workforce.errors import ErrorCode
from wangge.workforce.models import SpecialTask, SpecialTaskEvent
from wangge.workforce.rules import local_date
from wangge.workforce.services.common import text, visible_grid
from wangge.workforce.workflow import MANAGERS, WORKFLOW

Handler = Callable[[SpecialTask, ActorLike, dt.datetime, Mapping[str, Any]], str]


def may_assign(actor: Any, grid: Territory) -> bool:
    return permissions.has_role_over(actor, MANAGERS, grid.path)


def _event(task: SpecialTask, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str) -> None:
    SpecialTaskEvent.objects.create(
        task=task,
        action=action,
        from_status=from_status,
        to_status=task.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )


def task_assign(
    *,
    actor: ActorLike,
    grid: Territory | int,
    kind: str,
    title: str,
    deadline_days: int,
    description: str = "",
    assignee: User | None = None,
    now: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> SpecialTask:
    """交办专项任务 to a grid, or to one grid worker (or grid leader) of it; due at the end of the Nth working day
    after the day of assignment. Community and street staff, the command centre and admins over the grid."""
    require(actor)
    node = visible_grid(actor, grid)
    if not may_assign(actor, node):
        raise PermissionDenied(_("无权向该网格交办专项任务"), code=ErrorCode.FORBIDDEN)
    code = ErrorCode.INVALID_TASK
    if kind not in TaskKind.values:
        raise ValidationFailed(_("专项类别不正确"), code=ErrorCode(code), details=[{"field": "kind"}])
    try:
        days = int(deadline_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= conf.max_deadline_days():
        raise ValidationFailed(
            _("时限应为 1-%(n)s 个工作日") % {"n": conf.max_deadline_days()},
            code=ErrorCode(code),
            details=[{"field": "deadline_days"}],
        )
    if assignee is not None and not permissions.has_role_over(
        assignee, {Role.GRID_WORKER, Role.GRID_LEADER}, node.path
    ):
        raise ValidationFailed(
            _("承办人须为该网格的网格员或网格长"), code=ErrorCode(code), details=[{"field": "assignee"}]
        )
    at = now or timezone.now()
    with transaction.atomic():
        task = SpecialTask.objects.create(
            kind=kind,
            title=text(title, "title", 200, code, required=True),
            description=text(description, "description", 5000, code),
            grid=node,
            assignee=assignee,
            deadline_days=days,
            deadline=get_calendar().shift_days(local_date(at), days),
            assigned_at=at,
            assigned_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        _event(task, "assign", actor, at, "", task.title)
        audit.record(actor=actor, action="workforce.task_assign", obj=task, after=audit.snapshot(task))
    return task


def _note(p: Mapping[str, Any]) -> str:
    return str(p.get("note") or "").strip()[:2000]


def _accept(t: SpecialTask, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    t.accepted_at = at
    return _note(p)


def _report(t: SpecialTask, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    t.result = text(p.get("result"), "result", 5000, ErrorCode.INVALID_TASK, required=True)
    t.reported_at = at
    return t.result


def _confirm(t: SpecialTask, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    t.done_at = at
    return _note(p)


def _send_back(t: SpecialTask, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    t.reported_at = None
    return _note(p)


def _cancel(t: SpecialTask, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    return _note(p)


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "report": _report,
    "confirm": _confirm,
    "send_back": _send_back,
    "cancel": _cancel,
}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every task step needs a handler"


def task_transition(
    *, actor: ActorLike, task: SpecialTask | int, name: str, now: dt.datetime | None = None, **inputs: Any
) -> SpecialTask:
    """Take step ``name`` of the task workflow: lock the row in scope, check state (409), who acts (403), the
    guard (409) and the inputs (400), run the step, settle the status, write the history row and the audit entry."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = task.pk if isinstance(task, SpecialTask) else int(task)
    at = now or timezone.now()
    with transaction.atomic():
        qs = SpecialTask.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("grid").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("专项任务不存在"), code=ErrorCode.NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        _event(locked, name, actor, at, from_status, note)
        audit.record(
            actor=actor, action=f"workforce.task_{name}", obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


__all__ = ["HANDLERS", "TaskStatus", "may_assign", "task_assign", "task_transition"]
