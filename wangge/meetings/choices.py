"""Choices of the dispatch meetings (每日 18:00 调度会, 周例会, 专题会) and of the tasks they assign (交办). Templates,
filters and the API read the labels from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    DAILY = "daily", _("每日调度会")
    WEEKLY = "weekly", _("周例会")
    SPECIAL = "special", _("专题会")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINAL = "final", _("已定稿")


class IssueSource(models.TextChoices):
    WORK_ORDER = "work_order", _("工单")
    SUPERVISION = "supervision", _("督导检查发现")
    REPORTED = "reported", _("单位汇报")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    SIGNED = "signed", _("已签收")
    REPORTED = "reported", _("已反馈办结")
    CLOSED = "closed", _("已核销")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤销")


# A task is open until the command centre closes (核销) or cancels (撤销) it; a returned task waits for the
# command centre to assign it again and stays open.
OPEN_TASK_STATUSES: frozenset[str] = frozenset(
    {TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.REPORTED, TaskStatus.RETURNED}
)
