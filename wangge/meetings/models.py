"""The dispatch meetings (每日 18:00 调度会 and the others): the record of each meeting — when, who chaired and
attended, the issues discussed with their decisions, the minutes — and the tasks (交办) an issue is split into,
each with its unit, requirement and deadline, its own history and the photos of its progress."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.meetings.choices import IssueSource, MeetingKind, MeetingStatus, TaskStatus


class Meeting(ScopedModel, TimeStampedModel):
    """One meeting held by a district or a street (the node it belongs to)."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.DAILY)
    title = models.CharField(_("会议名称"), max_length=200)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("召开辖区"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("会议日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), default=dt.time(18, 0))
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主持人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chair_name = models.CharField(_("主持人姓名"), max_length=100, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), blank=True, related_name="meetings_attended"
    )
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("参会单位"), blank=True, related_name="meetings")
    other_attendees = models.TextField(_("其他参会人员"), blank=True)
    decisions = models.TextField(_("会议决定"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT, db_index=True
    )
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")
        ordering = ["-held_on", "-starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class Issue(models.Model):
    """An issue discussed at a meeting: from a work order or typed in, where it is, what was decided."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("问题描述"), blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=IssueSource.choices, default=IssueSource.OTHER)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_issues",
    )
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("涉及辖区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location = models.CharField(_("地点"), max_length=200, blank=True)
    decision = models.TextField(_("会议决定"), blank=True)

    class Meta:
        verbose_name = _("会议议题")
        verbose_name_plural = _("会议议题")
        ordering = ["meeting_id", "number", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Task(ScopedModel, TimeStampedModel):
    """One task (交办事项) of an issue, for one unit, with its requirement and deadline.

    ``scope_path`` is the deeper of the meeting's node and the unit's node (a street office's task of the
    district meeting sits on the street, so the street's staff see it); the unit's handlers see it by the unit.
    """

    scope_path_field: ClassVar[str | None] = "scope_path"
    scope_unit_field: ClassVar[str | None] = "unit_id"

    code = models.CharField(_("交办编号"), max_length=32, unique=True)
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="tasks")
    issue = models.ForeignKey(Issue, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="meeting_tasks"
    )
    requirement = models.TextField(_("交办要求"))
    deadline = models.DateField(_("办结时限"), db_index=True)
    deadline_days = models.PositiveSmallIntegerField(_("时限（工作日）"), null=True, blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED, db_index=True
    )
    assigned_at = models.DateTimeField(_("交办时间"), db_index=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("反馈办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("核销时间"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("交办事项")
        verbose_name_plural = _("交办事项")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="meetings_task_status_deadline")]

    def __str__(self) -> str:
        return f"{self.code} {self.unit_id}"


class TaskEvent(models.Model):
    """A task's history: each step, by whom, when, with its note and data."""

    task = models.ForeignKey(Task, verbose_name=_("交办事项"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("交办处置记录")
        verbose_name_plural = _("交办处置记录")
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def task_photo_path(instance: TaskPhoto, filename: str) -> str:
    return f"meetings/{instance.task_id}/{filename}"


class TaskPhoto(models.Model):
    """A photo of a task's progress or completion (passed through the one upload sanitiser)."""

    task = models.ForeignKey(Task, verbose_name=_("交办事项"), on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        TaskEvent, verbose_name=_("处置记录"), null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=task_photo_path)
    content_type = models.CharField(_("类型"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("交办照片")
        verbose_name_plural = _("交办照片")
        ordering = ["task_id", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.pk}"


class MeetingEvent(models.Model):
    """A meeting's history: created, issues added, tasks split, finalised, reopened."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["meeting_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.action}"
