"""A special task (专项任务) as a table (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The loop: community or street staff (or the command centre) **assign** a task to a grid, or to one grid worker of
it, with a deadline in working days (已交办); the assignee — or, for a task given to the grid, any grid worker or
grid leader of it — **accepts** it (已接收) and **reports** it done with the result (已反馈); the managers over the
grid **confirm** it (已办结) — never the person who reported it — or **send it back** (退回重办) with the reason;
an open task no longer needed is **cancelled** (已撤销). Overdue is one rule, in ``selectors.overdue_q``.

Transition and input names are part of the API contract. ``workforce.services.task_transition`` is the only code
that changes a task's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.actors import is_system
from wangge.core.workflow import LONG_TEXT, REGISTRY, TERRITORY, Input, Transition, Workflow
from wangge.workforce.choices import TaskStatus
from wangge.workforce.errors import ErrorCode
from wangge.workforce.models import SpecialTask, SpecialTaskEvent

__all__ = ["ASSIGNEE", "DOERS", "EVENT_LABELS", "MANAGERS", "TRANSITIONS", "WORKFLOW", "available"]

ASSIGNEE = "assignee"  # the task's named grid worker, whatever their grants

# Who does a task given to a grid: its grid workers and grid leader.
DOERS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
# Who assigns, confirms, sends back and cancels: the community and street staff, the command centre, admins.
MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISPATCHER, Role.ADMIN})

S = TaskStatus
NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)
RESULT = Input("result", LONG_TEXT, _("完成情况"), required=True, max_length=5000)

GUARD_MESSAGES: dict[StrEnum, Any] = {ErrorCode.SELF_CONFIRM: _("反馈完成的人员不能确认自己反馈的任务")}


def _not_own_report(task: SpecialTask, actor: Any) -> ErrorCode | None:
    user_id = getattr(actor, "pk", None)
    if not user_id:
        return None
    last = (
        SpecialTaskEvent.objects.filter(task_id=task.pk, action="report")
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return ErrorCode.SELF_CONFIRM if last == user_id else None


DOER_ACTORS = frozenset({TERRITORY, ASSIGNEE})

_T = [
    Transition("accept", _("接收任务"), frozenset({S.ASSIGNED}), frozenset({S.ACCEPTED}), DOERS, DOER_ACTORS, (NOTE,)),
    Transition(
        "report",
        _("反馈完成"),
        frozenset({S.ACCEPTED}),
        frozenset({S.REPORTED}),
        DOERS,
        DOER_ACTORS,
        (RESULT,),
        colour="success",
    ),
    Transition(
        "confirm",
        _("确认办结"),
        frozenset({S.REPORTED}),
        frozenset({S.DONE}),
        MANAGERS,
        inputs=(NOTE,),
        guard=_not_own_report,
        colour="success",
    ),
    Transition(
        "send_back",
        _("退回重办"),
        frozenset({S.REPORTED}),
        frozenset({S.ACCEPTED}),
        MANAGERS,
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
    Transition(
        "cancel",
        _("撤销任务"),
        frozenset({S.ASSIGNED, S.ACCEPTED}),
        frozenset({S.CANCELLED}),
        MANAGERS,
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
]


class TaskWorkflow(Workflow):
    """The shared engine, with the task's named grid worker as an actor of the steps that name ``ASSIGNEE``; a
    task given to one worker is theirs alone among the grid's workers."""

    def may(self, actor: Any, t: Transition, obj: Any) -> bool:
        named = getattr(obj, "assignee_id", None)
        if ASSIGNEE in t.actors and not is_system(actor) and named is not None:
            return named == getattr(actor, "pk", None) and bool(getattr(actor, "is_active", False))
        return super().may(actor, t, obj)


def _path_of(task: SpecialTask) -> str:
    path: str = task.grid.path
    return path


WORKFLOW = REGISTRY.add(
    TaskWorkflow(
        name="workforce_task",
        statuses=TaskStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("交办专项任务"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "assign": _("交办专项任务")}


def available(user: Any, task: SpecialTask) -> list[Transition]:
    """The steps this user may take on this task now: the buttons a page shows."""
    return WORKFLOW.available(user, task, task.status)
