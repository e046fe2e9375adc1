"""Statuses of a public-security hazard finding (治安隐患) and the seeded hazard types."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("待核查")
    CLOSED = "closed", _("已整改销号")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATUSES: frozenset[str] = frozenset({HazardStatus.OPEN, HazardStatus.SUBMITTED})


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


DEFAULT_HAZARD_TYPES: tuple[tuple[str, str], ...] = (
    ("gambling", "涉赌"),
    ("prostitution", "涉黄"),
    ("drugs", "涉毒"),
    ("theft_hotspot", "两抢一盗多发地段"),
    ("fire", "消防"),
    ("work_safety", "安全生产"),
    ("other", "其他"),
)
