"""Writes on work orders. ``work_order_transition`` is the one function that changes a status."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.core import crypto
from wangge.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from wangge.core.validators import normalise_phone, validate_phone
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import deadlines
from wangge.workorders.choices import (
    BAD_RATINGS,
    FINAL_STATUSES,
    AppealType,
    AttachmentKind,
    Channel,
    DurationUnit,
    Relation,
    ReplyResult,
    ResolutionMode,
    Status,
    Step,
    SupervisionLevel,
    Urgency,
)
from wangge.workorders.models import Attachment, Category, Event, RoutingRule, StepClock, WorkOrder
from wangge.workorders.workflow import GUARD_MESSAGES, TRANSITIONS, Actor, guard, may

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class InvalidTransition(DomainError):
    """The case is not in a state where this step can be taken (often: someone else acted first)."""

    code = "invalid_transition"
    http_status = 409


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


TRACKING_CODE_ATTEMPTS = 5


def _insert_case(wo: WorkOrder, at: dt.datetime) -> None:
    """INSERT a new case. Its random tracking code may already be taken (a busy city draws tens of thousands a
    day out of 32⁶ per day): then another is drawn, inside a savepoint so the caller's transaction goes on."""
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                wo.save(force_insert=True)
            return
        except IntegrityError as exc:
            if "tracking_code" not in str(exc) or attempt == TRACKING_CODE_ATTEMPTS - 1:
                raise
            wo.pk = None
            wo.tracking_code = new_tracking_code(at)


def new_tracking_code(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    tail = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(6))
    return f"WG{local:%y%m%d}{tail}"


# --- routing -------------------------------------------------------------------------------------


_routing_lock = threading.Lock()
_routing: dict[str, Any] = {"checked": 0.0, "stamp": None, "categories": frozenset()}


def _routing_recheck_seconds() -> float:
    return float(getattr(settings, "WANGGE_ROUTING_RECHECK_SECONDS", 2.0))


def _routed_categories() -> frozenset[int]:
    """The categories that have routing rules, so intake skips the rule query for all the others. Looked
    at again at most every ``WANGGE_ROUTING_RECHECK_SECONDS`` (2 s, like the calendar and the locator): a
    new rule reaches every process within that time."""
    now = time.monotonic()
    if 0 <= now - _routing["checked"] < _routing_recheck_seconds():  # a clock set back rechecks
        return _routing["categories"]  # type: ignore[no-any-return]
    stamp = tuple(
        RoutingRule.objects.order_by().aggregate(n=Count("id"), top=Max("id"), cats=Sum("category_id")).values()
    )
    with _routing_lock:
        if stamp != _routing["stamp"]:
            _routing["categories"] = frozenset(RoutingRule.objects.values_list("category_id", flat=True).distinct())
            _routing["stamp"] = stamp
        _routing["checked"] = now
    return _routing["categories"]  # type: ignore[no-any-return]


def forget_routing() -> None:
    """Look at the routing rules again on the next suggestion (after this process changed them)."""
    _routing["checked"] = 0.0
    _routing["stamp"] = None


def suggest_unit(*, category: Category | None, territory: Territory | None) -> Unit | None:
    """Routing: the rule on the deepest territory covering the case, else the category's default unit,
    else by handling class (A → the community committee, B → the street office)."""
    if category is None:
        return None
    if territory is not None and category.pk in _routed_categories():
        prefixes = [territory.path[:i] for i in range(4, len(territory.path) + 1, 4)]
        rule = (
            RoutingRule.objects.filter(category=category, territory__path__in=prefixes, unit__is_active=True)
            .select_related("unit")
            .order_by("-territory__depth", "priority")
            .first()
        )
        if rule is not None:
            return rule.unit
    if category.default_unit_code:
        # The key names a unit directly, or the district's unit of that kind ("410403-cgj").
        codes = [category.default_unit_code]
        if territory is not None:
            district = _ancestor_of_kind(territory, TerritoryKind.DISTRICT)
            if district is not None:
                codes.insert(0, f"{district.code}-{category.default_unit_code}")
        for code in codes:
            unit = Unit.objects.filter(code=code, is_active=True).first()
            if unit is not None:
                return unit
    if territory is not None and category.handling_class in {"A", "B"}:
        kind, node_kind = (
            (UnitKind.COMMUNITY_COMMITTEE, TerritoryKind.COMMUNITY)
            if category.handling_class == "A"
            else (UnitKind.STREET_OFFICE, TerritoryKind.STREET)
        )
        node = _ancestor_of_kind(territory, node_kind)
        if node is not None:
            return Unit.objects.filter(kind=kind, territory=node, is_active=True).first()
    return None


