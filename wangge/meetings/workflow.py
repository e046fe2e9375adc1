"""The two declared workflows of the dispatch meetings (``wangge.core.workflow``, docs/adr/0004-workflows.md).

**The meeting record**: a meeting is recorded as a draft — attendees, issues, decisions, minutes, the tasks each
issue is split into — and **finalised** (定稿) by the coordinators over its node once it has its minutes and at
least one issue; a finalised record takes no more issues or edits unless it is **reopened** (撤回定稿) with a
reason.

**A task (交办事项)**: split from an issue it is 已交办 to one unit; the unit's handler **signs** it (签收) or
**returns** it (退回) with the reason (not theirs to do); a signed task takes **progress** notes with photos and
is **reported** done (反馈办结) with its result and photos; the command centre **closes** it (核销) — never the
person who reported it — or **rejects** the report back to the unit (退回重办). A returned task is **reassigned**
(改派) to another unit or **cancelled** (撤销), as may an open task that is no longer needed.

Who acts: the coordinators of the meeting's node — 指挥中心派遣员 and administrators over it, and street staff for a
street's own meeting — record meetings and close tasks; the unit's members act on its tasks: its 部门办理人 (a
grant on the unit), its staff, and for a street office or a community committee the street or community staff
over that node (``UnitPermissions``).

Transition and input names are part of the API contract; the web forms and the API payload are generated from
these tables. ``meetings.services.task_transition`` and ``meeting_transition`` are the only code that changes a
status.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit
from wangge.core.workflow import (
    FILES,
    LONG_TEXT,
    REFERENCE,
    REGISTRY,
    TEXT,
    UNIT,
    Input,
    Notice,
    Transition,
    Workflow,
)
from wangge.meetings.choices import MeetingStatus, TaskStatus
from wangge.meetings.errors import ErrorCode
from wangge.meetings.models import Meeting, Task, TaskEvent

__all__ = [
    "COORDINATORS",
    "MEETING_WORKFLOW",
    "TASK_EVENT_LABELS",
    "TASK_WORKFLOW",
    "UnitPermissions",
    "available",
    "meeting_available",
]

# Who records a node's meetings and closes its tasks: the command centre's dispatchers and the administrators
# over the node; street staff over a street (a street holds its own meeting).
COORDINATORS = frozenset({Role.DISPATCHER, Role.STREET_STAFF, Role.ADMIN})
# The staff who act for a territorial unit (a street office, a community committee) over its node.
TERRITORIAL_UNIT_STAFF = frozenset({Role.STREET_STAFF, Role.COMMUNITY_STAFF})
TERRITORIAL_UNIT_KINDS = frozenset({UnitKind.STREET_OFFICE, UnitKind.COMMUNITY_COMMITTEE})

# Recipient groups of the notices (resolved in ``meetings.notifications``).
TO_UNIT = "unit"  # the unit's handlers
TO_COORDINATORS = "coordinators"  # the coordinators over the meeting's node


class UnitPermissions:
    """``accounts.permissions``, with a territorial unit's members widened to the street or community staff over
    its node (a street office has no 部门办理人: its street staff sign its tasks)."""

    def has_role_over(self, actor: Any, roles: Iterable[str], path: str | None) -> bool:
        return permissions.has_role_over(actor, roles, path)

    def in_unit(self, actor: Any, unit_id: int | None) -> bool:
        if permissions.in_unit(actor, unit_id):
            return True
        if unit_id is None or not getattr(actor, "pk", None):
            return False
        path = (
            Unit.objects.filter(pk=unit_id, kind__in=sorted(TERRITORIAL_UNIT_KINDS))
            .values_list("territory__path", flat=True)
            .first()
        )
        return bool(path) and permissions.has_role_over(actor, TERRITORIAL_UNIT_STAFF, path)


UNIT_PERMISSIONS = UnitPermissions()

# --- the meeting ------------------------------------------------------------------------------------------

MEETING_GUARDS: dict[StrEnum, Any] = {
    ErrorCode.MINUTES_REQUIRED: _("请先填写会议纪要再定稿"),
    ErrorCode.NO_ISSUES: _("会议至少要有一个议题才能定稿"),
}


def _may_finalise(meeting: Meeting, actor: Any) -> ErrorCode | None:
    if not meeting.minutes.strip():
        return ErrorCode.MINUTES_REQUIRED
    return None if meeting.issues.exists() else ErrorCode.NO_ISSUES


DRAFT = frozenset({MeetingStatus.DRAFT})
FINAL = frozenset({MeetingStatus.FINAL})
NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)

_MEETING = [
    Transition(
        "finalise", _("定稿"), DRAFT, FINAL, COORDINATORS, inputs=(NOTE,), guard=_may_finalise, colour="success"
    ),
    Transition("reopen", _("撤回定稿"), FINAL, DRAFT, COORDINATORS, inputs=(REASON,), colour="warning", queue=False),
]


def _meeting_path(meeting: Meeting) -> str:
    path: str = meeting.territory.path
    return path


MEETING_WORKFLOW = REGISTRY.add(
    Workflow(
        name="meeting",
        statuses=MeetingStatus,
        transitions=_MEETING,
        permissions=permissions,
        path_of=_meeting_path,
        guard_messages=MEETING_GUARDS,
        created_label=_("新建会议"),
    )
)

# --- the task ---------------------------------------------------------------------------------------------

PROGRESS = Input("note", LONG_TEXT, _("进展情况"), required=True, max_length=2000)
RESULT = Input("result", LONG_TEXT, _("办理结果"), required=True, max_length=5000)
PHOTOS = Input("photos", FILES, _("现场照片"), help=_("现场照片（选填）"))
NEW_UNIT = Input("unit", REFERENCE, _("改派单位"), required=True, ref="unit", help=_("单位 id"))
NEW_DEADLINE = Input("deadline", TEXT, _("新的办结时限（选填）"), max_length=10, help=_("YYYY-MM-DD，留空不变"))

TASK_GUARDS: dict[StrEnum, Any] = {
    ErrorCode.SELF_CLOSURE: _("反馈办结的人员不能核销自己反馈的事项"),
}


def _not_own_report(task: Task, actor: Any) -> ErrorCode | None:
    """The last report of completion was not made by ``actor``."""
    user_id = getattr(actor, "pk", None)
    if not user_id:
        return None
    last = (
        TaskEvent.objects.filter(task_id=task.pk, action="report")
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return ErrorCode.SELF_CLOSURE if last == user_id else None


S = TaskStatus
ASSIGNED = frozenset({S.ASSIGNED})
SIGNED = frozenset({S.SIGNED})
REPORTED = frozenset({S.REPORTED})
RETURNED = frozenset({S.RETURNED})
UNIT_ONLY = frozenset({UNIT})

_TASK = [
    Transition("sign", _("签收"), ASSIGNED, SIGNED, actors=UNIT_ONLY, inputs=(NOTE,), colour="success"),
    Transition(
        "return",
        _("退回"),
        ASSIGNED,
        RETURNED,
        actors=UNIT_ONLY,
        inputs=(REASON,),
        colour="danger",
        queue=False,
        notice=Notice(_("交办事项 {code} 被{unit}退回，请改派"), (TO_COORDINATORS,)),
    ),
    Transition(
        "progress",
        _("进展反馈"),
        SIGNED,
        SIGNED,
        actors=UNIT_ONLY,
        inputs=(PROGRESS, PHOTOS),
        colour="secondary",
        queue=False,
    ),
    Transition(
        "report",
        _("反馈办结"),
        SIGNED,
        REPORTED,
        actors=UNIT_ONLY,
        inputs=(RESULT, PHOTOS),
        colour="success",
        notice=Notice(_("交办事项 {code} 已由{unit}反馈办结，请核销"), (TO_COORDINATORS,)),
    ),
    Transition(
        "close",
        _("核销"),
        REPORTED,
        frozenset({S.CLOSED}),
        COORDINATORS,
        inputs=(NOTE,),
        guard=_not_own_report,
        colour="success",
    ),
    Transition(
        "reject",
        _("退回重办"),
        REPORTED,
        SIGNED,
        COORDINATORS,
        inputs=(REASON,),
        colour="danger",
        notice=Notice(_("交办事项 {code} 的办结反馈被退回，请继续办理"), (TO_UNIT,)),
    ),
    Transition(
        "reassign",
        _("改派"),
        RETURNED,
        ASSIGNED,
        COORDINATORS,
        inputs=(NEW_UNIT, NEW_DEADLINE, NOTE),
        colour="warning",
        notice=Notice(_("新交办事项 {code}：{title}"), (TO_UNIT,)),
    ),
    Transition(
        "cancel",
        _("撤销"),
        frozenset({S.ASSIGNED, S.SIGNED, S.RETURNED}),
        frozenset({S.CANCELLED}),
        COORDINATORS,
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
]


def _task_path(task: Task) -> str:
    path: str = task.meeting.territory.path
    return path


def _task_unit(task: Task) -> int | None:
    return task.unit_id


TASK_WORKFLOW = REGISTRY.add(
    Workflow(
        name="meeting_task",
        statuses=TaskStatus,
        transitions=_TASK,
        permissions=UNIT_PERMISSIONS,
        path_of=_task_path,
        unit_of=_task_unit,
        guard_messages=TASK_GUARDS,
        created_label=_("交办"),
    )
)
TASK_EVENT_LABELS: dict[str, Any] = {**TASK_WORKFLOW.labels(), "assign": _("交办")}
MEETING_EVENT_LABELS: dict[str, Any] = {
    **MEETING_WORKFLOW.labels(),
    "create": _("新建会议"),
    "update": _("修改会议记录"),
    "issue_create": _("新增议题"),
    "split": _("分解交办"),
}


def available(user: Any, task: Task) -> list[Transition]:
    """The steps this user may take on this task now: the buttons a page shows."""
    return TASK_WORKFLOW.available(user, task, task.status)


def meeting_available(user: Any, meeting: Meeting) -> list[Transition]:
    return MEETING_WORKFLOW.available(user, meeting, meeting.status)
