"""Choices of the government-service hall (政务服务): the item catalogue, halls and windows, the 办件 ledger.
Templates, filters and the API read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """The kinds of 政务服务事项 in the national catalogue (国家政务服务事项基本目录)."""

    LICENSING = "licensing", _("行政许可")
    PAYMENT = "payment", _("行政给付")
    CONFIRMATION = "confirmation", _("行政确认")
    AWARD = "award", _("行政奖励")
    RULING = "ruling", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class HandlingType(models.TextChoices):
    IMMEDIATE = "immediate", _("即办件")
    PROMISED = "promised", _("承诺件")


class OnlineDepth(models.TextChoices):
    """网上办理深度: how far an item can be done online (一至四级)."""

    LEVEL_1 = "1", _("一级：网上咨询、表格下载")
    LEVEL_2 = "2", _("二级：网上预审")
    LEVEL_3 = "3", _("三级：网上受理，到现场核验")
    LEVEL_4 = "4", _("四级：全程网办")


class HandlingMode(models.TextChoices):
    ONLINE = "online", _("网上办")
    MOBILE = "mobile", _("掌上办")
    POST = "post", _("邮寄办")
    APPOINTMENT = "appointment", _("预约办")
    ASSISTED = "assisted", _("帮代办")
    DOORSTEP = "doorstep", _("上门办")
    SELF_SERVICE = "self_service", _("自助办")
    CROSS_PROVINCE = "cross_province", _("跨省通办")
    NEARBY = "nearby", _("就近办")


class HallKind(models.TextChoices):
    DISTRICT = "district", _("区政务服务中心")
    STREET = "street", _("街道便民服务中心")
    COMMUNITY = "community", _("社区便民服务站")
    SELF_SERVICE = "self_service", _("24小时自助服务区")


class WindowKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合窗口（综窗）")
    DEDICATED = "dedicated", _("专项窗口")
    ASSISTANCE = "assistance", _("帮办代办窗口")
    SELF_SERVICE = "self_service", _("自助终端")


class Channel(models.TextChoices):
    """Where an application (办件) came in."""

    WINDOW = "window", _("窗口")
    ONLINE = "online", _("网上")
    MOBILE = "mobile", _("掌上")
    POST = "post", _("邮寄")
    SELF_SERVICE = "self_service", _("自助终端")
    DOORSTEP = "doorstep", _("上门")
    ASSISTED = "assisted", _("帮代办")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已收件")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    SUPPLEMENT = "supplement", _("待补正")
    HANDLED = "handled", _("已办理")
    FINISHED = "finished", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


# An application is finished (办结) in this status; done (no longer on any clock) in these.
FINISHED_STATUSES: frozenset[str] = frozenset({ApplicationStatus.FINISHED})
CLOSED_STATUSES: frozenset[str] = frozenset(
    {ApplicationStatus.FINISHED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class AssistanceKind(models.TextChoices):
    ASSIST = "assist", _("帮办（陪同办理）")
    PROXY = "proxy", _("代办（受托办理）")
    DOORSTEP = "doorstep", _("上门办")
