"""Writes of the meeting record: create and edit a meeting, add its issues, split an issue into tasks for units,
and the meeting's declared steps (定稿, 撤回定稿)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit, User
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.meetings import notifications
from wangge.meetings.choices import IssueSource, MeetingKind, MeetingStatus, TaskStatus
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Issue, Meeting, Task
from wangge.meetings.services.common import (
    may_coordinate,
    meeting_event,
    new_code,
    scope_path_for,
    task_event,
    text,
)
from wangge.meetings.workflow import MEETING_WORKFLOW
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar
from wangge.workorders.models import WorkOrder

MEETING_KINDS = frozenset({TerritoryKind.DISTRICT, TerritoryKind.STREET})
MAX_DEADLINE_DAYS = 60
EDITABLE = ("title", "place", "chair_name", "other_attendees", "decisions", "minutes", "starts_at")


def _locked_meeting(actor: ActorLike, meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else int(meeting)
    qs = Meeting.objects.select_for_update(of=("self",))
    if not is_system(actor):
        qs = qs.restrict(actor)
    locked = qs.select_related("territory").filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("会议不存在"), code=ErrorCode.MEETING_NOT_FOUND)
    if not may_coordinate(actor, locked.territory.path):
        raise PermissionDenied(_("您不负责该辖区的调度会"))
    return locked


def _draft(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.DRAFT:
        raise ValidationFailed(_("会议记录已定稿，不能再修改"), code=ErrorCode.MEETING_FINAL)


def default_title(territory: Territory, kind: str, held_on: dt.date) -> str:
    return f"{territory.name}{MeetingKind(kind).label}（{held_on:%Y-%m-%d}）"


def meeting_create(
    *,
    actor: ActorLike,
    territory: Territory,
    held_on: dt.date,
    kind: str = MeetingKind.DAILY,
    starts_at: dt.time | None = None,
    title: str = "",
    place: str = "",
    chair: User | None = None,
    chair_name: str = "",
    attendees: Iterable[User] = (),
    units: Iterable[Unit] = (),
    other_attendees: str = "",
    decisions: str = "",
    minutes: str = "",
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record a meeting of a district or street the actor coordinates, as a draft."""
    require(actor)
    at = now or timezone.now()
    if territory.kind not in MEETING_KINDS or not may_coordinate(actor, territory.path):
        raise ValidationFailed(
            _("只能为您负责的区或街道记录调度会"),
            code=ErrorCode.MEETING_TERRITORY,
            details=[{"field": "territory", "reason": "not_coordinated"}],
        )
    if kind not in MeetingKind.values:
        raise ValidationFailed(_("会议类型不正确"), code=ErrorCode.INVALID_MEETING, details=[{"field": "kind"}])
    if not isinstance(held_on, dt.date):
        raise ValidationFailed(_("会议日期不正确"), code=ErrorCode.INVALID_MEETING, details=[{"field": "held_on"}])
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=text(title, "title", 200, ErrorCode.INVALID_MEETING) or default_title(territory, kind, held_on),
            territory=territory,
            held_on=held_on,
            starts_at=starts_at or dt.time(18, 0),
            place=text(place, "place", 200, ErrorCode.INVALID_MEETING),
            chair=chair,
            chair_name=text(chair_name or (str(chair) if chair else ""), "chair_name", 100, ErrorCode.INVALID_MEETING),
            other_attendees=text(other_attendees, "other_attendees", 5000, ErrorCode.INVALID_MEETING),
            decisions=text(decisions, "decisions", 10000, ErrorCode.INVALID_MEETING),
            minutes=text(minutes, "minutes", 20000, ErrorCode.INVALID_MEETING),
            created_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        meeting.attendees.set(list(attendees))
        meeting.units.set(list(units))
        meeting_event(meeting, "create", actor, at)
        audit.record(actor=actor, action="meetings.meeting_create", obj=meeting, after=audit.snapshot(meeting))
    return meeting


