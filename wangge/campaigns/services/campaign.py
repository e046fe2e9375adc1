"""Creating and editing a campaign, and taking the steps of its declared workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.campaigns.choices import CampaignKind, CampaignStatus
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, ChecklistItem, FindingResult, QuantityItem, QuantityTarget
from wangge.campaigns.services.common import event, may_manage, problem, refuse, visible_campaign
from wangge.campaigns.workflow import WORKFLOW
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory

CODE_PREFIX = "ZX"
EDITABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.ACTIVE})


def new_code(at: dt.datetime) -> str:
    """The next campaign code of the year of ``at``: ``ZX`` + year + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y}"
    last = Campaign.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def _text(value: Any, field: str, limit: int, problems: list[dict[str, Any]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(problem(field, ErrorCode.INVALID_CAMPAIGN, _("请填写此项")))
    elif len(text) > limit:
        problems.append(problem(field, ErrorCode.INVALID_CAMPAIGN, _("不能超过 %(n)s 个字") % {"n": limit}))
    return text


def _decimal(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _clean_checklist(raw: Iterable[Mapping[str, Any]], problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, entry in enumerate(raw):
        text = str(entry.get("text") or "").strip()
        if not text:
            continue
        if len(text) > 200:
            problems.append(problem(f"checklist[{i}].text", ErrorCode.INVALID_CAMPAIGN, _("不能超过 200 个字")))
            continue
        out.append(
            {
                "text": text,
                "opens_case": bool(entry.get("opens_case", True)),
                "category_code": str(entry.get("category_code") or "").strip()[:20],
            }
        )
    return out


def _clean_targets(raw: Mapping[Any, Any], problems: list[dict[str, Any]]) -> dict[QuantityItem, Decimal]:
    """``{item or item key: target}``; a blank target is left out."""
    out: dict[QuantityItem, Decimal] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        item = key if isinstance(key, QuantityItem) else QuantityItem.objects.filter(key=str(key)).first()
        if item is None or not item.is_active:
            problems.append(problem(f"targets.{key}", ErrorCode.UNKNOWN_QUANTITY_ITEM, _("整治项目不存在或已停用")))
            continue
        target = _decimal(value)
        if target is None or target < 0:
            problems.append(problem(f"targets.{item.key}", ErrorCode.INVALID_TARGET, _("目标量须为不小于 0 的数")))
            continue
        out[item] = target.quantize(Decimal("0.01"))
    return out


def _check(
    *,
    actor: ActorLike,
    name: Any,
    kind: Any,
    territory: Territory,
    start_date: dt.date,
    end_date: dt.date,
    points: Iterable[Point],
    target_inspected_pct: Any,
    problems: list[dict[str, Any]],
) -> tuple[str, list[Point], int]:
    clean_name = _text(name, "name", 120, problems, required=True)
    if kind not in CampaignKind.values:
        problems.append(problem("kind", ErrorCode.INVALID_CAMPAIGN, _("未知的专项类别")))
    if not isinstance(start_date, dt.date) or not isinstance(end_date, dt.date):
        problems.append(problem("start_date", ErrorCode.INVALID_PERIOD, _("请填写开始和结束日期")))
    elif end_date < start_date:
        problems.append(problem("end_date", ErrorCode.INVALID_PERIOD, _("结束日期不能早于开始日期")))
    try:
        pct = int(target_inspected_pct)
    except (TypeError, ValueError):
        pct = -1
    if not 0 <= pct <= 100:
        problems.append(problem("target_inspected_pct", ErrorCode.INVALID_TARGET, _("排查覆盖率目标须为 0-100")))
    chosen = list(points)
    outside = [p for p in chosen if not (p.territory is not None and p.territory.path.startswith(territory.path))]
    if outside:
        problems.append(
            problem(
                "points",
                ErrorCode.POINT_OUTSIDE_TERRITORY,
                _("点位不在整治范围内：%(names)s") % {"names": "、".join(p.name for p in outside[:5])},
            )
        )
    return clean_name, chosen, pct


def _require_territory(actor: ActorLike, territory: Territory) -> None:
    if is_system(actor):
        return
    if not Territory.objects.restrict(actor, CHANGE).filter(pk=territory.pk).exists():
        raise PermissionDenied(
            _("无权在该辖区组织专项整治"),
            code=ErrorCode.TERRITORY_OUT_OF_SCOPE,
            details=[problem("territory", ErrorCode.TERRITORY_OUT_OF_SCOPE, _("不在管理范围内"))],
        )


def _write_checklist(campaign: Campaign, checklist: list[dict[str, Any]]) -> None:
    """Lines matched by position: kept lines are updated in place, new ones added, dropped ones deleted unless a
    finding already answered them (then kept, so no result loses its question)."""
    existing = list(ChecklistItem.objects.filter(campaign=campaign).order_by("ordering", "id"))
    for i, line in enumerate(checklist):
        if i < len(existing):
            item = existing[i]
            item.text, item.opens_case, item.category_code = line["text"], line["opens_case"], line["category_code"]
            item.ordering = i + 1
            item.save()
        else:
            ChecklistItem.objects.create(campaign=campaign, ordering=i + 1, **line)
    used = set(FindingResult.objects.filter(item__campaign=campaign).values_list("item_id", flat=True))
    for item in existing[len(checklist) :]:
        if item.pk not in used:
            item.delete()


def _write_targets(campaign: Campaign, targets: dict[QuantityItem, Decimal]) -> None:
    QuantityTarget.objects.filter(campaign=campaign).exclude(item__in=list(targets)).delete()
    for item, target in targets.items():
        QuantityTarget.objects.update_or_create(campaign=campaign, item=item, defaults={"target": target})


def _after(campaign: Campaign) -> dict[str, Any]:
    data = audit.snapshot(campaign) or {}
    data["point_types"] = sorted(campaign.point_types.values_list("key", flat=True))
    data["points"] = sorted(campaign.points.values_list("code", flat=True))
    data["member_units"] = sorted(campaign.member_units.values_list("code", flat=True))
    data["checklist"] = list(campaign.checklist_items.order_by("ordering").values_list("text", flat=True))
    data["targets"] = {t.item.key: str(t.target) for t in campaign.targets.select_related("item")}
    return data


def campaign_create(
    *,
    actor: ActorLike,
    name: str,
    kind: str,
    territory: Territory,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
    point_types: Iterable[PointType] = (),
    points: Iterable[Point] = (),
    lead_unit: Unit | None = None,
    member_units: Iterable[Unit] = (),
    target_inspected_pct: int = 100,
    checklist: Iterable[Mapping[str, Any]] = (),
    targets: Mapping[Any, Any] | None = None,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> Campaign:
    """Create a campaign (草稿) with its scope, period, units, checklist and targets.

    ``checklist``: ``[{"text", "opens_case", "category_code"}]``; ``targets``: ``{item or item key: target}``.
    Raises ValidationFailed (a bad field, a point outside the territory) and PermissionDenied (the territory is
    not one the actor may change)."""
    require(actor)
    at = now or timezone.now()
    problems: list[dict[str, Any]] = []
    clean_name, chosen, pct = _check(
        actor=actor,
        name=name,
        kind=kind,
        territory=territory,
        start_date=start_date,
        end_date=end_date,
        points=points,
        target_inspected_pct=target_inspected_pct,
        problems=problems,
    )
    lines = _clean_checklist(checklist, problems)
    clean_targets = _clean_targets(targets or {}, problems)
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        _require_territory(actor, territory)
        campaign = Campaign(
            name=clean_name,
            kind=kind,
            description=str(description or "").strip(),
            territory=territory,
            start_date=start_date,
            end_date=end_date,
            lead_unit=lead_unit,
            target_inspected_pct=pct,
            status=CampaignStatus.DRAFT,
            created_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        _insert_with_code(campaign, at)
        campaign.point_types.set(list(point_types))
        campaign.points.set(chosen)
        campaign.member_units.set(list(member_units))
        _write_checklist(campaign, lines)
        _write_targets(campaign, clean_targets)
        event(campaign, "create", actor, at, "", note=clean_name)
        audit.record(actor=actor, action="campaigns.campaign_create", obj=campaign, after=_after(campaign))
    return campaign


def _insert_with_code(campaign: Campaign, at: dt.datetime) -> None:
    for _attempt in range(5):
        campaign.code = new_code(at)
        try:
            with transaction.atomic():
                campaign.save()
            return
        except IntegrityError:
            if not Campaign.objects.filter(code=campaign.code).exists():
                raise
    campaign.code = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d%H%M%S%f}"[:32]
    campaign.save()


def campaign_update(
    *,
    actor: ActorLike,
    campaign: Campaign | int,
    now: dt.datetime | None = None,
    **changes: Any,
) -> Campaign:
    """Edit a draft or running campaign: any of the fields of :func:`campaign_create` (the territory only while
    it is a draft). Raises NotFound, PermissionDenied (not its manager), Conflict (ended or summarised) and
    ValidationFailed."""
    require(actor)
    at = now or timezone.now()
    allowed = {
        "name",
        "kind",
        "territory",
        "start_date",
        "end_date",
        "description",
        "point_types",
        "points",
        "lead_unit",
        "member_units",
        "target_inspected_pct",
        "checklist",
        "targets",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            _("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code=ErrorCode.INVALID_CAMPAIGN
        )
    with transaction.atomic():
        locked = visible_campaign(actor, campaign, lock=True)
        if not may_manage(actor, locked):
            raise PermissionDenied(_("无权修改该专项"), code=ErrorCode.TERRITORY_OUT_OF_SCOPE)
        if locked.status not in EDITABLE:
            raise Conflict(_("专项已结束，方案不能再修改"), code=ErrorCode.CAMPAIGN_FROZEN)
        territory = changes.get("territory", locked.territory)
        if territory.pk != locked.territory_id:
            if locked.status != CampaignStatus.DRAFT:
                raise Conflict(_("专项启动后不能更改整治范围"), code=ErrorCode.CAMPAIGN_FROZEN)
            _require_territory(actor, territory)
        before = _after(locked)
        problems: list[dict[str, Any]] = []
        clean_name, chosen, pct = _check(
            actor=actor,
            name=changes.get("name", locked.name),
            kind=changes.get("kind", locked.kind),
            territory=territory,
            start_date=changes.get("start_date", locked.start_date),
            end_date=changes.get("end_date", locked.end_date),
            points=changes.get("points", locked.points.select_related("territory")),
            target_inspected_pct=changes.get("target_inspected_pct", locked.target_inspected_pct),
            problems=problems,
        )
        lines = _clean_checklist(changes["checklist"], problems) if "checklist" in changes else None
        targets = _clean_targets(changes["targets"] or {}, problems) if "targets" in changes else None
        if problems:
            raise refuse(problems)
        locked.name, locked.territory, locked.target_inspected_pct = clean_name, territory, pct
        for field in ("kind", "start_date", "end_date", "lead_unit"):
            if field in changes:
                setattr(locked, field, changes[field])
        if "description" in changes:
            locked.description = str(changes["description"] or "").strip()
        locked.save()
        if "point_types" in changes:
            locked.point_types.set(list(changes["point_types"]))
        if "points" in changes:
            locked.points.set(chosen)
        if "member_units" in changes:
            locked.member_units.set(list(changes["member_units"]))
        if lines is not None:
            _write_checklist(locked, lines)
        if targets is not None:
            _write_targets(locked, targets)
        event(locked, "update", actor, at, locked.status)
        audit.record(actor=actor, action="campaigns.campaign_update", obj=locked, before=before, after=_after(locked))
    return locked


def campaign_transition(
    *,
    actor: ActorLike,
    campaign: Campaign | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Campaign:
    """Take step ``name`` of the campaign workflow: lock the row in scope, check state (409), who acts (403),
    the guard (409) and inputs (400), set the status and its instants, write the history row and the audit.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    at = now or timezone.now()
    with transaction.atomic():
        try:
            locked = visible_campaign(actor, campaign, lock=True)
        except NotFound:
            raise
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note = str(inputs.get("note") or "").strip()
        if name == "start":
            locked.started_at = locked.started_at or at
        elif name == "end":
            locked.ended_at = at
        elif name == "reopen":
            locked.ended_at = None
        elif name == "summarise":
            locked.summary = str(inputs["summary"]).strip()
            note = locked.summary
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(locked, name, actor, at, from_status, note=note)
        audit.record(actor=actor, action=f"campaigns.{name}", obj=locked, before=before, after=audit.snapshot(locked))
    return locked
