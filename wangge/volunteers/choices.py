"""Choices of 志愿服务与岗位 (volunteers, teams, activities, service hours, posts, rosters, check-ins). Templates,
filters and the API read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    LEFT = "left", _("已退出")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("不予确认")


class PostKind(models.TextChoices):
    SCHOOL = "school", _("护学岗")
    TRAFFIC = "traffic", _("交通文明岗")
    OTHER = "other", _("其他岗位")


# The roles the district names (鹰城大妈: 义务文明新风宣传员、社情民意调查员、矛盾纠纷调解员、创文创卫督查员), and the
# posts' volunteers; an editable table, seeded with these: (key, name, ordering).
DEFAULT_ROLES: tuple[tuple[str, str, int], ...] = (
    ("civility", "文明宣传员", 10),
    ("opinion", "社情民意调查员", 20),
    ("mediator", "矛盾纠纷调解员", 30),
    ("inspector", "创文创卫督查员", 40),
    ("school_guard", "护学岗志愿者", 50),
    ("traffic", "交通文明劝导员", 60),
)
