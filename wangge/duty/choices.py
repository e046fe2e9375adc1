"""Choices of 值班备勤 and 防汛备汛: shift day kinds, duty roles, depot kinds, movement directions, team kinds and
plan kinds. Templates, filters and the API read the labels from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """Which days a shift pattern is worked on when a roster is generated (the working calendar decides)."""

    WORKDAY = "workday", _("工作日")
    REST_DAY = "rest_day", _("节假日及休息日")
    EVERY_DAY = "every_day", _("每天")


class DutyRole(models.TextChoices):
    LEADER = "leader", _("带班领导")
    OFFICER = "officer", _("值班员")


class DepotKind(models.TextChoices):
    DISTRICT = "district", _("区级物资仓库")
    STREET = "street", _("街道储备点")
    COMMUNITY = "community", _("社区（村）储备点")
    ENTERPRISE = "enterprise", _("企业代储点")


class MovementDirection(models.TextChoices):
    ISSUE = "issue", _("出库")
    RECEIVE = "receive", _("入库")


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("专业队伍")
    MILITIA = "militia", _("民兵应急分队")
    VOLUNTEER = "volunteer", _("志愿者队伍")
    ENTERPRISE = "enterprise", _("企业队伍")


class PlanKind(models.TextChoices):
    OVERALL = "overall", _("总体应急预案")
    SPECIAL = "special", _("专项应急预案")
    DEPARTMENT = "department", _("部门应急预案")
    STREET = "street", _("街道（乡镇）应急预案")
    COMMUNITY = "community", _("社区（村）应急预案")
    ONSITE = "onsite", _("现场处置方案")


# The shifts seeded with the app: (key, name, starts, ends, day kind). 白班 and 夜班 on working days; on rest days
# and holidays one 24-hour shift.
DEFAULT_SHIFTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("day", "白班", "08:30", "17:30", DayKind.WORKDAY),
    ("night", "夜班", "17:30", "08:30", DayKind.WORKDAY),
    ("full", "24小时", "08:30", "08:30", DayKind.REST_DAY),
)

# The supply items seeded with the app: (key, name, unit of count).
DEFAULT_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("woven_bag", "编织袋", "条"),
    ("sand_gravel", "砂石", "m³"),
    ("life_jacket", "救生衣", "件"),
    ("pump", "抽水泵", "台"),
    ("generator", "发电机", "台"),
    ("assault_boat", "冲锋舟", "艘"),
    ("flood_light", "照明灯", "盏"),
    ("raincoat", "雨衣", "套"),
)
