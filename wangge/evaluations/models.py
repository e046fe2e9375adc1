"""好差评 of the service halls: a rating per 办件 (一次一评), the rectification a 差评 opens (核实 → 整改 → 反馈 →
回访), the appeal (申诉复核) against a rating shown false or malicious, and the monthly phone callbacks (a
recorded, reproducible draw and its tasks).

Every row that a user sees is attributed to the 办件's hall, window, staff, item and department, copied when
the row is written so the figures never depend on a later change of the 办件; rows are scoped through the
hall's territory and the item's department like the 办件 themselves.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.evaluations.choices import (
    AppealStatus,
    CallbackReason,
    CallbackStatus,
    EvaluationChannel,
    Rating,
    RectificationSource,
    RectificationStatus,
)


class Attributed(models.Model):
    """Who and what a row counts against: the 办件's hall, window, staff, item and department."""

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        "hall.Window", verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item = models.ForeignKey("hall.Item", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "accounts.Unit", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Evaluation(ScopedModel, Attributed, TimeStampedModel):
    """One rating of one 办件 (一次一评: the one-to-one link is the database's guarantee)."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"
    scope_unit_field: ClassVar[str | None] = "department_id"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("rater_phone",)

    code = models.CharField(_("评价编号"), max_length=32, unique=True)
    application = models.OneToOneField(
        "hall.Application", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="evaluation"
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Rating.choices)
    is_bad = models.BooleanField(_("差评"), default=False, db_index=True)
    reasons = models.JSONField(_("评价原因"), default=list, blank=True)
    comment = models.TextField(_("意见建议"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=16, choices=EvaluationChannel.choices)
    is_complaint = models.BooleanField(_("投诉"), default=False)
    rater_name = models.CharField(_("评价人"), max_length=50, blank=True)
    rater_phone = ProtectedCharField(_("评价人电话"), blank=True, default="")
    rater_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    is_real_name = models.BooleanField(_("实名评价"), default=False)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)
    excluded = models.BooleanField(_("申诉成立，不计入统计"), default=False, db_index=True)
    excluded_at = models.DateTimeField(_("剔除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-id"]
        indexes = [models.Index(fields=["hall", "rated_at"], name="eval_hall_rated")]

    def __str__(self) -> str:
        return self.code


class Rectification(ScopedModel, Attributed, TimeStampedModel):
    """差评整改 (or a problem a callback found): 核实 → 整改 → 反馈 → 回访, due within the configured working days
    from its opening. ``evaluations.services.rectification_transition`` is the only code that changes
    ``status``; ``on_time`` is frozen when it closes."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"
    scope_unit_field: ClassVar[str | None] = "department_id"

    code = models.CharField(_("整改编号"), max_length=32, unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=RectificationSource.choices)
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("差评"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    callback_task = models.ForeignKey(
        "evaluations.CallbackTask",
        verbose_name=_("回访任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    application = models.ForeignKey(
        "hall.Application", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.TextField(_("问题描述"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationStatus.choices,
        default=RectificationStatus.VERIFYING,
        db_index=True,
    )
    needs_callback = models.BooleanField(_("须回访"), default=False)
    opened_at = models.DateTimeField(_("开始时间"), db_index=True)
    due_at = models.DateTimeField(_("整改期限"), db_index=True)
    due_provisional = models.BooleanField(_("期限为暂定（工作日历未覆盖）"), default=False)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    finding = models.TextField(_("核实情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈内容"), blank=True)
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("重新整改次数"), default=0)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期整改"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="eval_rect_status_due")]

    def __str__(self) -> str:
        return self.code


class RectificationEvent(models.Model):
    """One step of a rectification, written by the transition service in the same transaction."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("步骤"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["rectification_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class Appeal(ScopedModel, TimeStampedModel):
    """申诉复核: the window or department shows a 差评 false or malicious; a hall manager or leader decides. An
    upheld appeal excludes the rating from every figure and withdraws its open rectification."""

    scope_path_field: ClassVar[str | None] = "evaluation__hall__territory__path"
    scope_unit_field: ClassVar[str | None] = "evaluation__department_id"

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("评价"), on_delete=models.PROTECT, related_name="appeal"
    )
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING, db_index=True
    )
    filed_at = models.DateTimeField(_("申诉时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("申诉人")
    )
    filed_by_name = models.CharField(_("申诉人"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("复核人"),
    )
    review_note = models.TextField(_("复核意见"), blank=True)

    class Meta:
        verbose_name = _("申诉复核")
        verbose_name_plural = _("申诉复核")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.status}"


class CallbackDraw(TimeStampedModel):
    """One month's callback sample, as drawn: its parameters, counts and the hash of the drawn 办件 ids, so it
    can be drawn again from the recorded seed and compared. One draw per month."""

    month = models.DateField(_("月份"), unique=True, help_text=_("该月第一天"))
    share = models.DecimalField(_("抽取比例"), max_digits=5, decimal_places=4)
    seed = models.BigIntegerField(_("随机种子"))
    rounding = models.CharField(_("取整规则"), max_length=200)
    finished = models.PositiveIntegerField(_("上月办结数"))
    sampled = models.PositiveIntegerField(_("随机抽取数"))
    bad_ratings_included = models.PositiveIntegerField(_("差评数"))
    complaints_included = models.PositiveIntegerField(_("实名投诉数"))
    total = models.PositiveIntegerField(_("回访任务数"))
    ids = models.JSONField(_("办件ID（升序）"), default=list)
    ids_sha256 = models.CharField(_("ID 摘要（SHA-256）"), max_length=64)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_by_name = models.CharField(_("抽取人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("回访抽样")
        verbose_name_plural = _("回访抽样")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CallbackTask(ScopedModel, Attributed, TimeStampedModel):
    """One 办件 to call back: the applicant is phoned (the number shown masked, revealed through the audited
    path) and the outcome recorded; problems found open a rectification."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"
    scope_unit_field: ClassVar[str | None] = "department_id"

    draw = models.ForeignKey(CallbackDraw, verbose_name=_("抽样"), on_delete=models.CASCADE, related_name="tasks")
    application = models.ForeignKey(
        "hall.Application", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评价"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("回访原因"), max_length=16, choices=CallbackReason.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=CallbackStatus.choices, default=CallbackStatus.PENDING, db_index=True
    )
    reached = models.BooleanField(_("已接通"), null=True, blank=True)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    problems = models.TextField(_("发现的问题"), blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        ordering = ["draw_id", "application_id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "application"], name="eval_callback_task_once"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}:{self.application_id}"
