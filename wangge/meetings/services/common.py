"""What the writes of the dispatch meetings share: who coordinates a node, the task codes, the history rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.models import Unit
from wangge.core.actors import label_of, user_of
from wangge.core.errors import ValidationFailed
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Meeting, MeetingEvent, Task, TaskEvent
from wangge.meetings.workflow import COORDINATORS

CODE_PREFIX = "JB"


def may_coordinate(actor: Any, path: str) -> bool:
    """Whether ``actor`` records the meetings of the node at ``path`` and closes their tasks."""
    return permissions.has_role_over(actor, COORDINATORS, path)


def new_code(at: dt.datetime) -> str:
    """The next task code of the local day of ``at``: ``JB`` + date + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = Task.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def scope_path_for(meeting: Meeting, unit: Unit) -> str:
    """The deeper of the meeting's node and the unit's node; refuses a unit neither above nor under the meeting's
    node (another street's office for a street's meeting)."""
    meeting_path: str = meeting.territory.path
    unit_path: str = unit.territory.path
    if meeting_path.startswith(unit_path):
        return meeting_path
    if unit_path.startswith(meeting_path):
        return unit_path
    raise ValidationFailed(
        _("%(unit)s不在本次会议的辖区内") % {"unit": unit.name},
        code=ErrorCode.UNIT_OUT_OF_REACH,
        details=[{"field": "unit", "reason": "out_of_reach"}],
    )


def text(value: Any, field: str, limit: int, error: ErrorCode, *, required: bool = False) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise ValidationFailed(_("请填写此项"), code=ErrorCode(error), details=[{"field": field, "reason": "required"}])
    if len(out) > limit:
        raise ValidationFailed(
            _("不能超过 %(n)s 个字") % {"n": limit},
            code=ErrorCode(error),
            details=[{"field": field, "reason": "too_long"}],
        )
    return out


def task_event(
    task: Task,
    action: str,
    actor: Any,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=from_status,
        to_status=task.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )


def meeting_event(
    meeting: Meeting, action: str, actor: Any, at: dt.datetime, from_status: str = "", note: str = ""
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting,
        action=action,
        from_status=from_status,
        to_status=meeting.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )
