"""Choices of 好差评 and the monthly callbacks. The five levels and which of them are 差评 are the closed loop's
(``wangge.workorders.choices.Rating`` and ``BAD_RATINGS``): one scale for a case's callback and a 办件's rating."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.workorders.choices import BAD_RATINGS, Rating

__all__ = [
    "BAD_LEVELS",
    "OPEN_RECTIFICATION",
    "AppealStatus",
    "CallbackReason",
    "CallbackStatus",
    "EvaluationChannel",
    "Rating",
    "Reason",
    "RectificationSource",
    "RectificationStatus",
]

BAD_LEVELS: frozenset[int] = frozenset(int(r) for r in BAD_RATINGS)


class EvaluationChannel(models.TextChoices):
    QR = "qr", _("窗口二维码")
    ONLINE = "online", _("办件评价链接")


class Reason(models.TextChoices):
    """The reasons a rater may tick (the offline second-level indicators of the national 好差评 system, and the
    usual 差评 classes)."""

    EFFICIENCY = "efficiency", _("服务效率")
    SKILL = "skill", _("服务水平")
    ATTITUDE = "attitude", _("服务态度")
    GUIDANCE = "guidance", _("办事指南不清楚")
    REPEATED_VISITS = "repeated_visits", _("多次跑腿")
    WAITING = "waiting", _("等候时间长")
    ENVIRONMENT = "environment", _("大厅环境")
    OTHER = "other", _("其他")


class RectificationSource(models.TextChoices):
    BAD_RATING = "bad_rating", _("差评")
    CALLBACK = "callback", _("回访发现问题")


class RectificationStatus(models.TextChoices):
    VERIFYING = "verifying", _("待核实")
    RECTIFYING = "rectifying", _("整改中")
    FEEDBACK = "feedback", _("待反馈")
    CALLBACK = "callback", _("待回访")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("申诉成立，已撤销")


OPEN_RECTIFICATION: frozenset[str] = frozenset(
    {
        RectificationStatus.VERIFYING,
        RectificationStatus.RECTIFYING,
        RectificationStatus.FEEDBACK,
        RectificationStatus.CALLBACK,
    }
)


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    UPHELD = "upheld", _("申诉成立")
    REFUSED = "refused", _("申诉不成立")


class CallbackReason(models.TextChoices):
    """Why a 办件 is in a month's callback list (the first that applies)."""

    BAD_RATING = "bad_rating", _("差评")
    REAL_NAME_COMPLAINT = "complaint", _("实名投诉")
    SAMPLED = "sampled", _("随机抽取")


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")
    UNREACHABLE = "unreachable", _("无法联系")
