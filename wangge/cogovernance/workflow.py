"""A follow-up task (落实事项) of a 共商 meeting as a table (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The task's owner (``OWNER``: the account it names, whatever their grants) or the community and street staff
over the meeting's territory **complete** it with what was done (已办结); the staff may **cancel** it with the
reason (已撤销, e.g. the resolution was overtaken) and **reopen** a completed one that was not really done.
``cogovernance.services.task_transition`` is the only code that changes a task's status.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.cogovernance.choices import TaskStatus
from wangge.cogovernance.models import FollowUpTask
from wangge.core.actors import is_system
from wangge.core.workflow import LONG_TEXT, REGISTRY, TERRITORY, Input, Transition, Workflow

__all__ = ["EVENT_LABELS", "MANAGERS", "OWNER", "TRANSITIONS", "WORKFLOW", "available"]

OWNER = "owner"
MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
S = TaskStatus

RESULT = Input("result", LONG_TEXT, _("落实情况"), required=True, max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)

_T = [
    Transition(
        "complete",
        _("办结"),
        frozenset({S.OPEN}),
        frozenset({S.DONE}),
        MANAGERS,
        actors=frozenset({TERRITORY, OWNER}),
        inputs=(RESULT,),
        colour="success",
    ),
    Transition(
        "cancel",
        _("撤销"),
        frozenset({S.OPEN}),
        frozenset({S.CANCELLED}),
        MANAGERS,
        inputs=(REASON,),
        colour="secondary",
        queue=False,
    ),
    Transition(
        "reopen",
        _("重新落实"),
        frozenset({S.DONE}),
        frozenset({S.OPEN}),
        MANAGERS,
        inputs=(REASON,),
        colour="warning",
        queue=False,
    ),
]


class TaskWorkflow(Workflow):
    """The shared engine, with the task's owner as an actor of the steps that name ``OWNER``."""

    def may(self, actor: Any, t: Transition, obj: Any) -> bool:
        if (
            OWNER in t.actors
            and not is_system(actor)
            and getattr(actor, "is_active", False)
            and getattr(obj, "owner_id", None) is not None
            and obj.owner_id == getattr(actor, "pk", None)
        ):
            return True
        return super().may(actor, t, obj)


def _path_of(task: FollowUpTask) -> str:
    path: str = task.meeting.territory.path
    return path


WORKFLOW = REGISTRY.add(
    TaskWorkflow(
        name="cogovernance_task",
        statuses=TaskStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        created_label=_("会议交办"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = WORKFLOW.labels()


def available(user: Any, task: FollowUpTask) -> list[Transition]:
    return WORKFLOW.available(user, task, task.status)
