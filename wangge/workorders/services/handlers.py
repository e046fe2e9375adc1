"""One handler per transition of the closed loop: what taking the step does to the case beyond its status —
clocks, deadlines, fields, linked cases. A handler returns the data for the history row; it may choose the
target status only among the targets its transition declares (``work_order_transition`` asserts it)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from wangge.accounts.models import Unit
from wangge.core.actors import user_of
from wangge.core.errors import ValidationFailed
from wangge.territory.models import Territory
from wangge.workorders import deadlines
from wangge.workorders.choices import (
    BAD_RATINGS,
    FINAL_STATUSES,
    AppealType,
    Channel,
    DurationUnit,
    Relation,
    ReplyResult,
    ResolutionMode,
    Status,
    Step,
    SupervisionLevel,
)
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import WorkOrder
from wangge.workorders.services.records import insert_case, iso, new_tracking_code, record_event
from wangge.workorders.services.steps import end_step, start_handle_clock, start_step
from wangge.workorders.workflow import EXTENSION_WITHDRAWN, TRANSITIONS, InvalidTransition


def _unit_for(wo: WorkOrder, value: Any) -> Unit:
    """The unit a case may be sent to: active, and of the case's own district (or of the city above it)."""
    unit = value if isinstance(value, Unit) else Unit.objects.filter(pk=value, is_active=True).first()
    if unit is None or not unit.is_active:
        raise ValidationFailed(
            gettext("承办单位不存在或已停用"), code=ErrorCode.INVALID_UNIT, details=[{"field": "unit"}]
        )
    unit_path = Territory.objects.filter(pk=unit.territory_id).values_list("path", flat=True).first() or ""
    district_path = wo.district.path
    if not (unit_path.startswith(district_path) or district_path.startswith(unit_path)):
        raise ValidationFailed(
            gettext("承办单位不属于本工单所在的区"), code=ErrorCode.UNIT_OUTSIDE_DISTRICT, details=[{"field": "unit"}]
        )
    return unit


def _send_to(wo: WorkOrder, unit: Unit, at: dt.datetime) -> None:
    """Hand the case to ``unit``: its 签收 clock starts now, and so does the handling limit (except a 差评
    rectification's, which runs from the bad rating whoever it is sent to)."""
    end_step(wo, at)
    wo.assigned_unit = unit
    wo.assignee = None
    wo.dispatched_at = at
    wo.accepted_at = None
    wo.accepted_on_time = None
    start_step(wo, Step.ACCEPT, at)
    if not (wo.relation == Relation.RECTIFICATION and wo.due_at is not None):
        handle_due = deadlines.due_from(at, deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency))
        wo.due_at = handle_due.at
        wo.due_provisional = handle_due.provisional


