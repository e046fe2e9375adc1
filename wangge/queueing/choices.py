"""Choices of 预约与叫号: appointments, tickets and their events, and the tidal windows' switches.
Templates, filters and the API read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    ARRIVED = "arrived", _("已取号")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    SKIPPED = "skipped", _("过号")


# A ticket in one of these statuses is still in the hall's queue or at a window.
OPEN_TICKET_STATUSES: frozenset[str] = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING})


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("取号机")
    PHONE = "phone", _("扫码取号")
    BOOKING = "booking", _("预约取号")
    WINDOW = "window", _("窗口代取")


class TicketAction(models.TextChoices):
    ISSUE = "issue", _("取号")
    CALL = "call", _("叫号")
    RECALL = "recall", _("重呼")
    SKIP = "skip", _("过号")
    TRANSFER = "transfer", _("转移")
    START = "start", _("开始办理")
    FINISH = "finish", _("办结")


class SwitchDirection(models.TextChoices):
    OPEN = "open", _("开启潮汐窗口")
    CLOSE = "close", _("恢复原窗口")
