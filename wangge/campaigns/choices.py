"""Statuses and kinds of a 专项整治 campaign, checklist results, and the seeded remediation items."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")
    SUMMARISED = "summarised", _("已总结")


# A finding can be recorded while the campaign runs; quantities also once it has ended (late reports), never
# after the summary froze the figures.
FINDING_STATUSES: frozenset[str] = frozenset({CampaignStatus.ACTIVE})
QUANTITY_STATUSES: frozenset[str] = frozenset({CampaignStatus.ACTIVE, CampaignStatus.ENDED})


class CampaignKind(models.TextChoices):
    CITY_APPEARANCE = "city_appearance", _("市容环境整治")
    FACILITY = "facility", _("设施整治提升")
    SAFETY = "safety", _("安全隐患排查整治")
    FLOOD = "flood", _("防汛专项排查")
    ORDER = "order", _("街面秩序整治")
    OTHER = "other", _("其他专项")


class ItemResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_APPLICABLE = "na", _("不适用")


# The remediation items the dictionary starts with: (key, name, unit). Editable in the admin afterwards.
DEFAULT_QUANTITY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("rubbish", "清运垃圾", "车"),
    ("posters", "清理小广告", "处"),
    ("wall_paint", "粉刷墙面", "平方米"),
    ("river", "清理河道", "米"),
    ("guardrail", "修复护栏", "米"),
    ("silt", "清理淤泥", "立方米"),
    ("illegal_building", "拆除违建", "平方米"),
    ("railing_paint", "护栏限高杆刷漆", "平方米"),
    ("guardrail_fix", "加固护栏", "处"),
)