def _h_dispatch(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unit = _unit_for(wo, p["unit"])
    if "category" in p and p["category"] is not None:
        wo.category = p["category"]
        wo.handling_class = wo.category.handling_class if wo.category else wo.handling_class
    _send_to(wo, unit, at)
    return {"unit": unit.code, "unit_name": unit.name, "due_at": iso(wo.due_at)}


def _h_redispatch(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    """改派 before the unit accepted: the first unit's 签收 clock stops (frozen as it stood), the new unit's
    starts. Not a 退回: the first unit did not refuse it, so ``return_count`` stays."""
    unit = _unit_for(wo, p["unit"])
    before = wo.assigned_unit
    if before is not None and before.pk == unit.pk:
        raise ValidationFailed(
            gettext("改派须选择另一个承办单位"), code=ErrorCode.INVALID_UNIT, details=[{"field": "unit"}]
        )
    _send_to(wo, unit, at)
    return {
        "from_unit": before.code if before else None,
        "from_unit_name": before.name if before else None,
        "unit": unit.code,
        "unit_name": unit.name,
        "due_at": iso(wo.due_at),
    }


def _h_recall(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    """撤回 before the unit accepted: back to the dispatchers' queue as if never dispatched. The unit's 签收
    clock stops; the handling limit set by the dispatch goes (a rectification keeps its own); not a 退回."""
    unit = wo.assigned_unit
    end_step(wo, at)
    wo.assigned_unit = None
    wo.assignee = None
    wo.dispatched_at = None
    wo.accepted_at = None
    wo.accepted_on_time = None
    if wo.relation != Relation.RECTIFICATION:
        wo.due_at = None
        wo.due_provisional = False
    start_step(wo, Step.DISPATCH, at)
    return {"unit": unit.code if unit else None, "unit_name": unit.name if unit else None}


def _h_accept(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    clock = end_step(wo, at)
    wo.accepted_at = at
    wo.accepted_on_time = clock.on_time if clock else True
    wo.assignee = user_of(actor)
    start_handle_clock(wo, at)
    return {"on_time": wo.accepted_on_time}


def _h_return(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unit = wo.assigned_unit
    end_step(wo, at)
    wo.return_count += 1
    wo.assigned_unit = None
    wo.assignee = None
    _withdraw_extension(wo, actor, at, gettext("承办单位退回工单，未审批的延期申请随之撤销"))
    wo.status = Status.RETURNED
    start_step(wo, Step.DISPATCH, at)
    return {"unit": unit.code if unit else None}


def _parse_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            gettext("延期时长须为数字"), code=ErrorCode.INVALID_AMOUNT, details=[{"field": "amount"}]
        ) from exc
    if amount <= 0 or amount > 365:
        raise ValidationFailed(
            gettext("延期时长须在 0 到 365 之间"), code=ErrorCode.INVALID_AMOUNT, details=[{"field": "amount"}]
        )
    return amount


def _parse_extension(amount_value: Any, unit: Any) -> tuple[Decimal, str]:
    amount = _parse_amount(amount_value)
    if unit not in DurationUnit.values:
        raise ValidationFailed(
            gettext("时长单位不正确"), code=ErrorCode.INVALID_UNIT_OF_TIME, details=[{"field": "unit_of_time"}]
        )
    if unit in {DurationUnit.WORKING_DAYS, DurationUnit.NATURAL_DAYS} and amount != amount.to_integral_value():
        raise ValidationFailed(
            gettext("按日计算的延期须为整数天"), code=ErrorCode.INVALID_AMOUNT, details=[{"field": "amount"}]
        )
    return amount, str(unit)


def _h_request_extension(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    amount, unit = _parse_extension(p["amount"], p["unit_of_time"])
    wo.extension_pending = {
        "amount": str(amount),
        "unit": unit,
        "reason": p["note"],
        "requested_at": iso(at),
    }
    return dict(wo.extension_pending)


def _withdraw_extension(wo: WorkOrder, actor: Any, at: dt.datetime, why: str) -> bool:
    """A step that ends the handling (a reply, a return) ends a request nobody decided on yet: it is written to
    the history as withdrawn, with what was asked, so it never silently disappears."""
    req = wo.extension_pending
    if not req:
        return False
    wo.extension_pending = None
    record_event(wo, EXTENSION_WITHDRAWN, actor, at, wo.status, wo.status, note=why, data={"request": req})
    return True


def _h_approve_extension(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    req = wo.extension_pending or {}
    amount, unit = _parse_extension(p.get("amount") or req["amount"], p.get("unit_of_time") or req["unit"])
    assert wo.due_at is not None
    before = wo.due_at
    wo.due_at, provisional = deadlines.extend(wo.due_at, amount, unit)
    wo.due_provisional = wo.due_provisional or provisional
    wo.step_due_at = wo.due_at
    # The warning comes again at the configured share of the step's whole, extended time.
    limit = deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency)
    wo.step_warn_at = deadlines.warn_between(wo.step_started_at or at, wo.due_at, limit.unit)
    clock = wo.clocks.filter(ended_at__isnull=True, step=Step.HANDLE).order_by("-id").first()
    if clock is not None:
        clock.due_at = wo.due_at
        clock.save(update_fields=["due_at"])
    wo.extension_count += 1
    wo.extension_pending = None
    wo.warned_step_at = wo.breached_step_at = None
    wo.escalation_level, wo.escalated_at = 0, None  # a moved deadline escalates afresh (workorders.escalation)
    return {"amount": str(amount), "unit": unit, "due_before": iso(before), "due_after": iso(wo.due_at)}


def _h_reject_extension(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    req = wo.extension_pending
    wo.extension_pending = None
    return {"rejected": req}


def _h_suspend(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    wo.paused_at = at
    return {}


def _h_resume(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    assert wo.paused_at is not None and wo.due_at is not None
    limit = deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency)
    paused = deadlines.paused_seconds(wo.paused_at, at, limit.unit)
    wo.due_at = deadlines.shift(wo.due_at, paused, limit.unit)
    wo.step_due_at = wo.due_at
    if wo.step_warn_at is not None:
        wo.step_warn_at = deadlines.shift(wo.step_warn_at, paused, limit.unit)
    clock = wo.clocks.filter(ended_at__isnull=True, step=Step.HANDLE).order_by("-id").first()
    if clock is not None:
        clock.due_at = wo.due_at
        clock.paused_seconds += int((at - wo.paused_at).total_seconds())
        clock.save(update_fields=["due_at", "paused_seconds"])
    wo.paused_at = None
    wo.warned_step_at = wo.breached_step_at = None
    wo.escalation_level, wo.escalated_at = 0, None  # a moved deadline escalates afresh (workorders.escalation)
    return {"paused_seconds": int(paused), "due_at": iso(wo.due_at)}


def _h_reply(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    if p["result"] not in ReplyResult.values:
        raise ValidationFailed(gettext("办理结论不正确"), code=ErrorCode.INVALID_RESULT, details=[{"field": "result"}])
    end_step(wo, at)
    wo.reply_text = str(p["text"])
    wo.reply_result = p["result"]
    wo.replied_at = at
    withdrawn = _withdraw_extension(wo, actor, at, gettext("办结反馈时延期申请尚未审批，申请自动撤销"))
    # 处置 ends with the reply: its outcome is frozen now (a failed check clears it for the rework).
    wo.handled_on_time = wo.due_at is not None and at <= wo.due_at
    start_step(wo, Step.VERIFY, at)
    data: dict[str, Any] = {"result": wo.reply_result, "handled_on_time": wo.handled_on_time}
    if withdrawn:
        data["extension_withdrawn"] = True
    return data


def _needs_callback(wo: WorkOrder) -> bool:
    return bool(wo.reporter_phone) or wo.is_real_name


def verify_requirements(category: Any) -> tuple[bool, bool]:
    """(photo required, position required) to pass the check of a case in ``category``.

    A requirement set on a category applies to all its descendants: a child cannot lift what its parent asks
    (a district that wants photos for every 市容环境 case ticks the parent once). A case without a category
    requires nothing."""
    photo = position = False
    seen: set[int] = set()
    node = category
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        photo = photo or bool(node.verify_photo_required)
        position = position or bool(node.verify_position_required)
        node = node.parent if node.parent_id else None
    return photo, position


def _verify_position(p: dict[str, Any]) -> dict[str, str] | None:
    """The verifier's position as given with the step (WGS-84 degrees, as the device reports them)."""
    lat, lng = p.get("latitude"), p.get("longitude")
    if lat in (None, "") and lng in (None, ""):
        return None
    if lat in (None, "") or lng in (None, ""):
        missing = "longitude" if lat not in (None, "") else "latitude"
        raise ValidationFailed(
            gettext("核查位置须同时有经度和纬度，请重新获取位置"),
            code=ErrorCode.INVALID_POSITION,
            details=[{"field": missing, "reason": "required", "message": gettext("缺少该坐标")}],
        )
    try:
        lat_d, lng_d = Decimal(str(lat)), Decimal(str(lng))
    except InvalidOperation as exc:
        raise ValidationFailed(gettext("核查位置的坐标不正确"), code=ErrorCode.INVALID_POSITION) from exc
    if not (lat_d.is_finite() and lng_d.is_finite() and -90 <= lat_d <= 90 and -180 <= lng_d <= 180):
        raise ValidationFailed(
            gettext("核查位置的坐标不正确"),
            code=ErrorCode.INVALID_POSITION,
            details=[{"field": "latitude"}, {"field": "longitude"}],
        )
    return {"lat": str(lat_d), "lng": str(lng_d), "crs": "WGS-84"}


def _check_verify_evidence(wo: WorkOrder, p: dict[str, Any]) -> dict[str, Any]:
    """The evidence a passing check must carry for the case's category (``verify_requirements``): the
    verifier's own photos given with this step (the unit's reply photos do not count) and their position."""
    need_photo, need_position = verify_requirements(wo.category)
    position = _verify_position(p)
    photos = [f for f in (p.get("after_photos") or ()) if f]
    if need_photo and not photos:
        raise ValidationFailed(
            gettext("该类工单核查通过须上传核查现场照片（处置后）"),
            code=ErrorCode.VERIFY_PHOTO_REQUIRED,
            details=[{"field": "after_photos", "reason": "required", "message": gettext("请上传核查现场照片")}],
        )
    if need_position and position is None:
        message = gettext("请点击“获取当前位置”记录核查位置")
        raise ValidationFailed(
            gettext("该类工单核查通过须记录核查人所在位置"),
            code=ErrorCode.VERIFY_POSITION_REQUIRED,
            details=[
                {"field": "latitude", "reason": "required", "message": message},
                {"field": "longitude", "reason": "required", "message": message},
            ],
        )
    return {"position": position} if position else {}


def _h_verify_pass(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    evidence = _check_verify_evidence(wo, p)
    end_step(wo, at)
    wo.verified_at = at
    if wo.handled_on_time is None and wo.replied_at and wo.due_at:  # replied before the reply froze it
        wo.handled_on_time = wo.replied_at <= wo.due_at
    if wo.replied_at and wo.dispatched_at:
        wo.handling_seconds = int((wo.replied_at - wo.dispatched_at).total_seconds())
    if _needs_callback(wo):
        wo.status = Status.CALLBACK
        start_step(wo, Step.CALLBACK, at)
    else:
        wo.status = Status.TO_CLOSE
    return {"handled_on_time": wo.handled_on_time, **evidence}


def _h_verify_fail(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    end_step(wo, at)
    wo.rework_count += 1
    wo.replied_at = None
    wo.handled_on_time = None
    if wo.sampled_for_verification and wo.resolution_mode == ResolutionMode.ON_SITE and wo.assigned_unit_id is None:
        # An on-site resolution that failed its check goes to the command centre for dispatch.
        wo.status = Status.RETURNED
        start_step(wo, Step.DISPATCH, at)
        return {"rework": wo.rework_count, "to_dispatch": True}
    wo.status = Status.HANDLING
    start_handle_clock(wo, at)
    return {"rework": wo.rework_count}


def _h_callback(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unreachable = bool(p.get("unreachable"))
    rating = p.get("rating")
    resolved = p.get("resolved")
    if not unreachable:
        try:
            rating = int(rating)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(
                gettext("请选择评价等级"), code=ErrorCode.RATING_REQUIRED, details=[{"field": "rating"}]
            ) from exc
        if rating not in range(1, 6):
            raise ValidationFailed(
                gettext("评价等级须为 1 到 5"), code=ErrorCode.INVALID_RATING, details=[{"field": "rating"}]
            )
        if resolved is None:
            raise ValidationFailed(
                gettext("请选择是否解决"), code=ErrorCode.RESOLVED_REQUIRED, details=[{"field": "resolved"}]
            )
    end_step(wo, at)
    wo.callback_at = at
    wo.callback_unreachable = unreachable
    wo.rating = None if unreachable else rating
    wo.resolved = None if unreachable else bool(resolved)
    data: dict[str, Any] = {"rating": wo.rating, "resolved": wo.resolved, "unreachable": unreachable}
    if wo.rating in BAD_RATINGS:
        child = _open_rectification(wo, actor, at, str(p.get("note", "")))
        data["rectification"] = child.tracking_code
    return data


def _open_rectification(wo: WorkOrder, actor: Any, at: dt.datetime, note: str) -> WorkOrder:
    """A 差评 opens its own loop: a linked case to the same unit, rectified within the configured limit."""
    days = Decimal(str(getattr(settings, "WANGGE_BAD_RATING_RECTIFY_DAYS", 15)))
    due_at, provisional = deadlines.extend(at, days, DurationUnit.WORKING_DAYS)
    child = WorkOrder(
        tracking_code=new_tracking_code(at),
        channel=Channel.RATING,
        appeal_type=AppealType.COMPLAINT,
        category=wo.category,
        title=f"差评整改：{wo.title}"[:200],
        description=f"原工单 {wo.tracking_code} 回访评价为“{wo.get_rating_display()}”。{note}".strip(),
        reporter_name=wo.reporter_name,
        reporter_phone=wo.reporter_phone,
        reporter_phone_index=wo.reporter_phone_index,
        is_real_name=wo.is_real_name,
        lng=wo.lng,
        lat=wo.lat,
        address=wo.address,
        territory=wo.territory,
        grid=wo.grid,
        community=wo.community,
        street=wo.street,
        district=wo.district,
        scope_path=wo.scope_path,
        handling_class=wo.handling_class,
        urgency=wo.urgency,
        status=Status.DISPATCHED if wo.assigned_unit_id else Status.REGISTERED,
        assigned_unit=wo.assigned_unit,
        parent=wo,
        relation=Relation.RECTIFICATION,
        received_at=at,
        dispatched_at=at if wo.assigned_unit_id else None,
        due_at=due_at,
        due_provisional=provisional,
    )
    insert_case(child, at)
    start_step(child, Step.ACCEPT if wo.assigned_unit_id else Step.DISPATCH, at)
    child.save()
    record_event(child, "create", actor, at, "", child.status, data={"rectification_of": wo.tracking_code})
    return child


def _h_close(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    end_step(wo, at)
    wo.closed_at = at
    return {}


def _h_reopen(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    end_step(wo, at)
    wo.reopen_count += 1
    wo.closed_at = None
    wo.replied_at = None
    wo.verified_at = None
    wo.handled_on_time = None
    handle_due = deadlines.due_from(at, deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency))
    wo.due_at = handle_due.at
    wo.due_provisional = handle_due.provisional
    if wo.assigned_unit_id is None:
        wo.status = Status.REGISTERED
        start_step(wo, Step.DISPATCH, at)
    else:
        wo.status = Status.HANDLING
        start_handle_clock(wo, at)
    return {"reopen": wo.reopen_count, "due_at": iso(wo.due_at)}


def _h_merge(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    parent = p["parent"]
    if not isinstance(parent, WorkOrder):
        parent = WorkOrder.objects.filter(pk=parent).first()
    if parent is None or parent.pk == wo.pk:
        raise ValidationFailed(gettext("主工单不存在"), code=ErrorCode.INVALID_PARENT, details=[{"field": "parent"}])
    if parent.status in FINAL_STATUSES or parent.relation == Relation.MERGED:
        raise InvalidTransition(gettext("主工单已办结、作废或本身已被合并"), code=ErrorCode.PARENT_NOT_OPEN)
    if parent.district_id != wo.district_id:
        raise ValidationFailed(gettext("只能合并到同一区的工单"), code=ErrorCode.PARENT_OTHER_DISTRICT)
    end_step(wo, at)
    wo.parent = parent
    wo.relation = Relation.MERGED
    # Cases already merged into this one follow it to the new parent.
    moved = list(wo.children.filter(relation=Relation.MERGED).values_list("tracking_code", flat=True))
    wo.children.filter(relation=Relation.MERGED).update(parent=parent)
    return {"parent": parent.tracking_code, "moved_children": moved}


def _h_invalidate(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    end_step(wo, at)
    wo.invalid_reason = str(p["note"])[:200]
    wo.closed_at = at
    return {}


def _h_supervise(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    level = p["level"]
    if level not in {SupervisionLevel.YELLOW, SupervisionLevel.RED}:
        raise ValidationFailed(
            gettext("督办等级须为黄牌或红牌"), code=ErrorCode.INVALID_LEVEL, details=[{"field": "level"}]
        )
    if wo.supervision == SupervisionLevel.RED and level == SupervisionLevel.YELLOW:
        raise InvalidTransition(gettext("已红牌督办，不能降为黄牌"), code=ErrorCode.SUPERVISION_DOWNGRADE)
    before = wo.supervision
    wo.supervision = level
    wo.supervised_at = at
    return {"before": before, "level": level}


def _sampled(wo: WorkOrder) -> bool:
    rate = float(getattr(settings, "WANGGE_ONSITE_SAMPLE_RATE", 0.2))
    digest = hashlib.sha256(wo.tracking_code.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


def _h_resolve_on_site(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    uploads = {"before": p.get("before_photos") or [], "after": p.get("after_photos") or []}
    have = {k: wo.attachments.filter(kind=k).count() for k in ("before", "after")}
    if not (uploads["before"] or have["before"]) or not (uploads["after"] or have["after"]):
        raise ValidationFailed(
            gettext("现场解决须上传处置前和处置后照片"),
            code=ErrorCode.PHOTOS_REQUIRED,
            details=[
                {"field": f"{k}_photos", "reason": "required"}
                for k in ("before", "after")
                if not (uploads[k] or have[k])
            ],
        )
    end_step(wo, at)  # the photos are stored with the step's history row (work_order_transition)
    wo.resolution_mode = ResolutionMode.ON_SITE
    wo.reply_text = str(p["text"])
    wo.reply_result = ReplyResult.RESOLVED
    wo.replied_at = at
    wo.handled_on_time = True
    wo.handling_seconds = int((at - wo.received_at).total_seconds())
    wo.due_at = wo.due_at or at
    wo.sampled_for_verification = _sampled(wo)
    if wo.sampled_for_verification:
        wo.status = Status.REPLIED
        start_step(wo, Step.VERIFY, at)
    else:
        wo.status = Status.CLOSED
        wo.closed_at = at
    return {"sampled": wo.sampled_for_verification}


def _h_answer_direct(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    """直接答复: the 咨询 answered on the phone and closed at once (an on-the-spot resolution of the call). The
    knowledge-base article and version the answer came from, when given, go into the history row."""
    end_step(wo, at)
    wo.resolution_mode = ResolutionMode.ON_SITE
    wo.reply_text = str(p["text"])
    wo.reply_result = ReplyResult.RESOLVED
    wo.replied_at = at
    wo.handled_on_time = True
    wo.handling_seconds = int((at - wo.received_at).total_seconds())
    wo.due_at = wo.due_at or at
    wo.closed_at = at
    data: dict[str, Any] = {}
    if p.get("article"):
        data = {
            "article": int(p["article"]),
            "article_version": int(p.get("article_version") or 0),
            "article_title": str(p.get("article_title") or "")[:200],
        }
    return data


def _h_refer_to_mediation(wo: WorkOrder, actor: Any, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    """转调解: the case closes; its history row names the dispute filed from it."""
    end_step(wo, at)
    wo.closed_at = at
    return {"dispute": str(p.get("dispute") or "")[:32]}


HANDLERS = {
    "dispatch": _h_dispatch,
    "redispatch": _h_redispatch,
    "recall": _h_recall,
    "accept": _h_accept,
    "return": _h_return,
    "request_extension": _h_request_extension,
    "approve_extension": _h_approve_extension,
    "reject_extension": _h_reject_extension,
    "suspend": _h_suspend,
    "resume": _h_resume,
    "reply": _h_reply,
    "verify_pass": _h_verify_pass,
    "verify_fail": _h_verify_fail,
    "callback": _h_callback,
    "close": _h_close,
    "reopen": _h_reopen,
    "merge": _h_merge,
    "invalidate": _h_invalidate,
    "supervise": _h_supervise,
    "resolve_on_site": _h_resolve_on_site,
    "answer_direct": _h_answer_direct,
    "refer_to_mediation": _h_refer_to_mediation,
}
assert set(HANDLERS) == set(TRANSITIONS), "every transition needs a handler"
