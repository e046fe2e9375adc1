"""The life of a project (项目状态) as a table: 谋划 → 在建 → 完工 → 验收, with 暂停 (and 恢复) along the way
(``wangge.core.workflow``, docs/adr/0004-workflows.md).

Who: the project's keepers — community and street staff and administrators over its territory, and the members
of its lead unit (e.g. the district's 住建局) — **start**, **complete**, **suspend** and **resume** it;
acceptance (**accept**, 验收) is signed off by a leader or an administrator over its territory, never by the lead
unit whose works are accepted. Suspending needs a reason; resuming returns the project to where it was.

Transition and input names are part of the API contract; the web forms and the API payload are generated from
this table. ``projects.services.project_transition`` is the only code that changes a project's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import LONG_TEXT, REGISTRY, TERRITORY, UNIT, Input, Transition, Workflow
from wangge.projects.choices import ProjectStatus
from wangge.projects.errors import ErrorCode
from wangge.projects.models import Project

__all__ = ["ACCEPTORS", "EVENT_LABELS", "KEEPERS", "TRANSITIONS", "WORKFLOW", "available"]

# Who keeps a project (the ``change`` action of ``accounts.roles`` over its territory).
KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Who signs off its acceptance.
ACCEPTORS = frozenset({Role.LEADER, Role.ADMIN})

S = ProjectStatus
PLANNING = frozenset({S.PLANNING})
BUILDING = frozenset({S.BUILDING})
RUNNING = frozenset({S.PLANNING, S.BUILDING})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("reason", LONG_TEXT, _("暂停原因"), required=True, max_length=2000, help=_("如：征迁未完成、管线迁改"))

GUARD_MESSAGES: dict[StrEnum, Any] = {ErrorCode.UNKNOWN_TRANSITION: _("未知的操作")}

_T = [
    Transition(
        "start",
        _("开工"),
        PLANNING,
        BUILDING,
        KEEPERS,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(NOTE,),
        colour="success",
    ),
    Transition(
        "complete",
        _("完工"),
        BUILDING,
        frozenset({S.COMPLETED}),
        KEEPERS,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(NOTE,),
        colour="success",
    ),
    Transition(
        "accept",
        _("验收"),
        frozenset({S.COMPLETED}),
        frozenset({S.ACCEPTED}),
        ACCEPTORS,
        inputs=(NOTE,),
        colour="success",
    ),
    Transition(
        "suspend",
        _("暂停"),
        RUNNING,
        frozenset({S.SUSPENDED}),
        KEEPERS,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
    Transition(
        "resume",
        _("恢复"),
        frozenset({S.SUSPENDED}),
        RUNNING,  # back where it was suspended from
        KEEPERS,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(NOTE,),
        colour="warning",
    ),
]


def _path_of(project: Project) -> str:
    path: str = project.territory.path
    return path


def _unit_of(project: Project) -> int | None:
    return project.lead_unit_id


WORKFLOW = REGISTRY.add(
    Workflow(
        name="project",
        statuses=ProjectStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("登记项目"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {
    **WORKFLOW.labels(),
    "create": _("登记项目"),
    "update": _("修改项目"),
}


def available(user: Any, project: Project) -> list[Transition]:
    """The steps this user may take on this project now: the buttons a page shows."""
    return WORKFLOW.available(user, project, project.status)
