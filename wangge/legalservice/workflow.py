"""The handling of a legal-aid case (法律援助) as a table (``wangge.core.workflow``, docs/adr/0004-workflows.md).

申请 (an application registered by a legal-aid point or community staff) → 审查: the 司法所 at the street
**accepts** it (受理) or **rejects** it (不予受理, with the reason), within the review time limit counted in
working days → **assign** a lawyer (指派; **reassign** while it is handled) → **close** it with its outcome (办结).

Who acts: street staff (the 司法所 sits at the street) and administrators over the case's territory. Transition
and input names are part of the API contract; ``legalservice.services.legal_aid_transition`` is the only code
that changes a case's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import CHOICE, LONG_TEXT, REGISTRY, TEXT, Input, Transition, Workflow
from wangge.legalservice.choices import AidOutcome, AidStatus
from wangge.legalservice.models import LegalAidCase

__all__ = ["EVENT_LABELS", "REVIEWERS", "TRANSITIONS", "WORKFLOW", "available"]

# The 司法所 of the street and the administrators review, assign and close.
REVIEWERS = frozenset({Role.STREET_STAFF, Role.ADMIN})

APPLIED = frozenset({AidStatus.APPLIED})
ACCEPTED = frozenset({AidStatus.ACCEPTED})
ASSIGNED = frozenset({AidStatus.ASSIGNED})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("reason", LONG_TEXT, _("不予受理理由"), required=True, max_length=2000)
LAWYER_NAME = Input("lawyer_name", TEXT, _("承办律师"), required=True, max_length=50)
LAWYER_FIRM = Input("lawyer_firm", TEXT, _("承办律所"), required=True, max_length=100)
OUTCOME = Input("aid_outcome", CHOICE, _("办理结果"), required=True, choices=AidOutcome)

GUARD_MESSAGES: dict[StrEnum, Any] = {}

_T = [
    Transition("aid_accept", _("受理"), APPLIED, ACCEPTED, REVIEWERS, inputs=(NOTE,), colour="success"),
    Transition(
        "aid_reject",
        _("不予受理"),
        APPLIED,
        frozenset({AidStatus.REJECTED}),
        REVIEWERS,
        inputs=(REASON,),
        colour="danger",
    ),
    Transition("aid_assign", _("指派律师"), ACCEPTED, ASSIGNED, REVIEWERS, inputs=(LAWYER_NAME, LAWYER_FIRM, NOTE)),
    Transition(
        "aid_reassign",
        _("更换承办律师"),
        ASSIGNED,
        ASSIGNED,
        REVIEWERS,
        inputs=(LAWYER_NAME, LAWYER_FIRM, NOTE),
        colour="warning",
        queue=False,
    ),
    Transition(
        "aid_close",
        _("办结"),
        ASSIGNED,
        frozenset({AidStatus.CLOSED}),
        REVIEWERS,
        inputs=(OUTCOME, NOTE),
        colour="success",
    ),
]


def _path_of(case: LegalAidCase) -> str:
    path: str = case.territory.path
    return path


WORKFLOW = REGISTRY.add(
    Workflow(
        name="legal_aid",
        statuses=AidStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("申请登记"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = WORKFLOW.labels()


def available(user: Any, case: LegalAidCase) -> list[Transition]:
    """The steps this user may take on this case now: the buttons a page shows."""
    return WORKFLOW.available(user, case, case.status)
