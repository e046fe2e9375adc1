"""Tagging an existing case or hazard finding with a campaign (the link table campaign ↔ work order / hazard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.campaigns.choices import QUANTITY_STATUSES
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, CampaignCase, CampaignHazard
from wangge.campaigns.services.common import keeps_ledgers_of, may_manage, visible_campaign
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.workorders.models import WorkOrder


def _open_for_tags(actor: ActorLike, campaign: Campaign | int) -> Campaign:
    c = visible_campaign(actor, campaign, lock=True)
    if c.status not in QUANTITY_STATUSES:
        raise Conflict(_("专项未启动或已总结，不能再标记"), code=ErrorCode.CAMPAIGN_FROZEN)
    return c


def _may_tag(actor: ActorLike, c: Campaign, path: str) -> None:
    if not (may_manage(actor, c) or keeps_ledgers_of(actor, path)):
        raise PermissionDenied(_("无权将其标记到该专项"), code=ErrorCode.NOT_A_QUANTITY_RECORDER)


def campaign_tag_case(
    *, actor: ActorLike, campaign: Campaign | int, work_order: WorkOrder | int, now: dt.datetime | None = None
) -> CampaignCase:
    """Tag a case the actor sees with a running or ended campaign; the case must lie in its territory.
    Raises NotFound, Conflict (frozen, already tagged), PermissionDenied, ValidationFailed (outside)."""
    require(actor)
    at = now or timezone.now()
    pk = work_order.pk if isinstance(work_order, WorkOrder) else int(work_order)
    with transaction.atomic():
        c = _open_for_tags(actor, campaign)
        qs = WorkOrder.objects.all() if is_system(actor) else WorkOrder.objects.restrict(actor)
        wo = qs.filter(pk=pk).first()
        if wo is None:
            raise NotFound(_("工单不存在"))
        if not wo.scope_path.startswith(c.territory.path):
            raise ValidationFailed(_("该工单不在专项整治范围内"), code=ErrorCode.CASE_OUTSIDE_CAMPAIGN)
        _may_tag(actor, c, wo.scope_path)
        if CampaignCase.objects.filter(campaign=c, work_order=wo).exists():
            raise Conflict(_("该工单已标记到本专项"), code=ErrorCode.ALREADY_TAGGED)
        tag = CampaignCase.objects.create(campaign=c, work_order=wo, tagged_at=at, tagged_by=user_of(actor))
        audit.record(
            actor=actor, action="campaigns.case_tag", obj=c, after={"work_order": wo.tracking_code}, only_changes=False
        )
    return tag


def campaign_tag_hazard(
    *, actor: ActorLike, campaign: Campaign | int, hazard: Any, now: dt.datetime | None = None
) -> CampaignHazard:
    """Tag a hazard finding the actor sees with a running or ended campaign (same rules as a case)."""
    from wangge.hazards.models import HazardFinding

    require(actor)
    at = now or timezone.now()
    pk = hazard.pk if isinstance(hazard, HazardFinding) else int(hazard)
    with transaction.atomic():
        c = _open_for_tags(actor, campaign)
        qs = HazardFinding.objects.all() if is_system(actor) else HazardFinding.objects.restrict(actor)
        found = qs.select_related("grid").filter(pk=pk).first()
        if found is None:
            raise NotFound(_("隐患不存在"))
        if not found.grid.path.startswith(c.territory.path):
            raise ValidationFailed(_("该隐患不在专项整治范围内"), code=ErrorCode.CASE_OUTSIDE_CAMPAIGN)
        _may_tag(actor, c, found.grid.path)
        if CampaignHazard.objects.filter(campaign=c, hazard=found).exists():
            raise Conflict(_("该隐患已标记到本专项"), code=ErrorCode.ALREADY_TAGGED)
        tag = CampaignHazard.objects.create(campaign=c, hazard=found, tagged_at=at, tagged_by=user_of(actor))
        audit.record(
            actor=actor, action="campaigns.hazard_tag", obj=c, after={"hazard": found.code}, only_changes=False
        )
    return tag
