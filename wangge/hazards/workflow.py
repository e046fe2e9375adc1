"""The rectification of a hazard finding (治安隐患整改) as a table: each step's source statuses, where it ends,
who may take it and the inputs it needs (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The loop: the rectification owner (or the grid's staff for them) **submits** the rectification with its
after photos; community or street staff **verify** it (销号) or **reject** it back to open; staff above the
grid may **cancel** a finding made in error; anyone who keeps the grid's ledgers may **open a case** — a work
order through the one intake service — while the finding is still open, once.

Who verifies: community staff, street staff and administrators over the finding's grid, never the person
who submitted the rectification being verified (the guard ``_not_own_rectification``): the grid worker who
found and fixed a hazard does not sign off their own work, and a community staff member who submitted for an
owner hands the check to a colleague. Rejecting needs no such guard (sending work back is no sign-off).

Transition and input names are part of the API contract; the web forms and the API payload are generated
from this table. ``hazards.services.hazard_transition`` is the only code that changes a finding's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import (
    FILES,
    LONG_TEXT,
    REGISTRY,
    TERRITORY,
    UNIT,
    Input,
    Transition,
    Workflow,
)
from wangge.hazards.choices import HazardStatus
from wangge.hazards.errors import ErrorCode
from wangge.hazards.models import HazardEvent, HazardFinding

__all__ = ["EVENT_LABELS", "RECORDERS", "TRANSITIONS", "VERIFIERS", "WORKFLOW", "available"]

# Who keeps the ledgers of a grid (the ``record`` action of ``accounts.roles``).
RECORDERS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Staff above the grid: verify, reject, cancel.
VERIFIERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})

OPEN = frozenset({HazardStatus.OPEN})
SUBMITTED = frozenset({HazardStatus.SUBMITTED})
OPEN_OR_SUBMITTED = frozenset({HazardStatus.OPEN, HazardStatus.SUBMITTED})

# --- inputs (one meaning per name across the workflow) ---------------------------------------------

RECTIFICATION = Input(
    "rectification", LONG_TEXT, _("整改情况"), required=True, max_length=5000, help=_("整改措施与结果")
)
AFTER_PHOTOS = Input("after_photos", FILES, _("整改后照片"), required=True, help=_("整改后现场照片，至少 1 张"))
NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("reason", LONG_TEXT, _("原因"), required=True, max_length=2000, help=_("驳回或撤销的原因"))

# --- guards -----------------------------------------------------------------------------------------

GUARD_MESSAGES: dict[StrEnum, Any] = {
    ErrorCode.SELF_VERIFICATION: _("整改情况须由提交人以外的人员核查"),
    ErrorCode.CASE_ALREADY_OPENED: _("该隐患已转立工单"),
}


def _not_own_rectification(finding: HazardFinding, actor: Any) -> ErrorCode | None:
    """The last submission of the rectification was not made by ``actor``."""
    user_id = getattr(actor, "pk", None)
    if not user_id:
        return None
    last = (
        HazardEvent.objects.filter(finding_id=finding.pk, action="submit_rectification")
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return ErrorCode.SELF_VERIFICATION if last == user_id else None


def _no_case_yet(finding: HazardFinding, actor: Any) -> ErrorCode | None:
    return ErrorCode.CASE_ALREADY_OPENED if finding.work_order_id else None


# --- the table --------------------------------------------------------------------------------------

_T = [
    Transition(
        "submit_rectification",
        _("提交整改"),
        OPEN,
        SUBMITTED,
        RECORDERS,
        actors=frozenset({TERRITORY, UNIT}),  # the grid's staff, or the members of the responsible unit
        inputs=(RECTIFICATION, AFTER_PHOTOS, NOTE),
        colour="success",
    ),
    Transition(
        "verify",
        _("核查销号"),
        SUBMITTED,
        frozenset({HazardStatus.CLOSED}),
        VERIFIERS,
        inputs=(NOTE,),
        guard=_not_own_rectification,
        colour="success",
    ),
    Transition(
        "reject",
        _("驳回整改"),
        SUBMITTED,
        OPEN,
        VERIFIERS,
        inputs=(REASON,),
        colour="danger",
    ),
    Transition(
        "cancel",
        _("撤销隐患"),
        OPEN,
        frozenset({HazardStatus.CANCELLED}),
        VERIFIERS,
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
    Transition(
        "open_case",
        _("转立工单"),
        OPEN_OR_SUBMITTED,
        OPEN_OR_SUBMITTED,  # the finding keeps its status; the handler leaves it as it was
        RECORDERS,
        inputs=(NOTE,),
        guard=_no_case_yet,
        colour="warning",
        queue=False,
    ),
]


def _path_of(finding: HazardFinding) -> str:
    path: str = finding.grid.path
    return path


def _unit_of(finding: HazardFinding) -> int | None:
    return finding.owner_unit_id


WORKFLOW = REGISTRY.add(
    Workflow(
        name="hazard",
        statuses=HazardStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("排查登记"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "report": _("排查登记")}


def available(user: Any, finding: HazardFinding) -> list[Transition]:
    """The steps this user may take on this finding now: the buttons a page shows."""
    return WORKFLOW.available(user, finding, finding.status)
