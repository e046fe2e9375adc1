"""An application (办件) as a table: each step's source statuses, where it ends, who may take it and the inputs
it needs (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The loop: a window receives (收件) the application — the receiver is its first-contact owner (首问负责); it is
**accepted** (受理) and the promised limit starts, or the applicant is told once, in one notice, every material
still missing (一次性告知) — **request_supplement** (待补正; accepted once the materials come) or **reject**
(不予受理); the department or the window **handles** it (办理) and **finishes** it (办结, a 即办件 straight from
accepted); the applicant may **withdraw** it (撤回) before it is finished.

Who acts: the hall's staff (窗口工作人员) and the street, community and administrator staff over the hall's
territory, and the members of the item's department (the back office). Transition and input names are part of
the API contract. ``hall.services.application_transition`` is the only code that changes a status.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import LONG_TEXT, REGISTRY, TERRITORY, UNIT, Input, Transition, Workflow
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application

__all__ = ["EVENT_LABELS", "RECEIVERS", "TRANSITIONS", "WORKFLOW", "available"]

# Who receives at a window and takes the front-office steps.
RECEIVERS = frozenset({Role.HALL_STAFF, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
BOTH = frozenset({TERRITORY, UNIT})

S = ApplicationStatus
OPEN = frozenset({S.RECEIVED, S.SUPPLEMENT, S.ACCEPTED, S.HANDLED})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)
MISSING = Input(
    "missing",
    LONG_TEXT,
    _("缺少的材料"),
    required=True,
    max_length=2000,
    help=_("每行一项，按事项的申请材料名称填写；一次告知全部所缺材料"),
)
MISSING_OPTIONAL = Input("missing", LONG_TEXT, _("缺少的材料"), max_length=2000, help=MISSING.help)
RESULT = Input("result", LONG_TEXT, _("办理结果"), max_length=2000)

_T = [
    Transition(
        "accept",
        _("受理"),
        frozenset({S.RECEIVED, S.SUPPLEMENT}),
        frozenset({S.ACCEPTED}),
        RECEIVERS,
        actors=BOTH,
        inputs=(NOTE,),
        colour="success",
    ),
    Transition(
        "request_supplement",
        _("一次性告知补正"),
        frozenset({S.RECEIVED}),
        frozenset({S.SUPPLEMENT}),
        RECEIVERS,
        actors=BOTH,
        inputs=(MISSING, NOTE),
        colour="warning",
    ),
    Transition(
        "reject",
        _("不予受理"),
        frozenset({S.RECEIVED, S.SUPPLEMENT}),
        frozenset({S.REJECTED}),
        RECEIVERS,
        actors=BOTH,
        inputs=(REASON, MISSING_OPTIONAL),
        colour="danger",
        queue=False,
    ),
    Transition(
        "handle",
        _("办理"),
        frozenset({S.ACCEPTED}),
        frozenset({S.HANDLED}),
        RECEIVERS,
        actors=BOTH,
        inputs=(RESULT, NOTE),
    ),
    Transition(
        "finish",
        _("办结"),
        frozenset({S.ACCEPTED, S.HANDLED}),
        frozenset({S.FINISHED}),
        RECEIVERS,
        actors=BOTH,
        inputs=(RESULT, NOTE),
        colour="success",
    ),
    Transition(
        "withdraw",
        _("撤回"),
        OPEN,
        frozenset({S.WITHDRAWN}),
        RECEIVERS,
        inputs=(REASON,),
        colour="secondary",
        queue=False,
    ),
]


def _path_of(a: Application) -> str:
    path: str = a.hall.territory.path
    return path


def _unit_of(a: Application) -> int | None:
    unit_id: int | None = a.department_id
    return unit_id


WORKFLOW = REGISTRY.add(
    Workflow(
        name="hall_application",
        statuses=ApplicationStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        created_label=_("收件"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "receive": _("收件")}


def available(user: Any, a: Application) -> list[Transition]:
    """The steps this user may take on this application now: the buttons a page shows."""
    return WORKFLOW.available(user, a, a.status)
