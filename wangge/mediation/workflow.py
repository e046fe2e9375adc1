"""The mediation of a dispute (三调联动) as a table: each step's source statuses, where it ends, who may take
it and the inputs it needs (``wangge.core.workflow``, docs/adr/0004-workflows.md).

The loop: a registered dispute is **accepted** (受理) or **rejected** (不予受理); an accepted one is **assigned** to
a mediation organisation and mediator on a track (人民调解, 行政调解, 司法调解·诉前调解), which starts its time limit
(30 natural days for 人民调解 by default); the mediator's **sessions** are recorded; the time limit may be
**extended** with the parties' consent; the mediation ends in an **agreement** (书面协议 with its 调解协议书, or
口头协议) or **fails**; a failed dispute is **referred** on — to another track (the same dispute goes on,
one history) or out of mediation to litigation or arbitration. A written agreement may go to the court for
**司法确认** (request, then result); a resolved dispute is closed by the **follow-up visit** (回访) that checks
the agreement is performed. A high-risk open dispute may be **escalated** to the command centre, which may put
it under **督办**.

Transition and input names are part of the API contract; the web forms and the API payload are generated
from this table. ``mediation.services.dispute_transition`` is the only code that changes a dispute's status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import (
    BOOLEAN,
    CHOICE,
    INTEGER,
    LONG_TEXT,
    REFERENCE,
    REGISTRY,
    TEXT,
    Input,
    Notice,
    Transition,
    Workflow,
)
from wangge.mediation.choices import (
    OPEN_STATUSES,
    AgreementKind,
    Confirmation,
    DisputeStatus,
    Referral,
    RiskLevel,
    Track,
)
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import Dispute

__all__ = ["EVENT_LABELS", "MEDIATION_STAFF", "SUPERVISORS", "TRANSITIONS", "WORKFLOW", "available"]

# Who runs the mediation of a dispute: the community and street staff over its grid (the 调委会 sit there) and
# the administrators.
MEDIATION_STAFF = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Who may send a high-risk dispute up to the command centre: the mediation staff and the grid leader.
ESCALATORS = MEDIATION_STAFF | {Role.GRID_LEADER}
# The command centre and the inspectors: 督办.
SUPERVISORS = frozenset({Role.DISPATCHER, Role.INSPECTOR, Role.LEADER, Role.ADMIN})

# Recipient groups of the notices (resolved in ``mediation.notifications``).
TO_COMMAND_CENTRE = "command_centre"  # the dispatchers over the dispute's grid
TO_MEDIATION_STAFF = "mediation_staff"  # the community and street staff over it

S = DisputeStatus
REGISTERED = frozenset({S.REGISTERED})
ACCEPTED = frozenset({S.ACCEPTED})
MEDIATING = frozenset({S.MEDIATING})
FAILED = frozenset({S.FAILED})
RESOLVED = frozenset({S.RESOLVED})
OPEN = frozenset(OPEN_STATUSES)

# --- inputs (one meaning per name across the workflow) ---------------------------------------------

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
REASON = Input("note", LONG_TEXT, _("原因"), required=True, max_length=2000)
TRACK = Input("track", CHOICE, _("调解类型"), required=True, choices=Track, radio=True, initial=Track.PEOPLE)
ORGANISATION = Input("organisation", REFERENCE, _("调解组织"), required=True, ref="organisation", help=_("调解组织 id"))
MEDIATOR = Input("mediator", REFERENCE, _("调解员"), required=True, ref="mediator", help=_("调解员 id"))
ORGANISATION_OPTIONAL = Input(
    "organisation", REFERENCE, _("调解组织（转其他调解时必填）"), ref="organisation", help=_("调解组织 id")
)
MEDIATOR_OPTIONAL = Input("mediator", REFERENCE, _("调解员（转其他调解时必填）"), ref="mediator", help=_("调解员 id"))
TIME_LIMIT = Input(
    "time_limit_days",
    INTEGER,
    _("调解期限（自然日，留空按默认）"),
    min_value=1,
    max_value=90,
    help=_("不填时人民调解默认 30 日"),
)
HELD_ON = Input("held_on", TEXT, _("调解日期"), required=True, max_length=10, help=_("YYYY-MM-DD"))
PLACE = Input("place", TEXT, _("调解地点"), required=True, max_length=200)
ATTENDEES = Input("attendees", LONG_TEXT, _("参加人员"), required=True, max_length=2000)
MINUTES = Input("minutes", LONG_TEXT, _("调解记录"), max_length=5000)
DAYS = Input("days", INTEGER, _("延长天数（自然日）"), required=True, min_value=1, max_value=90)
CONSENT = Input(
    "consent",
    BOOLEAN,
    _("双方当事人同意延长"),
    required=True,
    yes_no=True,
    choices=((True, _("同意")), (False, _("不同意"))),
)
AGREEMENT = Input(
    "agreement_kind", CHOICE, _("协议形式"), required=True, choices=AgreementKind, radio=True, initial="written"
)
TERMS = Input("terms", LONG_TEXT, _("协议内容（书面协议必填）"), max_length=5000)
REFERRAL = Input("referral", CHOICE, _("分流去向"), required=True, choices=Referral, radio=True)
CONFIRMED = Input(
    "confirmed",
    BOOLEAN,
    _("法院确认结果"),
    required=True,
    yes_no=True,
    choices=((True, _("确认有效")), (False, _("不予确认"))),
)
PERFORMED = Input(
    "performed",
    BOOLEAN,
    _("协议履行情况"),
    required=True,
    yes_no=True,
    choices=((True, _("已履行")), (False, _("未履行"))),
)

# --- guards -----------------------------------------------------------------------------------------

GUARD_MESSAGES: dict[StrEnum, Any] = {
    ErrorCode.NOT_WRITTEN_AGREEMENT: _("只有书面调解协议可以申请司法确认"),
    ErrorCode.CONFIRMATION_ALREADY_REQUESTED: _("已申请司法确认"),
    ErrorCode.NO_CONFIRMATION_PENDING: _("没有待法院确认的申请"),
    ErrorCode.NOT_HIGH_RISK: _("只有重大风险的纠纷需上报指挥中心"),
    ErrorCode.ALREADY_ESCALATED: _("该纠纷已上报指挥中心"),
    ErrorCode.ALREADY_SUPERVISED: _("该纠纷已在督办中"),
}


def _may_request_confirmation(d: Dispute, actor: Any) -> ErrorCode | None:
    if d.agreement_kind != AgreementKind.WRITTEN:
        return ErrorCode.NOT_WRITTEN_AGREEMENT
    return ErrorCode.CONFIRMATION_ALREADY_REQUESTED if d.confirmation else None


def _confirmation_pending(d: Dispute, actor: Any) -> ErrorCode | None:
    return None if d.confirmation == Confirmation.REQUESTED else ErrorCode.NO_CONFIRMATION_PENDING


def _may_escalate(d: Dispute, actor: Any) -> ErrorCode | None:
    if d.risk_level != RiskLevel.HIGH:
        return ErrorCode.NOT_HIGH_RISK
    return ErrorCode.ALREADY_ESCALATED if d.escalated_at else None


def _not_supervised(d: Dispute, actor: Any) -> ErrorCode | None:
    return ErrorCode.ALREADY_SUPERVISED if d.supervised else None


# --- the table --------------------------------------------------------------------------------------

_T = [
    Transition("accept", _("受理"), REGISTERED, ACCEPTED, MEDIATION_STAFF, inputs=(NOTE,), colour="success"),
    Transition(
        "reject",
        _("不予受理"),
        REGISTERED,
        frozenset({S.REJECTED}),
        MEDIATION_STAFF,
        inputs=(REASON,),
        colour="danger",
        queue=False,
    ),
    Transition(
        "assign",
        _("指派调解"),
        ACCEPTED,
        MEDIATING,
        MEDIATION_STAFF,
        inputs=(TRACK, ORGANISATION, MEDIATOR, TIME_LIMIT, NOTE),
    ),
    Transition(
        "record_session",
        _("调解记录"),
        MEDIATING,
        MEDIATING,
        MEDIATION_STAFF,
        inputs=(HELD_ON, PLACE, ATTENDEES, MINUTES),
        colour="secondary",
    ),
    Transition(
        "extend",
        _("延长期限"),
        MEDIATING,
        MEDIATING,
        MEDIATION_STAFF,
        inputs=(DAYS, CONSENT, NOTE),
        colour="secondary",
        queue=False,
    ),
    Transition(
        "agree",
        _("达成协议"),
        MEDIATING,
        RESOLVED,
        MEDIATION_STAFF,
        inputs=(AGREEMENT, TERMS, NOTE),
        colour="success",
    ),
    Transition("fail", _("调解不成"), MEDIATING, FAILED, MEDIATION_STAFF, inputs=(REASON,), colour="danger"),
    Transition(
        "refer",
        _("分流转办"),
        FAILED,
        frozenset({S.MEDIATING, S.REFERRED}),
        MEDIATION_STAFF,
        inputs=(REFERRAL, ORGANISATION_OPTIONAL, MEDIATOR_OPTIONAL, TIME_LIMIT, NOTE),
        colour="warning",
    ),
    Transition(
        "request_confirmation",
        _("申请司法确认"),
        RESOLVED,
        RESOLVED,
        MEDIATION_STAFF,
        inputs=(NOTE,),
        guard=_may_request_confirmation,
        colour="secondary",
        queue=False,
    ),
    Transition(
        "record_confirmation",
        _("司法确认结果"),
        RESOLVED,
        RESOLVED,
        MEDIATION_STAFF,
        inputs=(CONFIRMED, NOTE),
        guard=_confirmation_pending,
        colour="secondary",
    ),
    Transition(
        "follow_up",
        _("回访"),
        RESOLVED,
        frozenset({S.CLOSED}),
        MEDIATION_STAFF,
        inputs=(PERFORMED, NOTE),
        colour="success",
    ),
    Transition(
        "escalate",
        _("上报指挥中心"),
        OPEN,
        OPEN,  # the dispute keeps its status
        ESCALATORS,
        inputs=(REASON,),
        guard=_may_escalate,
        notice=Notice(_("重大风险矛盾纠纷 {code} 已上报指挥中心，请研判督办"), (TO_COMMAND_CENTRE,)),
        colour="danger",
        queue=False,
    ),
    Transition(
        "supervise",
        _("督办"),
        OPEN,
        OPEN,
        SUPERVISORS,
        inputs=(REASON,),
        guard=_not_supervised,
        notice=Notice(_("矛盾纠纷 {code} 已被督办，请加快化解"), (TO_MEDIATION_STAFF,)),
        colour="warning",
        queue=False,
    ),
]


def _path_of(d: Dispute) -> str:
    path: str = d.grid.path
    return path


WORKFLOW = REGISTRY.add(
    Workflow(
        name="mediation",
        statuses=DisputeStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("排查登记"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "register": _("排查登记"), "convert": _("工单转调解")}


def available(user: Any, dispute: Dispute) -> list[Transition]:
    """The steps this user may take on this dispute now: the buttons a page shows."""
    return WORKFLOW.available(user, dispute, dispute.status)