def _ancestor_of_kind(node: Territory, kind: str) -> Territory | None:
    from wangge.territory import locator

    if node.kind == kind:
        return node
    nodes = locator.chain(node)
    if nodes is not None:
        return next((n for n in nodes[:-1] if n.kind == kind), None)
    prefixes = [node.path[:i] for i in range(4, len(node.path), 4)]
    return Territory.objects.filter(path__in=prefixes, kind=kind).first()


def resync_scope_paths() -> int:
    """Bring every case's ``scope_path`` back to its territory's current path (after a renumbering).

    One set-based UPDATE … FROM per source column (PostgreSQL, and SQLite ≥ 3.33): a hash join that
    touches only the rows whose copy differs.
    """
    from django.db import connection

    wo = WorkOrder._meta.db_table
    tt = Territory._meta.db_table
    q = connection.ops.quote_name
    total = 0
    with connection.cursor() as cursor:
        for column, condition in (("territory_id", ""), ("district_id", f" AND {q(wo)}.{q('territory_id')} IS NULL")):
            cursor.execute(
                f"UPDATE {q(wo)} SET {q('scope_path')} = t.{q('path')} FROM {q(tt)} AS t "
                f"WHERE t.{q('id')} = {q(wo)}.{q(column)} AND {q(wo)}.{q('scope_path')} <> t.{q('path')}{condition}"
            )
            total += max(cursor.rowcount, 0)
    return total


# --- intake --------------------------------------------------------------------------------------


@dataclass
class Location:
    territory: Territory | None
    grid: Territory | None
    community: Territory | None
    street: Territory | None
    district: Territory
    address_confidence: float | None = None  # set when the address, not coordinates, placed the case


def locate_address(address: str, district: Territory | None) -> tuple[Territory, float] | None:
    """The territory a free-text address names, through the locator ``WANGGE_ADDRESS_LOCATOR`` (a dotted
    path to ``f(address, district) -> (territory, confidence) | None``; empty turns matching off)."""
    path = getattr(settings, "WANGGE_ADDRESS_LOCATOR", "")
    if not path or not address.strip():
        return None
    found = import_string(path)(address, district)
    if found is None:
        return None
    node, confidence = found
    if district is not None and not node.path.startswith(district.path):
        return None
    return node, float(confidence)


def resolve_location(
    *, lng: float | None, lat: float | None, crs: str, district: Territory | None, address: str = ""
) -> tuple[float | None, float | None, Location]:
    """WGS-84 coordinates and the territory chain of a case. Without coordinates the address is matched
    against territory and point names; a case with neither stays at district level."""
    from wangge.core.geo import to_wgs84
    from wangge.territory import locator

    node: Territory | None = None
    by_address: float | None = None
    if lng is not None and lat is not None:
        lng, lat = to_wgs84(float(lng), float(lat), crs)
        node = locator.locate(lng, lat)
        if node is None and district is None:
            raise ValidationFailed(
                "该位置不在本平台任何辖区内", code="outside_territory", details=[{"field": "location"}]
            )
    elif address:
        found = locate_address(address, district)
        if found is not None:
            node, by_address = found
    chain: dict[str, Territory] = {}
    if node is not None:
        nodes = locator.chain(node)
        if nodes is None:
            prefixes = [node.path[:i] for i in range(4, len(node.path) + 1, 4)]
            nodes = list(Territory.objects.filter(path__in=prefixes))
        for anc in nodes:
            chain[anc.kind] = anc
    dist = chain.get(TerritoryKind.DISTRICT) or district
    if dist is None:
        raise ValidationFailed("缺少位置或所属区", code="location_required", details=[{"field": "location"}])
    return (
        lng,
        lat,
        Location(
            territory=node,
            grid=chain.get(TerritoryKind.GRID),
            community=chain.get(TerritoryKind.COMMUNITY),
            street=chain.get(TerritoryKind.STREET),
            district=dist,
            address_confidence=by_address,
        ),
    )


