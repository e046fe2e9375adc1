"""A round of inspection (巡查体检) as a table: each step's source statuses, where it ends, who may take it and
the inputs it needs (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The loop: the periodic task makes a round due (待巡查) for each point and period; the assignee — the point's
responsible person or the grid worker on turn — or any grid worker, grid leader or community staff member of
the point's grid, or a member of the point's responsible unit, **submits** it with each item's result, photos
and position (已完成; late and far-from-point are flags, not refusals); a round not submitted by its closing time
is **marked missed** by the system (已漏巡); community or street staff may **excuse** a round that cannot be
done (已免检, e.g. the point is closed off); the command centre, inspectors and leaders **spot-check** a done
round (抽查) and record whether they agree — never a round they submitted themselves.

The assignee acts through a fourth kind of actor, ``ASSIGNEE`` (the round's named assignee, whatever their
grants), added by :class:`RoundWorkflow`; everything else is the shared engine.
Transition and input names are part of the API contract. ``inspections.services.round_transition`` is the only
code that changes a round's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.actors import is_system
from wangge.core.workflow import (
    BOOLEAN,
    LONG_TEXT,
    REGISTRY,
    TERRITORY,
    UNIT,
    Input,
    Transition,
    Workflow,
)
from wangge.inspections.choices import RoundStatus
from wangge.inspections.errors import ErrorCode
from wangge.inspections.models import Round

__all__ = ["ASSIGNEE", "CHECKERS", "EVENT_LABELS", "ON_SITE", "TRANSITIONS", "WORKFLOW", "available"]

ASSIGNEE = "assignee"  # the round's named assignee (定人), whatever their grants

# Who does a round on site: the grid's staff and the community staff over it (besides the assignee and the
# members of the point's responsible unit).
ON_SITE = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF})
# Who excuses a round that cannot be done.
MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Who spot-checks (定期抽查): the command centre, the inspectors and the leaders.
CHECKERS = frozenset({Role.DISPATCHER, Role.INSPECTOR, Role.LEADER, Role.ADMIN})

S = RoundStatus
PENDING = frozenset({S.PENDING})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)
AGREE = Input(
    "agree",
    BOOLEAN,
    _("抽查结论"),
    required=True,
    yes_no=True,
    choices=((True, _("属实（与巡查记录一致）")), (False, _("不属实（与巡查记录不符）"))),
)

GUARD_MESSAGES: dict[StrEnum, Any] = {ErrorCode.SELF_SPOT_CHECK: _("不能抽查本人提交的巡查")}


def _not_own_round(r: Round, actor: Any) -> ErrorCode | None:
    user_id = getattr(actor, "pk", None)
    return ErrorCode.SELF_SPOT_CHECK if user_id and r.submitted_by_id == user_id else None


_T = [
    Transition(
        "submit_round",
        _("提交巡查"),
        PENDING,
        frozenset({S.DONE}),
        ON_SITE,
        actors=frozenset({TERRITORY, UNIT, ASSIGNEE}),
        inputs=(NOTE,),
        colour="success",
    ),
    Transition(
        "mark_missed",
        _("记为漏巡"),
        PENDING,
        frozenset({S.MISSED}),
        frozenset(),  # the system only, once the round closed
        colour="danger",
        queue=False,
    ),
    Transition(
        "excuse",
        _("免检"),
        PENDING,
        frozenset({S.EXCUSED}),
        MANAGERS,
        inputs=(REASON,),
        colour="secondary",
        queue=False,
    ),
    Transition(
        "spot_check",
        _("抽查"),
        frozenset({S.DONE}),
        frozenset({S.CHECKED}),
        CHECKERS,
        inputs=(AGREE, NOTE),
        guard=_not_own_round,
        colour="warning",
        queue=False,
    ),
]


class RoundWorkflow(Workflow):
    """The shared engine, with the round's assignee as an actor of the steps that name ``ASSIGNEE``."""

    def may(self, actor: Any, t: Transition, obj: Any) -> bool:
        if (
            ASSIGNEE in t.actors
            and not is_system(actor)
            and getattr(actor, "is_active", False)
            and getattr(obj, "assignee_id", None) is not None
            and obj.assignee_id == getattr(actor, "pk", None)
        ):
            return True
        return super().may(actor, t, obj)


def _path_of(r: Round) -> str:
    path: str = r.grid.path
    return path


def _unit_of(r: Round) -> int | None:
    unit_id: int | None = r.point.responsible_unit_id
    return unit_id


WORKFLOW = REGISTRY.add(
    RoundWorkflow(
        name="inspection_round",
        statuses=RoundStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("生成巡查任务"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "generate": _("生成巡查任务")}


def available(user: Any, r: Round) -> list[Transition]:
    """The steps this user may take on this round now: the buttons a page shows."""
    return WORKFLOW.available(user, r, r.status)
