"""The life of a campaign (专项整治) as a table (``wangge.core.workflow``, docs/adr/0004-workflows.md):
草稿 → **启动** → 进行中 → **结束** → 已结束 → **总结** → 已总结, with **重新启动** from 已结束 while a late point is
still being worked on.

Who acts: community staff, street staff and administrators over the campaign's territory node, and the members
of its lead unit (牵头单位). Starting needs a checklist (the guard ``_has_checklist``); summarising needs the
summary text (its required input). ``campaigns.services.campaign_transition`` is the only code that changes a
campaign's status; transition and input names are part of the API contract.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.campaigns.choices import CampaignStatus
from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, ChecklistItem
from wangge.core.workflow import LONG_TEXT, REGISTRY, TERRITORY, UNIT, Input, Transition, Workflow

__all__ = ["EVENT_LABELS", "MANAGERS", "TRANSITIONS", "WORKFLOW", "available"]

# Who runs a campaign over its territory (the ``change`` action of ``accounts.roles``).
MANAGERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
SUMMARY = Input(
    "summary", LONG_TEXT, _("工作总结"), required=True, max_length=10000, help=_("整治成效、存在问题与长效措施")
)

GUARD_MESSAGES: dict[StrEnum, Any] = {
    ErrorCode.CHECKLIST_EMPTY: _("请先设置检查项，再启动专项"),
}


def _has_checklist(campaign: Campaign, actor: Any) -> ErrorCode | None:
    return None if ChecklistItem.objects.filter(campaign_id=campaign.pk).exists() else ErrorCode.CHECKLIST_EMPTY


ACTORS = frozenset({TERRITORY, UNIT})

_T = [
    Transition(
        "start",
        _("启动专项"),
        frozenset({CampaignStatus.DRAFT}),
        frozenset({CampaignStatus.ACTIVE}),
        MANAGERS,
        actors=ACTORS,
        inputs=(NOTE,),
        guard=_has_checklist,
        colour="success",
    ),
    Transition(
        "end",
        _("结束专项"),
        frozenset({CampaignStatus.ACTIVE}),
        frozenset({CampaignStatus.ENDED}),
        MANAGERS,
        actors=ACTORS,
        inputs=(NOTE,),
        colour="warning",
    ),
    Transition(
        "reopen",
        _("重新启动"),
        frozenset({CampaignStatus.ENDED}),
        frozenset({CampaignStatus.ACTIVE}),
        MANAGERS,
        actors=ACTORS,
        inputs=(NOTE,),
        colour="danger",
        queue=False,
    ),
    Transition(
        "summarise",
        _("总结专项"),
        frozenset({CampaignStatus.ENDED}),
        frozenset({CampaignStatus.SUMMARISED}),
        MANAGERS,
        actors=ACTORS,
        inputs=(SUMMARY,),
        colour="success",
    ),
]


def _path_of(campaign: Campaign) -> str:
    path: str = campaign.territory.path
    return path


def _unit_of(campaign: Campaign) -> int | None:
    return campaign.lead_unit_id


WORKFLOW = REGISTRY.add(
    Workflow(
        name="campaign",
        statuses=CampaignStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        unit_of=_unit_of,
        guard_messages=GUARD_MESSAGES,
        created_label=_("创建专项"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {**WORKFLOW.labels(), "update": _("修改方案")}


def available(user: Any, campaign: Campaign) -> list[Transition]:
    """The steps this user may take on this campaign now: the buttons a page shows."""
    return WORKFLOW.available(user, campaign, campaign.status)
