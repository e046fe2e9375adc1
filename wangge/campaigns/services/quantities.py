"""Recording a remediation quantity (整治量) on a tagged case, a campaign finding or a tagged hazard finding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.campaigns.choices import QUANTITY_STATUSES
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import (
    Campaign,
    CampaignCase,
    CampaignFinding,
    CampaignHazard,
    QuantityItem,
    RemediationQuantity,
)
from wangge.campaigns.services.common import (
    in_campaign_units,
    keeps_ledgers_of,
    may_manage,
    problem,
    refuse,
    visible_campaign,
)
from wangge.core import audit
from wangge.core.actors import label_of, require, user_of
from wangge.core.errors import Conflict, PermissionDenied
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder

MAX_QUANTITY = Decimal("9999999999.99")


def parse_quantity(value: Any) -> Decimal | None:
    """A positive quantity with at most two decimals, or None."""
    if isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d <= 0 or d > MAX_QUANTITY or d != d.quantize(Decimal("0.01")):
        return None
    return d.quantize(Decimal("0.01"))


def quantity_record(
    *,
    actor: ActorLike,
    campaign: Campaign | int,
    item: QuantityItem | str,
    quantity: Any,
    work_order: WorkOrder | None = None,
    finding: CampaignFinding | None = None,
    hazard: Any = None,
    note: str = "",
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> RemediationQuantity:
    """Record ``quantity`` of ``item`` against exactly one of a case tagged with the campaign, one of its findings
    or a hazard finding tagged with it. Its territory and responsible body (责任主体) are fixed now: the case's
    node and assigned unit (else its point's unit); the finding's point and its unit; the hazard's grid and owner
    unit.

    Who may record: the campaign's managers, its lead and member units, whoever keeps the ledgers of the place,
    and the members of the responsible unit. Raises NotFound, Conflict (a draft or summarised campaign),
    PermissionDenied and ValidationFailed (no or several targets, an untagged case, a bad quantity or item)."""
    require(actor)
    at = now or timezone.now()
    problems: list[dict[str, Any]] = []
    amount = parse_quantity(quantity)
    if amount is None:
        problems.append(problem("quantity", ErrorCode.INVALID_QUANTITY, _("数量须为大于 0 的数（最多两位小数）")))
    chosen = item if isinstance(item, QuantityItem) else QuantityItem.objects.filter(key=str(item)).first()
    if chosen is None or not chosen.is_active:
        problems.append(problem("item", ErrorCode.UNKNOWN_QUANTITY_ITEM, _("整治项目不存在或已停用")))
    targets = [t for t in (work_order, finding, hazard) if t is not None]
    if len(targets) != 1:
        problems.append(
            problem("target", ErrorCode.QUANTITY_TARGET_REQUIRED, _("整治量须填报在一个工单、排查记录或隐患上"))
        )
    note = str(note or "").strip()
    if len(note) > 200:
        problems.append(problem("note", ErrorCode.INVALID_QUANTITY, _("不能超过 200 个字")))
    with transaction.atomic():
        c = visible_campaign(actor, campaign, lock=True)
        if c.status not in QUANTITY_STATUSES:
            raise Conflict(_("专项未启动或已总结，不能填报整治量"), code=ErrorCode.CAMPAIGN_CLOSED_FOR_QUANTITIES)
        if problems:
            raise refuse(problems)
        node: Territory | None
        unit_id: int | None
        if work_order is not None:
            # Read again: the responsible body is the unit the case is with now.
            work_order = WorkOrder.objects.select_related("point", "territory", "district").get(pk=work_order.pk)
            if not CampaignCase.objects.filter(campaign=c, work_order=work_order).exists():
                raise refuse([problem("work_order", ErrorCode.NOT_TAGGED, _("该工单未标记到本专项"))])
            node = work_order.territory or work_order.district
            unit_id = work_order.assigned_unit_id or (
                work_order.point.responsible_unit_id if work_order.point else None
            )
        elif finding is not None:
            if finding.campaign_id != c.pk:
                raise refuse([problem("finding", ErrorCode.NOT_TAGGED, _("该排查记录不属于本专项"))])
            node = finding.point.territory or finding.point.grid or c.territory
            unit_id = finding.point.responsible_unit_id
        else:
            if not CampaignHazard.objects.filter(campaign=c, hazard=hazard).exists():
                raise refuse([problem("hazard", ErrorCode.NOT_TAGGED, _("该隐患未标记到本专项"))])
            node = hazard.grid
            unit_id = hazard.owner_unit_id
        assert node is not None
        if not (
            may_manage(actor, c)
            or in_campaign_units(actor, c)
            or keeps_ledgers_of(actor, node.path)
            or permissions.in_unit(actor, unit_id)
        ):
            raise PermissionDenied(_("无权填报该整治量"), code=ErrorCode.NOT_A_QUANTITY_RECORDER)
        assert chosen is not None and amount is not None
        row = RemediationQuantity.objects.create(
            campaign=c,
            work_order=work_order,
            finding=finding,
            hazard=hazard,
            item=chosen,
            unit=chosen.unit,
            quantity=amount,
            territory=node,
            scope_path=node.path,
            responsible_unit_id=unit_id,
            note=note,
            recorded_at=at,
            recorded_by=user_of(actor),
            recorded_by_name=label_of(actor)[:150],
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="campaigns.quantity_create", obj=row, after=audit.snapshot(row))
    return row
