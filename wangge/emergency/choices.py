"""Choices of 预警 (warnings): the hazard types, the four levels with their colours, the warning's status and the
states of a delivery. Templates, filters, the API and the command line read them from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardType(models.TextChoices):
    """What the warning is about. The keys are the stable English names the command line and the API take."""

    RAINSTORM = "rainstorm", _("暴雨")
    FLOOD = "flood", _("洪水")
    GEOLOGICAL = "geological", _("地质灾害")
    WIND = "wind", _("大风")
    HEAT = "heat", _("高温")
    COLD = "cold", _("寒潮")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    """The four warning levels, lowest first (GB/T 27962 气象灾害预警信号 colours)."""

    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


LEVEL_ORDER: dict[str, int] = {Level.BLUE: 1, Level.YELLOW: 2, Level.ORANGE: 3, Level.RED: 4}
LEVEL_COLOURS: dict[str, str] = {
    Level.BLUE: "#1c7ed6",
    Level.YELLOW: "#f2c200",
    Level.ORANGE: "#f76707",
    Level.RED: "#e03131",
}
# The badge class of each level (app.css: .badge.status for blue, .yellow, .orange, .red).
LEVEL_BADGES: dict[str, str] = {Level.BLUE: "status", Level.YELLOW: "yellow", Level.ORANGE: "orange", Level.RED: "red"}


class WarningStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")
    LIFTED = "lifted", _("已解除")


class RecipientKind(models.TextChoices):
    """Who a delivery goes to."""

    GRID_WORKER = "grid_worker", _("网格员")
    GRID_LEADER = "grid_leader", _("网格长")
    RESPONSIBLE = "responsible", _("点位责任人")
    HOUSEHOLD = "household", _("住户")


# Staff kinds: they acknowledge (收到) and are escalated when they do not.
STAFF_KINDS: frozenset[str] = frozenset({RecipientKind.GRID_WORKER, RecipientKind.GRID_LEADER})


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")


class DeliveryState(models.TextChoices):
    """A delivery's state. ``sent``: handed to the inbox or to the SMS outbox (its own state says whether the
    gateway took it); ``no_contact``: no account and no mobile number on record."""

    PENDING = "pending", _("待发送")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("发送失败")
    NO_CONTACT = "no_contact", _("无联系方式")


# The default actions each level requires (editable in the admin; seeded by the data migration). The same list
# serves every type unless a type has rows of its own (``hazard_type`` blank means every type).
DEFAULT_ACTIONS: dict[str, tuple[str, ...]] = {
    Level.BLUE: (
        "关注天气变化，值班人员在岗在位",
        "网格员巡查辖区易涝点、危险点位",
        "提醒居民关注预警信息，做好防范准备",
    ),
    Level.YELLOW: (
        "落实值班值守，值班领导在岗",
        "网格员每日巡查易涝点、地下空间和危险点位",
        "检查防汛物资储备，抢险队伍待命",
        "通知低洼、临河区域居民做好转移准备",
    ),
    Level.ORANGE: (
        "巡查频次加密，易涝点、下穿通道、地下车库每 2 小时巡查一次",
        "领导带班，24 小时值班",
        "抢险队伍、物资前置到重点点位",
        "下穿通道、积水点设置警示，必要时封闭",
        "组织低洼、临河、危房区域人员做好转移",
    ),
    Level.RED: (
        "地下空间人员全部撤离，地下商场、地下车库停止营业",
        "24 小时值班，主要领导带班、靠前指挥",
        "危险区域人员全部转移安置，逐户确认",
        "下穿通道、桥涵、积水点全部封闭管控",
        "停止户外作业和大型活动，学校视情停课",
        "抢险队伍全员在岗，随时响应",
    ),
}
