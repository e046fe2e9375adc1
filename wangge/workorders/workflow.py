"""The closed loop as a table: for each step its source statuses, the statuses it may end in, who may take it,
the inputs it needs, its guard, its labels for staff and citizens and who hears of it.

Transition and input names are part of the API contract. The web forms, the API payload serializer, the
citizens' tracking labels, the queues and the notifications are generated from this table
(``wangge.core.workflow``); ``work_order_transition`` is the only code that changes a work order's status,
and a handler may only end in a status its row lists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import (
    BOOLEAN,
    CHOICE,
    CITIZEN,
    DECIMAL,
    FILES,
    INTEGER,
    LONG_TEXT,
    REFERENCE,
    REGISTRY,
    TERRITORY,
    UNIT,
    Input,
    InvalidTransition,
    Notice,
    Transition,
    Workflow,
)
from wangge.workorders.choices import (
    OPEN_STATUSES,
    AppealType,
    DurationUnit,
    Rating,
    ReplyResult,
    Status,
    SupervisionLevel,
)
from wangge.workorders.errors import ErrorCode

if TYPE_CHECKING:
    from wangge.workorders.models import WorkOrder

__all__ = [
    "CITIZEN",
    "EVENT_LABELS",
    "EXTENSION_WITHDRAWN",
    "TERRITORY",
    "TRANSITIONS",
    "UNIT",
    "WORKFLOW",
    "InvalidTransition",
    "Transition",
    "available",
]

COMMAND = frozenset({Role.DISPATCHER, Role.ADMIN})
INTAKE = frozenset({Role.CALL_TAKER, Role.DISPATCHER, Role.ADMIN})
VERIFIERS = frozenset({Role.INSPECTOR, Role.DISPATCHER, Role.GRID_WORKER, Role.GRID_LEADER, Role.ADMIN})
CALLERS = frozenset({Role.CALL_TAKER, Role.DISPATCHER, Role.INSPECTOR, Role.ADMIN})
SUPERVISORS = frozenset({Role.INSPECTOR, Role.LEADER, Role.DISPATCHER, Role.ADMIN})
GRID = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
MEDIATION_REFERRERS = frozenset({Role.DISPATCHER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
WAITING_DISPATCH = frozenset({Status.REGISTERED, Status.RETURNED})
ONE_UNIT = frozenset({UNIT})

# Recipient groups of the notices (resolved in ``workorders.notifications``).
TO_UNIT = "unit"  # the members of the unit the case is with
TO_DISPATCHERS = "dispatchers"  # dispatchers over the case's territory
TO_UNIT_OR_DISPATCHERS = "unit_or_dispatchers"  # the unit; the dispatchers when it is with no unit

# --- inputs (one meaning per name across the loop) ------------------------------------------------

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
NOTE_REQUIRED = Input("note", LONG_TEXT, _("说明"), required=True, max_length=2000)
PHOTOS = Input("attachments", FILES, _("附件照片（选填）"))
UNIT_INPUT = Input("unit", REFERENCE, _("承办单位"), required=True, ref="unit", help=_("派遣：承办单位 id"))
NEW_UNIT = Input("unit", REFERENCE, _("改派至"), required=True, ref="unit", help=_("改派：新的承办单位 id"))
REDISPATCH_REASON = Input("note", LONG_TEXT, _("改派原因"), required=True, max_length=2000)
RECALL_REASON = Input("note", LONG_TEXT, _("撤回原因"), required=True, max_length=2000)
CATEGORY = Input("category", REFERENCE, _("分类（可改）"), ref="category", help=_("派遣：改判分类 id"))
AMOUNT = Input("amount", DECIMAL, _("延期时长"), required=True, min_value=0, max_value=365, help=_("申请延期：时长"))
UNIT_OF_TIME = Input(
    "unit_of_time", CHOICE, _("时长单位"), required=True, choices=DurationUnit, initial=DurationUnit.WORKING_DAYS
)
RESULT_TEXT = Input("text", LONG_TEXT, _("办理结果"), required=True, max_length=5000, help=_("办理结果"))
RESULT = Input(
    "result", CHOICE, _("办理结论"), required=True, choices=ReplyResult, radio=True, initial=ReplyResult.RESOLVED
)
UNREACHABLE = Input("unreachable", BOOLEAN, _("未联系上诉求人"))
RATING = Input(
    "rating",
    INTEGER,
    _("评价"),
    required=True,
    required_unless="unreachable",
    choices=Rating,
    radio=True,
    min_value=1,
    max_value=5,
    help=_("回访评价 1-5"),
)
RESOLVED = Input(
    "resolved",
    BOOLEAN,
    _("是否解决"),
    required=True,
    required_unless="unreachable",
    yes_no=True,
    choices=((True, _("已解决")), (False, _("未解决"))),
)
PARENT = Input("parent", REFERENCE, _("合并到（主工单查询码）"), required=True, ref="parent", help=_("合并：主工单 id"))
LEVEL = Input("level", CHOICE, _("督办等级"), required=True, choices=SupervisionLevel, radio=True, help=_("督办等级"))
BEFORE = Input("before_photos", FILES, _("处置前照片"))
AFTER = Input("after_photos", FILES, _("处置后照片"))
ANSWER_TEXT = Input("text", LONG_TEXT, _("答复内容"), required=True, max_length=5000, help=_("直接答复：答复内容"))
# 核查 evidence: the verifier's photos of the site (处置后) and where the verifier stood (WGS-84, from the device).
# Whether a category requires them: ``Category.verify_photo_required`` / ``verify_position_required``, a parent's
# requirement applying to its children (``services.handlers.verify_requirements``).
VERIFY_PHOTOS = Input("after_photos", FILES, _("核查现场照片（处置后）"))
LATITUDE = Input(
    "latitude", DECIMAL, _("核查位置纬度"), min_value=-90, max_value=90, decimal_places=6, help=_("核查：WGS-84 纬度")
)
LONGITUDE = Input(
    "longitude",
    DECIMAL,
    _("核查位置经度"),
    min_value=-180,
    max_value=180,
    decimal_places=6,
    help=_("核查：WGS-84 经度"),
)


# --- guards: a rule beyond the source state; each returns None or its refusal's code, a key of GUARD_MESSAGES --

GUARD_MESSAGES: dict[StrEnum, Any] = {
    ErrorCode.NO_EXTENSION_PENDING: _("没有待审批的延期申请"),
    ErrorCode.EXTENSION_ALREADY_PENDING: _("已有延期申请待审批"),
    ErrorCode.CALLBACK_NOT_FAILED: _("仅回访未解决或差评的工单可重办"),
    ErrorCode.MERGED_CHILD: _("已合并的工单随主工单办结"),
    ErrorCode.SELF_VERIFICATION: _("现场解决的抽查核查须由处置人以外的人员进行"),
    ErrorCode.NOT_A_CONSULTATION: _("只有咨询类诉求可以直接答复"),
    ErrorCode.NOT_CONVERTED_TO_DISPUTE: _("请通过“转调解”登记矛盾纠纷，工单随之办结"),
}


def _extension_pending(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    return None if wo.extension_pending else ErrorCode.NO_EXTENSION_PENDING


def _no_extension_pending(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    return ErrorCode.EXTENSION_ALREADY_PENDING if wo.extension_pending else None


def _callback_failed(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    failed = wo.resolved is False or (wo.rating is not None and wo.rating <= 2)
    return None if failed else ErrorCode.CALLBACK_NOT_FAILED


def _not_merged_child(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    return ErrorCode.MERGED_CHILD if wo.parent_id and wo.relation == "merged" else None


def _not_own_on_site_resolution(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    """A sampled on-site resolution is checked by someone other than the grid worker who did it."""
    if not (wo.sampled_for_verification and wo.assigned_unit_id is None):
        return None
    user = actor if getattr(actor, "pk", None) else None
    if user is None:
        return None
    from wangge.workorders.models import Event

    done_by_actor = Event.objects.filter(work_order=wo, name="resolve_on_site", actor=user).exists()
    return ErrorCode.SELF_VERIFICATION if done_by_actor else None


def _consultation(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    return None if wo.appeal_type == AppealType.CONSULT else ErrorCode.NOT_A_CONSULTATION


def _converted_to_dispute(wo: WorkOrder, actor: Any) -> ErrorCode | None:
    """转调解 closes a case only together with the dispute filed from it (``mediation.services``)."""
    converted = type(wo).objects.filter(pk=wo.pk, disputes__isnull=False).exists()
    return None if converted else ErrorCode.NOT_CONVERTED_TO_DISPUTE


def _bad_rating(wo: WorkOrder) -> bool:
    return wo.rating is not None and wo.rating <= 2


# --- the table -----------------------------------------------------------------------------------------

_T = [
    Transition(
        "dispatch",
        _("派遣"),
        WAITING_DISPATCH,
        frozenset({Status.DISPATCHED}),
        COMMAND,
        inputs=(UNIT_INPUT, CATEGORY, NOTE),
        public_label=_("已派发至承办单位"),
        notice=Notice(_("新派遣工单 {code}，请及时签收"), (TO_UNIT,)),
    ),
    Transition(
        "redispatch",
        _("改派"),
        frozenset({Status.DISPATCHED}),
        frozenset({Status.DISPATCHED}),
        COMMAND,
        inputs=(NEW_UNIT, REDISPATCH_REASON),
        colour="warning",
        public_label=_("已改派至其他承办单位"),
        notice=Notice(_("改派工单 {code}，请及时签收"), (TO_UNIT,)),
        queue=False,
    ),
    Transition(
        "recall",
        _("撤回"),
        frozenset({Status.DISPATCHED}),
        frozenset({Status.REGISTERED}),
        COMMAND,
        inputs=(RECALL_REASON,),
        colour="secondary",
        public_label=_("重新派发中"),
        queue=False,
    ),
    Transition(
        "accept",
        _("签收"),
        frozenset({Status.DISPATCHED}),
        frozenset({Status.HANDLING}),
        actors=ONE_UNIT,
        inputs=(NOTE,),
        public_label=_("承办单位已签收"),
    ),
    Transition(
        "return",
        _("退回"),
        frozenset({Status.DISPATCHED, Status.HANDLING}),
        frozenset({Status.RETURNED}),
        actors=ONE_UNIT,
        inputs=(NOTE_REQUIRED, PHOTOS),
        colour="warning",
        public_label=_("重新派发中"),
        notice=Notice(_("工单 {code} 被退回，请重新派遣"), (TO_DISPATCHERS,)),
    ),
    Transition(
        "request_extension",
        _("申请延期"),
        frozenset({Status.HANDLING}),
        frozenset({Status.HANDLING}),
        actors=ONE_UNIT,
        inputs=(AMOUNT, UNIT_OF_TIME, NOTE_REQUIRED, PHOTOS),
        guard=_no_extension_pending,
        colour="secondary",
        notice=Notice(_("工单 {code} 申请延期，请审批"), (TO_DISPATCHERS,)),
    ),
    Transition(
        "approve_extension",
        _("批准延期"),
        frozenset({Status.HANDLING}),
        frozenset({Status.HANDLING}),
        COMMAND,
        inputs=(NOTE,),
        guard=_extension_pending,
        public_label=_("办理时限已延长"),
        notice=Notice(_("工单 {code} 延期已批准"), (TO_UNIT_OR_DISPATCHERS,)),
        queue=False,
    ),
    Transition(
        "reject_extension",
        _("驳回延期"),
        frozenset({Status.HANDLING}),
        frozenset({Status.HANDLING}),
        COMMAND,
        inputs=(NOTE_REQUIRED,),
        guard=_extension_pending,
        notice=Notice(_("工单 {code} 延期被驳回"), (TO_UNIT_OR_DISPATCHERS,)),
        queue=False,
    ),
    Transition(
        "suspend",
        _("挂起"),
        frozenset({Status.HANDLING}),
        frozenset({Status.SUSPENDED}),
        actors=ONE_UNIT,
        inputs=(NOTE_REQUIRED, PHOTOS),
        colour="secondary",
        public_label=_("暂缓办理"),
    ),
    Transition(
        "resume",
        _("恢复办理"),
        frozenset({Status.SUSPENDED}),
        frozenset({Status.HANDLING}),
        actors=ONE_UNIT,
        inputs=(NOTE,),
        public_label=_("恢复办理"),
    ),
    Transition(
        "reply",
        _("办结反馈"),
        frozenset({Status.HANDLING}),
        frozenset({Status.REPLIED}),
        actors=ONE_UNIT,
        inputs=(RESULT_TEXT, RESULT, NOTE, PHOTOS),
        colour="success",
        public_label=_("承办单位已答复"),
    ),
    Transition(
        "verify_pass",
        _("核查通过"),
        frozenset({Status.REPLIED}),
        frozenset({Status.CALLBACK, Status.TO_CLOSE}),
        VERIFIERS,
        inputs=(NOTE, VERIFY_PHOTOS, LATITUDE, LONGITUDE),
        guard=_not_own_on_site_resolution,
        colour="success",
        public_label=_("办理结果已核查"),
    ),
    Transition(
        "verify_fail",
        _("核查不通过（返工）"),
        frozenset({Status.REPLIED}),
        frozenset({Status.HANDLING, Status.RETURNED}),
        VERIFIERS,
        inputs=(NOTE_REQUIRED, PHOTOS),
        guard=_not_own_on_site_resolution,
        colour="danger",
        public_label=_("核查未通过，重新办理"),
        notice=Notice(_("工单 {code} 核查未通过，请返工"), (TO_UNIT_OR_DISPATCHERS,)),
    ),
    Transition(
        "callback",
        _("回访评价"),
        frozenset({Status.CALLBACK}),
        frozenset({Status.TO_CLOSE}),
        CALLERS,
        actors=frozenset({TERRITORY, CITIZEN}),
        inputs=(UNREACHABLE, RATING, RESOLVED, NOTE),
        colour="success",
        public_label=_("已评价"),
        notice=Notice(_("工单 {code} 回访差评，已生成整改工单"), (TO_UNIT, TO_DISPATCHERS), when=_bad_rating),
    ),
    Transition(
        "close",
        _("结案"),
        frozenset({Status.TO_CLOSE}),
        frozenset({Status.CLOSED}),
        COMMAND,
        inputs=(NOTE,),
        guard=_not_merged_child,
        colour="success",
        public_label=_("已办结"),
    ),
    Transition(
        "reopen",
        _("重办"),
        frozenset({Status.TO_CLOSE, Status.CLOSED}),
        frozenset({Status.HANDLING, Status.REGISTERED}),
        COMMAND,
        inputs=(NOTE_REQUIRED,),
        guard=_callback_failed,
        colour="danger",
        public_label=_("重新办理"),
        notice=Notice(_("工单 {code} 已重办，请重新办理"), (TO_UNIT_OR_DISPATCHERS,)),
        queue=False,
    ),
    Transition(
        "merge",
        _("合并"),
        frozenset({Status.REGISTERED, Status.RETURNED, Status.DISPATCHED}),
        frozenset({Status.MERGED}),
        INTAKE,
        inputs=(PARENT, NOTE),
        colour="secondary",
        public_label=_("已与同类诉求合并办理"),
        queue=False,
    ),
    Transition(
        "invalidate",
        _("作废（无效诉求）"),
        WAITING_DISPATCH,
        frozenset({Status.INVALID}),
        INTAKE,
        inputs=(NOTE_REQUIRED,),
        colour="danger",
        public_label=_("不予受理"),
    ),
    Transition(
        "supervise",
        _("督办"),
        frozenset(OPEN_STATUSES),
        frozenset(OPEN_STATUSES),  # a card changes no status
        SUPERVISORS,
        inputs=(LEVEL, NOTE_REQUIRED),
        colour="warning",
        notice=Notice(_("工单 {code} 被督办，请加快办理"), (TO_UNIT_OR_DISPATCHERS,)),
        queue=False,
    ),
    Transition(
        "resolve_on_site",
        _("现场解决"),
        frozenset({Status.REGISTERED}),
        frozenset({Status.REPLIED, Status.CLOSED}),
        GRID,
        inputs=(RESULT_TEXT, BEFORE, AFTER, NOTE),
        colour="success",
        public_label=_("已现场解决"),
    ),
    # 直接答复: a 咨询 call answered by the call taker on the phone (from the knowledge base, wangge.knowledge),
    # closed at once; the history row names the article and version in its data.
    Transition(
        "answer_direct",
        _("直接答复"),
        frozenset({Status.REGISTERED}),
        frozenset({Status.CLOSED}),
        INTAKE,
        inputs=(ANSWER_TEXT, NOTE),
        guard=_consultation,
        colour="success",
        public_label=_("已直接答复"),
        queue=False,
    ),
    # 转调解: a dispute between parties handed to mediation (三调联动) closes the case; the dispute names the
    # case and this step's history row names the dispute. Taken by ``mediation.services.dispute_from_work_order``.
    Transition(
        "refer_to_mediation",
        _("转调解"),
        frozenset({Status.REGISTERED, Status.RETURNED, Status.DISPATCHED, Status.HANDLING, Status.SUSPENDED}),
        frozenset({Status.CLOSED}),
        MEDIATION_REFERRERS,
        inputs=(NOTE,),
        guard=_converted_to_dispute,
        colour="warning",
        public_label=_("已转矛盾纠纷调解"),
        queue=False,
    ),
]


def _path_of(wo: WorkOrder) -> str:
    return wo.scope_path


def _unit_of(wo: WorkOrder) -> int | None:
    return wo.assigned_unit_id


WORKFLOW = REGISTRY.add(
    Workflow(
        name="work_order",
        statuses=Status,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("受理登记"),
        public_created_label=_("已受理"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
# What the history calls each row: the steps, the creation, and a merged case closing with its main case.
# A pending 延期 request that a reply or a return ended before anyone decided on it.
EXTENSION_WITHDRAWN = "extension_withdrawn"
EVENT_LABELS: dict[str, Any] = {
    **WORKFLOW.labels(),
    "follow_parent": _("随主工单办结"),
    "escalate": _("自动催办"),  # workorders.escalation: 催办, 黄牌, 红牌 (the level is in the row's note)
    EXTENSION_WITHDRAWN: _("延期申请撤销（未审批）"),
    "voice": _("群众附议（我也反映）"),  # workorders.services.voices
}


def available(user: Any, wo: WorkOrder) -> list[Transition]:
    """The steps this user may take on this case now: the buttons a page shows."""
    return WORKFLOW.available(user, wo, wo.status)
