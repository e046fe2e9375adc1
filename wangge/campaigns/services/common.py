"""What the campaign services share: finding a campaign in scope, who manages it, refusals, history rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.accounts.roles import RECORD
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, CampaignEvent
from wangge.campaigns.selectors import campaigns_for
from wangge.campaigns.workflow import MANAGERS
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.territory.models import Territory


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def visible_campaign(actor: ActorLike, campaign: Campaign | int, *, lock: bool = False) -> Campaign:
    """The campaign as the actor sees it (locked when asked); out of scope answers like missing."""
    pk = campaign.pk if isinstance(campaign, Campaign) else int(campaign)
    qs = (
        Campaign.objects.all()
        if is_system(actor)
        else Campaign.objects.filter(pk__in=campaigns_for(actor).values("pk"))
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("territory", "lead_unit").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("专项不存在"), code=ErrorCode.CAMPAIGN_NOT_FOUND)
    return found


def campaign_unit_ids(campaign: Campaign) -> set[int]:
    ids = set(campaign.member_units.values_list("pk", flat=True))
    if campaign.lead_unit_id:
        ids.add(campaign.lead_unit_id)
    return ids


def may_manage(actor: ActorLike, campaign: Campaign) -> bool:
    """Community or street staff or an administrator over the campaign's territory, or its lead unit."""
    return permissions.has_role_over(actor, MANAGERS, campaign.territory.path) or permissions.in_unit(
        actor, campaign.lead_unit_id
    )


def in_campaign_units(actor: ActorLike, campaign: Campaign) -> bool:
    return any(permissions.in_unit(actor, uid) for uid in campaign_unit_ids(campaign))


def keeps_ledgers_of(actor: ActorLike, path: str | None) -> bool:
    """The actor holds the ``record`` action over ``path`` (the system always)."""
    if is_system(actor):
        return True
    if not path:
        return False
    return Territory.objects.restrict(actor, RECORD).filter(path=path).exists()


def event(campaign: Campaign, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str = "") -> None:
    CampaignEvent.objects.create(
        campaign=campaign,
        action=action,
        from_status=from_status,
        to_status=campaign.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )
