"""Choices of 助企包联 (enterprises, 三级包联, 走访, service days, 政银企 matchmaking). Templates, filters and the API
read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("制造业")
    CONSTRUCTION = "construction", _("建筑业")
    WHOLESALE_RETAIL = "wholesale_retail", _("批发和零售业")
    LOGISTICS = "logistics", _("交通运输、仓储和邮政业")
    HOSPITALITY = "hospitality", _("住宿和餐饮业")
    SOFTWARE = "software", _("信息传输、软件和信息技术服务业")
    FINANCE = "finance", _("金融业")
    REAL_ESTATE = "real_estate", _("房地产业")
    BUSINESS_SERVICES = "business_services", _("租赁和商务服务业")
    RESIDENT_SERVICES = "resident_services", _("居民服务、修理和其他服务业")
    HEALTH = "health", _("卫生和社会工作")
    ENERGY = "energy", _("电力、热力、燃气及水生产和供应业")
    MINING = "mining", _("采矿业")
    OTHER = "other", _("其他")


class LiaisonLevel(models.TextChoices):
    """三级包联: a district leader, a department and its cadres over each enterprise."""

    LEADER = "leader", _("区级领导")
    DEPARTMENT = "department", _("包联部门")
    CADRE = "cadre", _("包联干部")


# The levels held by a person (a roster cadre); the department level is held by a unit.
PERSON_LEVELS: frozenset[str] = frozenset({LiaisonLevel.LEADER, LiaisonLevel.CADRE})


class CadreRank(models.TextChoices):
    LEADER = "leader", _("区级领导")
    CADRE = "cadre", _("包联干部")


class ServiceDayKind(models.TextChoices):
    MARKET_DAY = "market_day", _("市场主体服务日")
    MEETING_DAY = "meeting_day", _("助企见面日")


class Occasion(models.TextChoices):
    """Where an enterprise's problem was raised."""

    VISIT = "visit", _("走访")
    SERVICE_DAY = "service_day", _("服务日")


class Intention(models.TextChoices):
    NONE = "none", _("暂无意向")
    INTENDED = "intended", _("达成意向")
    SIGNED = "signed", _("已签约")