def work_order_create(
    *,
    actor: Any,
    channel: str,
    appeal_type: str,
    title: str,
    description: str,
    category: Category | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    is_real_name: bool = False,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    district: Territory | None = None,
    urgency: str = Urgency.NORMAL,
    point: Any = None,
    resolution_mode: str | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """受理: register a case, locate it in a grid and start the dispatch clock."""
    errors: list[dict[str, str]] = []
    if channel not in Channel.values:
        errors.append({"field": "channel", "reason": "unknown_channel"})
    if appeal_type not in AppealType.values:
        errors.append({"field": "appeal_type", "reason": "unknown_appeal_type"})
    if urgency not in Urgency.values:
        errors.append({"field": "urgency", "reason": "unknown_urgency"})
    if not title.strip():
        errors.append({"field": "title", "reason": "required"})
    if not description.strip():
        errors.append({"field": "description", "reason": "required"})
    phone = normalise_phone(reporter_phone) if reporter_phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            errors.append({"field": "reporter_phone", "reason": "invalid_phone"})
    if errors:
        raise ValidationFailed("工单信息不完整或格式不正确", details=errors)
    at = _now(now)
    with transaction.atomic():
        wgs_lng, wgs_lat, loc = resolve_location(lng=lng, lat=lat, crs=crs, district=district, address=address)
        mode = resolution_mode or (category.resolution_mode if category else ResolutionMode.DEADLINE)
        wo = WorkOrder(
            tracking_code=new_tracking_code(at),
            channel=channel,
            appeal_type=appeal_type,
            category=category,
            title=title.strip()[:200],
            description=description.strip(),
            reporter_name=reporter_name.strip()[:50],
            reporter_phone=phone,
            reporter_phone_index=crypto.blind_index(phone),
            is_real_name=is_real_name,
            reporter_user=actor if channel in {Channel.PATROL, Channel.INSPECTION} else None,
            lng=wgs_lng,
            lat=wgs_lat,
            address=address.strip()[:200],
            territory=loc.territory,
            grid=loc.grid,
            community=loc.community,
            street=loc.street,
            district=loc.district,
            scope_path=(loc.territory or loc.district).path,
            point=point,
            handling_class=category.handling_class if category else "",
            resolution_mode=mode,
            urgency=urgency,
            status=Status.REGISTERED,
            received_at=at,
        )
        # The dispatch clock's fields go in with the INSERT; the clock row needs the case's id.
        due = _set_step_fields(wo, Step.DISPATCH, at)
        _insert_case(wo, at)
        _clock_create(wo, Step.DISPATCH, at, due)
        created: dict[str, Any] = {"channel": channel}
        if loc.address_confidence is not None and loc.territory is not None:
            created["located_by_address"] = {"code": loc.territory.code, "confidence": loc.address_confidence}
        _event(wo, "create", actor, at, "", Status.REGISTERED, data=created)
    return wo


def attachment_add(*, actor: Any, work_order: WorkOrder, upload: Any, kind: str = AttachmentKind.PHOTO) -> Attachment:
    """Store a photo or file after checking what it really is and its size."""
    max_bytes = int(getattr(settings, "WANGGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    size = int(getattr(upload, "size", 0) or 0)
    if kind not in AttachmentKind.values:
        raise ValidationFailed("附件类型不正确", code="invalid_attachment_kind")
    if size <= 0:
        raise ValidationFailed("附件为空", code="empty_file")
    if size > max_bytes:
        raise ValidationFailed(f"附件超过 {max_bytes // (1024 * 1024)} MB", code="file_too_large")
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationFailed("仅支持 JPEG、PNG、GIF、WebP 图片和 PDF 文件", code="unsupported_file_type")
    with transaction.atomic():
        return Attachment.objects.create(
            work_order=work_order,
            kind=kind,
            file=upload,
            content_type=content_type,
            size=size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


# --- clocks --------------------------------------------------------------------------------------


def _start_step(wo: WorkOrder, step: str, at: dt.datetime) -> StepClock:
    return _clock_create(wo, step, at, _set_step_fields(wo, step, at))


def _set_step_fields(wo: WorkOrder, step: str, at: dt.datetime) -> deadlines.Due:
    """Put the step's start, deadline and warning time on the case (not saved)."""
    limit = deadlines.step_limit(wo.category, step, wo.urgency)
    due = deadlines.due_from(at, limit)
    wo.step_started_at = at
    wo.step_due_at = due.at
    wo.step_warn_at = due.warn_at
    wo.warned_step_at = None
    wo.breached_step_at = None
    return due


def _clock_create(wo: WorkOrder, step: str, at: dt.datetime, due: deadlines.Due) -> StepClock:
    return StepClock.objects.create(work_order=wo, step=step, started_at=at, due_at=due.at, provisional=due.provisional)


def _end_step(wo: WorkOrder, at: dt.datetime) -> StepClock | None:
    """Close the running step clock and freeze its outcome."""
    clock = wo.clocks.filter(ended_at__isnull=True).order_by("-id").first()
    if clock is None:
        return None
    clock.ended_at = at
    clock.on_time = at <= clock.due_at
    clock.save(update_fields=["ended_at", "on_time"])
    wo.step_started_at = wo.step_due_at = wo.step_warn_at = None
    return clock


def _event(
    wo: WorkOrder,
    name: str,
    actor: Any,
    at: dt.datetime,
    from_status: str,
    to_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    user = actor if getattr(actor, "pk", None) else None
    label = str(actor) if user is not None else ("群众" if actor is None else str(actor))
    return Event.objects.create(
        work_order=wo,
        name=name,
        actor=user,
        actor_label=label[:100],
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- the transition function ---------------------------------------------------------------------


def work_order_transition(
    *,
    actor: Any,
    work_order_id: int,
    name: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    tracking_code: str | None = None,
    **payload: Any,
) -> WorkOrder:
    """Take transition ``name`` on a case. Locks the row, checks state, permission and guard, updates the
    clocks, writes the event row and schedules notifications after commit.

    ``actor=None`` is the citizen, who must present the case's ``tracking_code``.
    Raises NotFound (missing or out of scope), Conflict (stale version), InvalidTransition (wrong state),
    PermissionDenied, ValidationFailed (missing or bad payload).
    """
    t = TRANSITIONS.get(name)
    if t is None:
        raise ValidationFailed(f"未知的操作：{name}", code="unknown_transition")
    at = _now(now)
    with transaction.atomic():
        qs = WorkOrder.objects.select_for_update(of=("self",))
        if actor is not None:
            qs = qs.restrict(actor)
        wo = qs.filter(pk=work_order_id).select_related("category").first()
        if wo is None or (actor is None and (not tracking_code or tracking_code != wo.tracking_code)):
            raise NotFound("工单不存在", code="not_found")
        if expected_version is not None and wo.version != expected_version:
            raise Conflict(
                "工单已被他人处理，请刷新后重试",
                details={
                    "expected_version": expected_version,
                    "current_version": wo.version,
                    "status": wo.status,
                },
            )
        if wo.status not in t.sources:
            raise InvalidTransition(
                f"工单当前状态为“{wo.get_status_display()}”，不能执行“{t.label}”",
                details={"status": wo.status, "transition": name},
            )
        who = Actor.of(actor)
        if not may(who, t, wo):
            raise PermissionDenied(f"无权执行“{t.label}”", code="transition_forbidden")
        reason = guard(t, wo, who)
        if reason:
            raise InvalidTransition(str(GUARD_MESSAGES.get(reason, reason)), code=reason)
        missing = [f for f in t.requires if payload.get(f) in (None, "")]
        if missing:
            raise ValidationFailed(
                "缺少必填内容",
                code="missing_fields",
                details=[{"field": f, "reason": "required"} for f in missing],
            )
        from_status = wo.status
        handler = _HANDLERS[name]
        data = handler(wo, who, at, payload) or {}
        if wo.status == from_status and t.target is not None:
            wo.status = t.target
        wo.version += 1
        wo.save()
        event = _event(wo, name, actor, at, from_status, wo.status, note=str(payload.get("note", "")), data=data)
        for upload in payload.get("attachments") or ():
            att = attachment_add(actor=actor, work_order=wo, upload=upload, kind=AttachmentKind.PHOTO)
            att.event = event
            att.save(update_fields=["event"])
        _after_transition(wo, name, from_status, at)
    return wo


def _after_transition(wo: WorkOrder, name: str, from_status: str, at: dt.datetime) -> None:
    """Children follow a merged parent (closed with it, open again when it is reopened); people are
    notified after commit."""
    children = wo.children.select_for_update().filter(relation=Relation.MERGED)
    follow: list[WorkOrder] = []
    closed_at: dt.datetime | None = None
    if wo.status in FINAL_STATUSES and from_status not in FINAL_STATUSES:
        follow = list(children.filter(closed_at__isnull=True))
        closed_at = at
    elif name == "reopen":
        follow = list(children.filter(closed_at__isnull=False))
    for child in follow:
        child.closed_at = closed_at
        child.version += 1
        child.save(update_fields=["closed_at", "version", "updated_at"])
        _event(
            child,
            "follow_parent",
            None,
            at,
            child.status,
            child.status,
            data={"parent": wo.tracking_code, "parent_transition": name},
        )
    from wangge.workorders import notifications

    notifications.on_transition(wo, name)


# --- handlers: one per transition; they may set fields and return data for the event row ----------


def _h_dispatch(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unit = p["unit"]
    if not isinstance(unit, Unit):
        unit = Unit.objects.filter(pk=unit, is_active=True).first()
    if unit is None or not unit.is_active:
        raise ValidationFailed("承办单位不存在或已停用", code="invalid_unit", details=[{"field": "unit"}])
    # A case goes to a unit of its own district (or of the city above it), never to another district's.
    unit_path = Territory.objects.filter(pk=unit.territory_id).values_list("path", flat=True).first() or ""
    district_path = wo.district.path
    if not (unit_path.startswith(district_path) or district_path.startswith(unit_path)):
        raise ValidationFailed(
            "承办单位不属于本工单所在的区", code="unit_outside_district", details=[{"field": "unit"}]
        )
    if "category" in p and p["category"] is not None:
        wo.category = p["category"]
        wo.handling_class = wo.category.handling_class if wo.category else wo.handling_class
    _end_step(wo, at)
    wo.assigned_unit = unit
    wo.assignee = None
    wo.dispatched_at = at
    wo.accepted_at = None
    wo.accepted_on_time = None
    _start_step(wo, Step.ACCEPT, at)
    if not (wo.relation == Relation.RECTIFICATION and wo.due_at is not None):
        # A 差评 rectification keeps the limit that runs from the bad rating, whoever it is sent to.
        handle_due = deadlines.due_from(at, deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency))
        wo.due_at = handle_due.at
        wo.due_provisional = handle_due.provisional
    return {"unit": unit.code, "unit_name": unit.name, "due_at": _iso(wo.due_at)}


def _h_accept(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    clock = _end_step(wo, at)
    wo.accepted_at = at
    wo.accepted_on_time = clock.on_time if clock else True
    wo.assignee = who.user
    _start_handle_clock(wo, at)
    return {"on_time": wo.accepted_on_time}


def _start_handle_clock(wo: WorkOrder, at: dt.datetime) -> None:
    """The handling step runs until the case's handling deadline (due_at), not a fresh limit."""
    assert wo.due_at is not None
    clock = StepClock.objects.create(
        work_order=wo, step=Step.HANDLE, started_at=at, due_at=wo.due_at, provisional=wo.due_provisional
    )
    wo.step_started_at = at
    wo.step_due_at = clock.due_at
    limit = deadlines.step_limit(wo.category, Step.HANDLE, wo.urgency)
    # Already past the deadline: the warning time is now, and the sweep flags it at once.
    wo.step_warn_at = deadlines.warn_between(at, wo.due_at, limit.unit)
    wo.warned_step_at = wo.breached_step_at = None


def _h_return(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unit = wo.assigned_unit
    _end_step(wo, at)
    wo.return_count += 1
    wo.assigned_unit = None
    wo.assignee = None
    wo.extension_pending = None
    wo.status = Status.RETURNED
    _start_step(wo, Step.DISPATCH, at)
    return {"unit": unit.code if unit else None}


def _parse_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed("延期时长须为数字", code="invalid_amount", details=[{"field": "amount"}]) from exc
    if amount <= 0 or amount > 365:
        raise ValidationFailed("延期时长须在 0 到 365 之间", code="invalid_amount", details=[{"field": "amount"}])
    return amount


def _parse_extension(amount_value: Any, unit: Any) -> tuple[Decimal, str]:
    amount = _parse_amount(amount_value)
    if unit not in DurationUnit.values:
        raise ValidationFailed("时长单位不正确", code="invalid_unit_of_time", details=[{"field": "unit_of_time"}])
    if unit in {DurationUnit.WORKING_DAYS, DurationUnit.NATURAL_DAYS} and amount != amount.to_integral_value():
        raise ValidationFailed(
            gettext("按日计算的延期须为整数天"), code="invalid_amount", details=[{"field": "amount"}]
        )
    return amount, str(unit)


def _h_request_extension(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    amount, unit = _parse_extension(p["amount"], p["unit_of_time"])
    wo.extension_pending = {
        "amount": str(amount),
        "unit": unit,
        "reason": p["note"],
        "requested_at": _iso(at),
    }
    return dict(wo.extension_pending)


def _h_approve_extension(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
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
    return {"amount": str(amount), "unit": unit, "due_before": _iso(before), "due_after": _iso(wo.due_at)}


def _h_reject_extension(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    req = wo.extension_pending
    wo.extension_pending = None
    return {"rejected": req}


def _h_suspend(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    wo.paused_at = at
    return {}


def _h_resume(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
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
    return {"paused_seconds": int(paused), "due_at": _iso(wo.due_at)}


def _h_reply(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    if p["result"] not in ReplyResult.values:
        raise ValidationFailed("办理结论不正确", code="invalid_result", details=[{"field": "result"}])
    _end_step(wo, at)
    wo.reply_text = str(p["text"])
    wo.reply_result = p["result"]
    wo.replied_at = at
    wo.extension_pending = None
    # 处置 ends with the reply: its outcome is frozen now (a failed check clears it for the rework).
    wo.handled_on_time = wo.due_at is not None and at <= wo.due_at
    _start_step(wo, Step.VERIFY, at)
    return {"result": wo.reply_result, "handled_on_time": wo.handled_on_time}


def _needs_callback(wo: WorkOrder) -> bool:
    return bool(wo.reporter_phone) or wo.is_real_name


def _h_verify_pass(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    _end_step(wo, at)
    wo.verified_at = at
    if wo.handled_on_time is None and wo.replied_at and wo.due_at:  # replied before the reply froze it
        wo.handled_on_time = wo.replied_at <= wo.due_at
    if wo.replied_at and wo.dispatched_at:
        wo.handling_seconds = int((wo.replied_at - wo.dispatched_at).total_seconds())
    if _needs_callback(wo):
        wo.status = Status.CALLBACK
        _start_step(wo, Step.CALLBACK, at)
    else:
        wo.status = Status.TO_CLOSE
    return {"handled_on_time": wo.handled_on_time}


def _h_verify_fail(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    _end_step(wo, at)
    wo.rework_count += 1
    wo.replied_at = None
    wo.handled_on_time = None
    if wo.sampled_for_verification and wo.resolution_mode == ResolutionMode.ON_SITE and wo.assigned_unit_id is None:
        # An on-site resolution that failed its check goes to the command centre for dispatch.
        wo.status = Status.RETURNED
        _start_step(wo, Step.DISPATCH, at)
        return {"rework": wo.rework_count, "to_dispatch": True}
    _start_handle_clock(wo, at)
    return {"rework": wo.rework_count}


def _h_callback(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    unreachable = bool(p.get("unreachable"))
    rating = p.get("rating")
    resolved = p.get("resolved")
    if not unreachable:
        try:
            rating = int(rating)  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationFailed("请选择评价等级", code="rating_required", details=[{"field": "rating"}]) from exc
        if rating not in range(1, 6):
            raise ValidationFailed("评价等级须为 1 到 5", code="invalid_rating", details=[{"field": "rating"}])
        if resolved is None:
            raise ValidationFailed("请选择是否解决", code="resolved_required", details=[{"field": "resolved"}])
    _end_step(wo, at)
    wo.callback_at = at
    wo.callback_unreachable = unreachable
    wo.rating = None if unreachable else rating
    wo.resolved = None if unreachable else bool(resolved)
    data: dict[str, Any] = {"rating": wo.rating, "resolved": wo.resolved, "unreachable": unreachable}
    if wo.rating in BAD_RATINGS:
        child = _open_rectification(wo, who, at, str(p.get("note", "")))
        data["rectification"] = child.tracking_code
    return data


def _open_rectification(wo: WorkOrder, who: Actor, at: dt.datetime, note: str) -> WorkOrder:
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
    _insert_case(child, at)
    _start_step(child, Step.ACCEPT if wo.assigned_unit_id else Step.DISPATCH, at)
    child.save()
    _event(child, "create", who.user, at, "", child.status, data={"rectification_of": wo.tracking_code})
    return child


def _h_close(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    _end_step(wo, at)
    wo.closed_at = at
    return {}


def _h_reopen(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    _end_step(wo, at)
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
        _start_step(wo, Step.DISPATCH, at)
    else:
        _start_handle_clock(wo, at)
    return {"reopen": wo.reopen_count, "due_at": _iso(wo.due_at)}


def _h_merge(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    parent = p["parent"]
    if not isinstance(parent, WorkOrder):
        parent = WorkOrder.objects.filter(pk=parent).first()
    if parent is None or parent.pk == wo.pk:
        raise ValidationFailed("主工单不存在", code="invalid_parent", details=[{"field": "parent"}])
    if parent.status in FINAL_STATUSES or parent.relation == Relation.MERGED:
        raise InvalidTransition("主工单已办结、作废或本身已被合并", code="parent_not_open")
    if parent.district_id != wo.district_id:
        raise ValidationFailed("只能合并到同一区的工单", code="parent_other_district")
    _end_step(wo, at)
    wo.parent = parent
    wo.relation = Relation.MERGED
    # Cases already merged into this one follow it to the new parent.
    moved = list(wo.children.filter(relation=Relation.MERGED).values_list("tracking_code", flat=True))
    wo.children.filter(relation=Relation.MERGED).update(parent=parent)
    return {"parent": parent.tracking_code, "moved_children": moved}


def _h_invalidate(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    _end_step(wo, at)
    wo.invalid_reason = str(p["note"])[:200]
    wo.closed_at = at
    return {}


def _h_supervise(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    level = p["level"]
    if level not in {SupervisionLevel.YELLOW, SupervisionLevel.RED}:
        raise ValidationFailed("督办等级须为黄牌或红牌", code="invalid_level", details=[{"field": "level"}])
    if wo.supervision == SupervisionLevel.RED and level == SupervisionLevel.YELLOW:
        raise InvalidTransition("已红牌督办，不能降为黄牌", code="supervision_downgrade")
    before = wo.supervision
    wo.supervision = level
    wo.supervised_at = at
    return {"before": before, "level": level}


def _sampled(wo: WorkOrder) -> bool:
    rate = float(getattr(settings, "WANGGE_ONSITE_SAMPLE_RATE", 0.2))
    digest = hashlib.sha256(wo.tracking_code.encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


def _h_resolve_on_site(wo: WorkOrder, who: Actor, at: dt.datetime, p: dict[str, Any]) -> dict[str, Any]:
    uploads = {"before": p.get("before_photos") or [], "after": p.get("after_photos") or []}
    have = {k: wo.attachments.filter(kind=k).count() for k in ("before", "after")}
    if not (uploads["before"] or have["before"]) or not (uploads["after"] or have["after"]):
        raise ValidationFailed(
            "现场解决须上传处置前和处置后照片",
            code="photos_required",
            details=[
                {"field": f"{k}_photos", "reason": "required"}
                for k in ("before", "after")
                if not (uploads[k] or have[k])
            ],
        )
    for kind, files in uploads.items():
        for upload in files:
            attachment_add(actor=who.user, work_order=wo, upload=upload, kind=kind)
    _end_step(wo, at)
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
        _start_step(wo, Step.VERIFY, at)
    else:
        wo.status = Status.CLOSED
        wo.closed_at = at
    return {"sampled": wo.sampled_for_verification}


_HANDLERS = {
    "dispatch": _h_dispatch,
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
}
assert set(_HANDLERS) == set(TRANSITIONS), "every transition needs a handler"