def meeting_update(
    *,
    actor: ActorLike,
    meeting: Meeting | int,
    attendees: Iterable[User] | None = None,
    units: Iterable[Unit] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> Meeting:
    """Edit a draft meeting's record: its title, place, chair, attendees, decisions and minutes."""
    require(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("不能修改这些内容"), code=ErrorCode.INVALID_MEETING, details=sorted(unknown))
    at = now or timezone.now()
    limits = {"title": 200, "place": 200, "chair_name": 100, "other_attendees": 5000, "decisions": 10000}
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _draft(locked)
        before = audit.snapshot(locked)
        for name, value in fields.items():
            if name == "starts_at":
                locked.starts_at = value or locked.starts_at
            else:
                setattr(locked, name, text(value, name, limits.get(name, 20000), ErrorCode.INVALID_MEETING))
        if not locked.title:
            locked.title = default_title(locked.territory, locked.kind, locked.held_on)
        locked.save()
        if attendees is not None:
            locked.attendees.set(list(attendees))
        if units is not None:
            locked.units.set(list(units))
        meeting_event(locked, "update", actor, at, locked.status)
        audit.record(
            actor=actor, action="meetings.meeting_update", obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


def issue_create(
    *,
    actor: ActorLike,
    meeting: Meeting | int,
    title: str = "",
    description: str = "",
    source: str = IssueSource.OTHER,
    work_order: WorkOrder | int | None = None,
    territory: Territory | None = None,
    location: str = "",
    decision: str = "",
    now: dt.datetime | None = None,
) -> Issue:
    """Add an issue to a draft meeting: typed in, or from a work order the actor can see (its title and grid
    taken when not given)."""
    require(actor)
    at = now or timezone.now()
    with transaction.atomic():
        locked = _locked_meeting(actor, meeting)
        _draft(locked)
        wo: WorkOrder | None = None
        if work_order is not None:
            wo_pk = work_order.pk if isinstance(work_order, WorkOrder) else int(work_order)
            qs = WorkOrder.objects.all() if is_system(actor) else WorkOrder.objects.restrict(actor)
            wo = qs.select_related("grid").filter(pk=wo_pk).first()
            if wo is None:
                raise ValidationFailed(
                    _("工单不存在"), code=ErrorCode.WORK_ORDER_NOT_VISIBLE, details=[{"field": "work_order"}]
                )
            source = IssueSource.WORK_ORDER
            title = title or wo.title
            territory = territory or wo.grid
        if source not in IssueSource.values:
            raise ValidationFailed(_("来源不正确"), code=ErrorCode.INVALID_ISSUE, details=[{"field": "source"}])
        if territory is not None and not territory.path.startswith(locked.territory.path):
            raise ValidationFailed(
                _("涉及辖区不在本次会议的辖区内"), code=ErrorCode.INVALID_ISSUE, details=[{"field": "territory"}]
            )
        number = (locked.issues.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        issue = Issue.objects.create(
            meeting=locked,
            number=number,
            title=text(title, "title", 200, ErrorCode.INVALID_ISSUE, required=True),
            description=text(description, "description", 5000, ErrorCode.INVALID_ISSUE),
            source=source,
            work_order=wo,
            territory=territory,
            location=text(location, "location", 200, ErrorCode.INVALID_ISSUE),
            decision=text(decision, "decision", 5000, ErrorCode.INVALID_ISSUE),
        )
        meeting_event(locked, "issue_create", actor, at, locked.status, note=issue.title)
        audit.record(actor=actor, action="meetings.issue_create", obj=issue, after=audit.snapshot(issue))
    return issue


def deadline_from(held_on: dt.date, *, deadline: Any = None, deadline_days: Any = None) -> tuple[dt.date, int | None]:
    """A task's deadline: the date given, or the Nth working day after the meeting day (the working calendar)."""
    if deadline not in (None, ""):
        if isinstance(deadline, dt.datetime):
            deadline = timezone.localtime(deadline).date()
        if not isinstance(deadline, dt.date):
            try:
                deadline = dt.date.fromisoformat(str(deadline).strip())
            except ValueError:
                raise ValidationFailed(
                    _("办结时限须为 YYYY-MM-DD"), code=ErrorCode.INVALID_TASK, details=[{"field": "deadline"}]
                ) from None
        if deadline < held_on:
            raise ValidationFailed(
                _("办结时限不能早于会议日期"), code=ErrorCode.INVALID_TASK, details=[{"field": "deadline"}]
            )
        return deadline, None
    try:
        days = int(deadline_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise ValidationFailed(
            _("请填写办结日期，或 1-%(n)s 个工作日的时限") % {"n": MAX_DEADLINE_DAYS},
            code=ErrorCode.INVALID_TASK,
            details=[{"field": "deadline_days"}],
        )
    return get_calendar().shift_days(held_on, days), days


def _unit(value: Any) -> Unit:
    unit = value if isinstance(value, Unit) else None
    if unit is None and value not in (None, ""):
        try:
            unit = Unit.objects.select_related("territory").filter(pk=int(value)).first()
        except (TypeError, ValueError):
            unit = None
    if unit is None or not unit.is_active:
        raise ValidationFailed(_("单位不存在或已停用"), code=ErrorCode.INVALID_TASK, details=[{"field": "unit"}])
    return unit


def _insert_task(task: Task, at: dt.datetime) -> None:
    for _attempt in range(5):
        task.code = new_code(at)
        try:
            with transaction.atomic():
                task.save()
            return
        except IntegrityError:
            if not Task.objects.filter(code=task.code).exists():
                raise
    task.code = f"{new_code(at)[:-4]}{timezone.localtime(at):%H%M%S%f}"[:32]
    task.save()


def issue_split(
    *,
    actor: ActorLike,
    issue: Issue | int,
    tasks: Iterable[Mapping[str, Any]],
    now: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> list[Task]:
    """Split an issue of a draft meeting into tasks (交办), one per row: ``unit``, ``requirement`` and either
    ``deadline`` (a date) or ``deadline_days`` (working days after the meeting day). Every row is checked before
    anything is written; each unit's handlers hear of their task after the commit."""
    require(actor)
    at = now or timezone.now()
    rows = list(tasks)
    if not rows:
        raise ValidationFailed(_("请至少交办一个单位"), code=ErrorCode.INVALID_TASK, details=[{"field": "tasks"}])
    issue_pk = issue.pk if isinstance(issue, Issue) else int(issue)
    with transaction.atomic():
        meeting_pk = Issue.objects.filter(pk=issue_pk).values_list("meeting_id", flat=True).first()
        if meeting_pk is None:
            raise NotFound(_("议题不存在"), code=ErrorCode.ISSUE_NOT_FOUND)
        try:
            locked = _locked_meeting(actor, meeting_pk)
        except NotFound:
            raise NotFound(_("议题不存在"), code=ErrorCode.ISSUE_NOT_FOUND) from None
        _draft(locked)
        the_issue = Issue.objects.get(pk=issue_pk)
        planned: list[Task] = []
        for i, row in enumerate(rows):
            try:
                unit = _unit(row.get("unit"))
                path = scope_path_for(locked, unit)
                requirement = text(row.get("requirement"), "requirement", 5000, ErrorCode.INVALID_TASK, required=True)
                deadline, days = deadline_from(
                    locked.held_on, deadline=row.get("deadline"), deadline_days=row.get("deadline_days")
                )
            except ValidationFailed as exc:
                details = exc.details if isinstance(exc.details, list) else []
                exc.details = [{**d, "row": i} for d in details if isinstance(d, dict)]  # which row of the split
                raise
            planned.append(
                Task(
                    meeting=locked,
                    issue=the_issue,
                    unit=unit,
                    requirement=requirement,
                    deadline=deadline,
                    deadline_days=days,
                    scope_path=path,
                    status=TaskStatus.ASSIGNED,
                    assigned_at=at,
                    is_synthetic=is_synthetic,
                )
            )
        for task in planned:
            _insert_task(task, at)
            task_event(
                task, "assign", actor, at, "", data={"unit": task.unit.name, "deadline": task.deadline.isoformat()}
            )
            audit.record(actor=actor, action="meetings.task_assign", obj=task, after=audit.snapshot(task))
        meeting_event(locked, "split", actor, at, locked.status, note=", ".join(t.code for t in planned))
        ids = [t.pk for t in planned]
        transaction.on_commit(lambda: [notifications.on_assigned(t) for t in Task.objects.filter(pk__in=ids)])
    return planned


def meeting_transition(
    *, actor: ActorLike, meeting: Meeting | int, name: str, now: dt.datetime | None = None, **inputs: Any
) -> Meeting:
    """Take step ``name`` of the meeting workflow (定稿, 撤回定稿): state (409), who acts (403), guard (409), inputs
    (400); writes the history row and the audit entry."""
    require(actor)
    t = MEETING_WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = meeting.pk if isinstance(meeting, Meeting) else int(meeting)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Meeting.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("会议不存在"), code=ErrorCode.MEETING_NOT_FOUND)
        MEETING_WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        locked.status = MEETING_WORKFLOW.settle(t, from_status, locked.status)
        locked.finalised_at = at if locked.status == MeetingStatus.FINAL else None
        locked.save()
        meeting_event(locked, name, actor, at, from_status, note=str(inputs.get("note") or ""))
        audit.record(
            actor=actor, action=f"meetings.meeting_{name}", obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked
