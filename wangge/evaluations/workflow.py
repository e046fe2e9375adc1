"""The rectification of a 差评 (核实 → 整改 → 反馈 → 回访) and the appeal against a rating (申诉复核), as tables
on the shared engine (``wangge.core.workflow``, docs/adr/0004-workflows.md).

Rectification: the hall's staff (窗口工作人员), its leaders and administrators over the hall, or a member of the
item's department, **verify** the 差评 (核实), **rectify** (整改) and **feed back** (反馈) to the rater; a
real-name rating (or a callback's problem, which has the applicant's phone) then waits for the hall's **callback**
(回访 — 100% for real-name 差评): satisfied closes it, not satisfied sends it back to 整改. Without a phone the
feedback closes it. **withdraw** (申诉成立，撤销) is taken only when the rating's appeal was upheld.

Appeal: the leaders and administrators over the hall **uphold** or **refuse** it — never their own.
Transition and input names are part of the API contract. ``evaluations.services.rectification_transition``
and ``appeal_transition`` are the only code that changes the statuses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import BOOLEAN, LONG_TEXT, REGISTRY, TERRITORY, UNIT, Input, Transition, Workflow
from wangge.evaluations.choices import OPEN_RECTIFICATION, AppealStatus, RectificationStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import Appeal, Rectification

__all__ = [
    "APPEAL_WORKFLOW",
    "CALLERS",
    "DRAWERS",
    "HALL_ROLES",
    "RECTIFICATION_WORKFLOW",
    "REVIEWERS",
]

# Who works on a hall's ratings: its window staff, leaders and administrators (and, through ``UNIT``, the
# item's department).
HALL_ROLES = frozenset({Role.HALL_STAFF, Role.LEADER, Role.ADMIN})
# Who decides an appeal (大厅负责人、领导).
REVIEWERS = frozenset({Role.LEADER, Role.ADMIN})
# Who phones the applicants back.
CALLERS = frozenset({Role.HALL_STAFF, Role.ADMIN})
# Who draws a month's callback sample from a page or the API (the monthly command acts as the system).
DRAWERS = frozenset({Role.LEADER, Role.ADMIN})

R = RectificationStatus
OPEN = frozenset(OPEN_RECTIFICATION)

FINDING = Input("finding", LONG_TEXT, _("核实情况"), required=True, max_length=2000)
MEASURES = Input("measures", LONG_TEXT, _("整改措施"), required=True, max_length=2000)
FEEDBACK = Input("feedback", LONG_TEXT, _("反馈内容"), required=True, max_length=2000)
SATISFIED = Input(
    "satisfied",
    BOOLEAN,
    _("回访结果"),
    required=True,
    yes_no=True,
    choices=((True, _("满意，办结")), (False, _("不满意，重新整改"))),
)
NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REVIEW_NOTE = Input("note", LONG_TEXT, _("复核意见"), required=True, max_length=2000)


def _appeal_upheld(r: Rectification, actor: Any) -> ErrorCode | None:
    ev = r.evaluation
    appeal = getattr(ev, "appeal", None) if ev is not None else None
    return None if appeal is not None and appeal.status == AppealStatus.UPHELD else ErrorCode.APPEAL_NOT_ALLOWED


def _not_own_appeal(a: Appeal, actor: Any) -> ErrorCode | None:
    user_id = getattr(actor, "pk", None)
    return ErrorCode.SELF_REVIEW if user_id and a.filed_by_id == user_id else None


GUARD_MESSAGES: dict[StrEnum, Any] = {
    ErrorCode.APPEAL_NOT_ALLOWED: _("只有申诉成立的差评才能撤销整改"),
    ErrorCode.SELF_REVIEW: _("不能复核本人提出的申诉"),
}

_RECTIFICATION = [
    Transition(
        "verify",
        _("核实"),
        frozenset({R.VERIFYING}),
        frozenset({R.RECTIFYING}),
        HALL_ROLES,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(FINDING,),
    ),
    Transition(
        "rectify",
        _("整改"),
        frozenset({R.RECTIFYING}),
        frozenset({R.FEEDBACK}),
        HALL_ROLES,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(MEASURES,),
    ),
    Transition(
        "feedback",
        _("反馈"),
        frozenset({R.FEEDBACK}),
        frozenset({R.CALLBACK, R.CLOSED}),
        HALL_ROLES,
        actors=frozenset({TERRITORY, UNIT}),
        inputs=(FEEDBACK,),
        colour="success",
    ),
    Transition(
        "callback",
        _("回访"),
        frozenset({R.CALLBACK}),
        frozenset({R.CLOSED, R.RECTIFYING}),
        HALL_ROLES,
        inputs=(SATISFIED, NOTE),
        colour="success",
    ),
    Transition(
        "withdraw",
        _("申诉成立，撤销整改"),
        OPEN,
        frozenset({R.WITHDRAWN}),
        REVIEWERS,
        inputs=(NOTE,),
        guard=_appeal_upheld,
        colour="secondary",
        queue=False,
    ),
]

_APPEAL = [
    Transition(
        "uphold",
        _("申诉成立"),
        frozenset({AppealStatus.PENDING}),
        frozenset({AppealStatus.UPHELD}),
        REVIEWERS,
        inputs=(REVIEW_NOTE,),
        guard=_not_own_appeal,
        colour="warning",
    ),
    Transition(
        "refuse",
        _("申诉不成立"),
        frozenset({AppealStatus.PENDING}),
        frozenset({AppealStatus.REFUSED}),
        REVIEWERS,
        inputs=(REVIEW_NOTE,),
        guard=_not_own_appeal,
        colour="secondary",
    ),
]


def _rect_path(r: Rectification) -> str:
    return str(r.hall.territory.path)


def _rect_unit(r: Rectification) -> int | None:
    return r.department_id


def _appeal_path(a: Appeal) -> str:
    return str(a.evaluation.hall.territory.path)


def _appeal_unit(a: Appeal) -> int | None:
    return None  # the department files an appeal; it never decides one


RECTIFICATION_WORKFLOW = REGISTRY.add(
    Workflow(
        name="hall_rectification",
        statuses=RectificationStatus,
        transitions=_RECTIFICATION,
        permissions=permissions,
        path_of=_rect_path,
        unit_of=_rect_unit,
        guard_messages=GUARD_MESSAGES,
        created_label=_("差评转整改"),
    )
)
APPEAL_WORKFLOW = REGISTRY.add(
    Workflow(
        name="hall_appeal",
        statuses=AppealStatus,
        transitions=_APPEAL,
        permissions=permissions,
        path_of=_appeal_path,
        unit_of=_appeal_unit,
        guard_messages=GUARD_MESSAGES,
        created_label=_("提出申诉"),
    )
)
