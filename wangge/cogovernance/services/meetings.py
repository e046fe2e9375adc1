"""Meetings of 有事共商 with their resolutions and follow-up tasks, and ``task_transition`` — the only code that
changes a task's status.

A task's deadline is a date or N working days after the meeting day (``deadlines.working_deadline``); it is
overdue after its deadline day (``deadlines``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.cogovernance.choices import MeetingKind, TaskStatus
from wangge.cogovernance.deadlines import MAX_DEADLINE_DAYS, working_deadline
from wangge.cogovernance.errors import ErrorCode
from wangge.cogovernance.models import FollowUpTask, Meeting, Resolution, TaskEvent
from wangge.cogovernance.services.common import clean_text, refuse, require_convener
from wangge.cogovernance.workflow import WORKFLOW
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.ledgers.models import Estate
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = ["meeting_record", "task_add", "task_transition"]

MAX_RESOLUTIONS = 20
MAX_TASKS = 40


def _event(
    task: FollowUpTask, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str = ""
) -> None:
    TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=from_status,
        to_status=task.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )


def _deadline(held_on: dt.date, deadline: Any, deadline_days: Any) -> tuple[dt.date, int | None]:
    if deadline not in (None, ""):
        if not isinstance(deadline, dt.date):
            try:
                deadline = dt.date.fromisoformat(str(deadline).strip())
            except ValueError:
                raise refuse("deadline", ErrorCode.INVALID_TASK, _("办结时限须为 YYYY-MM-DD")) from None
        if deadline < held_on:
            raise refuse("deadline", ErrorCode.INVALID_TASK, _("办结时限不能早于会议日期"))
        return deadline, None
    try:
        days = int(deadline_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise refuse("deadline_days", ErrorCode.INVALID_TASK, _("时限须为 1–%(n)s 个工作日") % {"n": MAX_DEADLINE_DAYS})
    return working_deadline(held_on, days), days


def _task_row(meeting: Meeting, spec: Mapping[str, Any], resolutions: Sequence[Resolution]) -> FollowUpTask:
    title = clean_text(spec.get("title"), 200)
    owner = spec.get("owner")
    owner_name = clean_text(spec.get("owner_name") or (str(owner) if owner is not None else ""), 100)
    if not title or not owner_name:
        raise refuse("tasks", ErrorCode.INVALID_TASK, _("每项落实事项须有内容和责任人"))
    deadline, days = _deadline(meeting.held_on, spec.get("deadline"), spec.get("deadline_days"))
    index = spec.get("resolution")
    resolution = None
    if index not in (None, ""):
        try:
            resolution = resolutions[int(index) - 1]
        except (ValueError, IndexError):
            raise refuse("tasks", ErrorCode.INVALID_TASK, _("落实事项所属决议序号不正确")) from None
    return FollowUpTask(
        meeting=meeting,
        resolution=resolution,
        title=title,
        owner=owner,
        owner_name=owner_name,
        deadline=deadline,
        deadline_days=days,
        is_synthetic=bool(spec.get("is_synthetic", False)),
    )


def meeting_record(
    *,
    actor: ActorLike,
    kind: str,
    title: str,
    territory: Territory,
    held_on: dt.date,
    estate: Estate | None = None,
    location: str = "",
    agenda: str = "",
    participants: str = "",
    attendance: int = 0,
    summary: str = "",
    resolutions: Sequence[str] = (),
    tasks: Sequence[Mapping[str, Any]] = (),
    is_synthetic: bool = False,
) -> Meeting:
    """Record a meeting held in a community or grid, with its resolutions (texts, numbered in order) and its
    follow-up tasks (``title``, ``owner`` account or ``owner_name``, ``deadline`` date or ``deadline_days``
    working days, ``resolution`` number). A 联席会议 names its 小区. Raises PermissionDenied, ValidationFailed."""
    require(actor)
    require_convener(actor, territory.path)
    if kind not in MeetingKind.values:
        raise refuse("kind", ErrorCode.INVALID_MEETING, _("会议类型不正确"))
    if territory.kind not in (TerritoryKind.COMMUNITY, TerritoryKind.GRID, TerritoryKind.STREET):
        raise refuse("territory", ErrorCode.INVALID_MEETING, _("会议须在街道、社区或网格召开"))
    title = clean_text(title, 150)
    if not title:
        raise refuse("title", ErrorCode.INVALID_MEETING, _("请填写议题"))
    if kind == MeetingKind.JOINT and estate is None:
        raise refuse("estate", ErrorCode.INVALID_MEETING, _("联席会议须选择小区"))
    if estate is not None and not (
        estate.community.path.startswith(territory.path) or territory.path.startswith(estate.community.path)
    ):
        raise refuse("estate", ErrorCode.INVALID_MEETING, _("该小区不在会议所在社区"))
    texts = [clean_text(t, 2000) for t in resolutions if str(t or "").strip()]
    if len(texts) > MAX_RESOLUTIONS or len(tasks) > MAX_TASKS:
        raise refuse("resolutions", ErrorCode.INVALID_MEETING, _("决议或落实事项过多"))
    try:
        attendance = max(0, int(attendance or 0))
    except (TypeError, ValueError):
        raise refuse("attendance", ErrorCode.INVALID_MEETING, _("参会人数须为整数")) from None
    at = timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=title,
            territory=territory,
            estate=estate,
            held_on=held_on,
            location=clean_text(location, 120),
            agenda=clean_text(agenda, 5000),
            participants=clean_text(participants, 5000),
            attendance=attendance,
            summary=clean_text(summary, 5000),
            convened_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        rows = Resolution.objects.bulk_create(
            [Resolution(meeting=meeting, number=i, text=t) for i, t in enumerate(texts, start=1)]
        )
        for spec in tasks:
            task = _task_row(meeting, spec, rows)
            task.save()
            _event(task, "create", actor, at, "")
        audit.record(
            actor=actor,
            action="cogovernance.meeting_record",
            obj=meeting,
            after={**(audit.snapshot(meeting) or {}), "resolutions": len(rows), "tasks": len(tasks)},
        )
    return meeting


def task_add(
    *,
    actor: ActorLike,
    meeting: Meeting,
    title: str,
    owner: Any = None,
    owner_name: str = "",
    deadline: Any = None,
    deadline_days: Any = None,
    resolution: int | None = None,
) -> FollowUpTask:
    """One more follow-up task of a meeting."""
    require(actor)
    require_convener(actor, meeting.territory.path)
    spec = {
        "title": title,
        "owner": owner,
        "owner_name": owner_name,
        "deadline": deadline,
        "deadline_days": deadline_days,
        "resolution": resolution,
    }
    task = _task_row(meeting, spec, list(meeting.resolutions.order_by("number")))
    with transaction.atomic():
        task.save()
        _event(task, "create", actor, timezone.now(), "")
        audit.record(actor=actor, action="cogovernance.task_add", obj=task, after=audit.snapshot(task))
    return task


def task_transition(
    *, actor: ActorLike, task: FollowUpTask | int, name: str, now: dt.datetime | None = None, **inputs: Any
) -> FollowUpTask:
    """Take step ``name`` of ``cogovernance.workflow`` on a task: lock it in scope, check state (409), who acts
    (403) and the inputs (400), update it and write its history row and the audit entry."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = task.pk if isinstance(task, FollowUpTask) else int(task)
    at = now or timezone.now()
    with transaction.atomic():
        qs = FollowUpTask.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("meeting", "meeting__territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("落实事项不存在"), code=ErrorCode.TASK_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        if name == "complete":
            locked.result = clean_text(inputs.get("result"), 2000)
            locked.done_at = at
            note = locked.result
        else:
            note = clean_text(inputs.get("note"), 2000)
            if name == "reopen":
                locked.done_at = None
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        _event(locked, name, actor, at, from_status, note)
        audit.record(
            actor=actor, action=f"cogovernance.task_{name}", obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


# The statuses are referenced so the workflow and the model agree (a meta-test checks the declared table).
assert set(WORKFLOW.statuses) == set(TaskStatus.values)
