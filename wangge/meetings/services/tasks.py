"""The steps of the declared task workflow (签收, 退回, 进展反馈, 反馈办结, 核销, 退回重办, 改派, 撤销): one handler
each, and ``task_transition``, the only code that changes a task's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, uploads
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.workflow import FILES
from wangge.meetings import notifications
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Task, TaskEvent, TaskPhoto
from wangge.meetings.services.common import scope_path_for, task_event
from wangge.meetings.services.meetings import _unit, deadline_from
from wangge.meetings.workflow import TASK_WORKFLOW

Handler = Callable[[Task, ActorLike, dt.datetime, Mapping[str, Any]], tuple[str, dict[str, Any]]]


def _note(p: Mapping[str, Any]) -> str:
    return str(p.get("note") or "").strip()


def _sign(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.signed_at = at
    return _note(p), {}


def _return(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.returned_at = at
    t.return_reason = _note(p)
    return t.return_reason, {"unit": t.unit.name}


def _progress(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return _note(p), {}


def _report(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.result = str(p["result"]).strip()
    t.reported_at = at
    return t.result, {}


def _close(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.closed_at = at
    return _note(p), {}


def _reject(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.reported_at = None
    return _note(p), {}


def _reassign(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    unit = _unit(p.get("unit"))
    if unit.pk == t.unit_id:
        raise ValidationFailed(_("请改派给其他单位"), code=ErrorCode.SAME_UNIT, details=[{"field": "unit"}])
    t.scope_path = scope_path_for(t.meeting, unit)
    previous = t.unit.name
    t.unit = unit
    if p.get("deadline"):
        t.deadline, t.deadline_days = deadline_from(t.meeting.held_on, deadline=p["deadline"])
    t.assigned_at = at
    t.signed_at = t.returned_at = None
    t.return_reason = ""
    return _note(p), {"from_unit": previous, "unit": unit.name, "deadline": t.deadline.isoformat()}


def _cancel(t: Task, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    t.cancelled_at = at
    return _note(p), {}


HANDLERS: dict[str, Handler] = {
    "sign": _sign,
    "return": _return,
    "progress": _progress,
    "report": _report,
    "close": _close,
    "reject": _reject,
    "reassign": _reassign,
    "cancel": _cancel,
}
assert set(HANDLERS) == set(TASK_WORKFLOW.transitions), "every task step needs a handler"


def _store_photos(task: Task, event: TaskEvent, cleaned: Iterable[uploads.CleanFile], actor: ActorLike) -> list[int]:
    return [
        TaskPhoto.objects.create(
            task=task, event=event, file=c.as_file(), content_type=c.content_type, uploaded_by=user_of(actor)
        ).pk
        for c in cleaned
    ]


def task_transition(
    *,
    actor: ActorLike,
    task: Task | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Task:
    """Take step ``name`` of the declared task workflow. Locks the row in the actor's scope, checks the state
    (409), who acts (403), the guard (409) and the required inputs (400), sanitises the step's photos, runs the
    step, settles the status and writes the history row and the audit entry; the step's notice goes out after
    the commit.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = TASK_WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = task.pk if isinstance(task, Task) else int(task)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Task.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("meeting__territory", "unit__territory", "issue").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("交办事项不存在"), code=ErrorCode.TASK_NOT_FOUND)
        TASK_WORKFLOW.check(t, locked, actor, locked.status, inputs)
        files = [f for i in t.inputs if i.kind == FILES for f in (inputs.get(i.name) or ()) if f]
        cleaned = uploads.sanitise_all(files, accept=uploads.IMAGES) if files else []
        before = audit.snapshot(locked)
        from_status = locked.status
        note, data = HANDLERS[name](locked, actor, at, inputs)
        locked.status = TASK_WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event = task_event(locked, name, actor, at, from_status, note=note, data=data)
        after = audit.snapshot(locked) or {}
        if cleaned:
            after["photos"] = _store_photos(locked, event, cleaned, actor)
        audit.record(actor=actor, action=f"meetings.task_{name}", obj=locked, before=before, after=after)
        if TASK_WORKFLOW.notices(t, locked) is not None:
            key = at.isoformat()
            transaction.on_commit(lambda: notifications.on_step(Task.objects.get(pk=locked.pk), name, key))
    return locked
