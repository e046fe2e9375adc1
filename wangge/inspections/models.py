"""巡查体检 (一表): versioned checklists per point type, the schedules that make rounds due, the rounds done at
the points on the phone, their item results and photos, and each round's history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.inspections.choices import AssigneeRule, Frequency, ItemKind, RoundStatus, Verdict


class ChecklistTemplate(TimeStampedModel):
    """One version of the checklist of a point type (定标). A new version is a new row: a round keeps the version
    it was done against; exactly one version of a type is current."""

    point_type = models.ForeignKey(
        "places.PointType", verbose_name=_("点位类型"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本号"))
    name = models.CharField(_("体检表名称"), max_length=100)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("体检表")
        verbose_name_plural = _("体检表")
        ordering = ["point_type__ordering", "point_type_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["point_type", "version"], name="inspections_one_version_number"),
            models.UniqueConstraint(
                fields=["point_type"], condition=models.Q(is_current=True), name="inspections_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    """One item of a checklist version: what is checked, how it is recorded, and what a failure does."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("体检表"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.SlugField(_("检查项键"), max_length=40)
    label = models.CharField(_("检查项"), max_length=100)
    kind = models.CharField(_("记录方式"), max_length=16, choices=ItemKind.choices)
    required = models.BooleanField(_("必填"), default=True)
    min_value = models.DecimalField(_("合格下限"), max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("合格上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    opens_case = models.BooleanField(_("不合格时立工单"), default=False)
    category_code = models.CharField(
        _("工单分类编码"), max_length=20, blank=True, help_text=_("不合格立工单时采用的分类（当前字典中的编码）")
    )
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template_id", "ordering", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="inspections_one_item_key")]

    def __str__(self) -> str:
        return self.label


class Schedule(ScopedModel, TimeStampedModel):
    """Which points are inspected how often, and by whom (定期、定人). Daily in the flood season (6/1–9/30 by
    default), weekly otherwise; optionally on working days only."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("计划名称"), max_length=100)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("适用辖区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该辖区及其下级的点位"),
    )
    point_types = models.ManyToManyField("places.PointType", verbose_name=_("点位类型"), blank=True, related_name="+")
    points = models.ManyToManyField(
        "places.Point", verbose_name=_("指定点位"), blank=True, related_name="+", help_text=_("选填：只巡查这些点位")
    )
    season_start_month = models.PositiveSmallIntegerField(_("汛期开始月"), default=6)
    season_start_day = models.PositiveSmallIntegerField(_("汛期开始日"), default=1)
    season_end_month = models.PositiveSmallIntegerField(_("汛期结束月"), default=9)
    season_end_day = models.PositiveSmallIntegerField(_("汛期结束日"), default=30)
    season_frequency = models.CharField(
        _("汛期频次"), max_length=16, choices=Frequency.choices, default=Frequency.DAILY
    )
    off_season_frequency = models.CharField(
        _("非汛期频次"), max_length=16, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    working_days_only = models.BooleanField(_("仅工作日"), default=False)
    assignee_rule = models.CharField(
        _("责任人规则"), max_length=24, choices=AssigneeRule.choices, default=AssigneeRule.RESPONSIBLE_USER
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), default=100, help_text=_("一个点位属于多个计划时，按数值小者生成")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("巡查计划")
        verbose_name_plural = _("巡查计划")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name


class Round(ScopedModel, TimeStampedModel):
    """One round (一次体检) of one point for one period: due, done (on time or late, near the point or not),
    missed or excused, and possibly spot-checked."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_unit_field: ClassVar[str | None] = "point__responsible_unit_id"
    scope_owner_field: ClassVar[str | None] = "assignee_id"  # the assignee always sees their own rounds

    point = models.ForeignKey("places.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        Schedule, verbose_name=_("巡查计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("体检表版本"), on_delete=models.PROTECT, related_name="rounds"
    )
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices)
    period_start = models.DateField(_("周期开始"), db_index=True)
    period_end = models.DateField(_("周期结束"))
    due_at = models.DateTimeField(_("应完成时间"), db_index=True)
    closes_at = models.DateTimeField(_("截止补录时间"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("巡查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by_name = models.CharField(_("巡查人名称"), max_length=150, blank=True)
    is_late = models.BooleanField(_("逾期提交"), default=False)
    lng = models.FloatField(_("提交位置经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("提交位置纬度(WGS-84)"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    distance_m = models.FloatField(_("距点位(米)"), null=True, blank=True)
    far_from_point = models.BooleanField(_("位置偏离"), default=False)
    no_position = models.BooleanField(_("未定位"), default=False)
    failed_items = models.PositiveSmallIntegerField(_("不合格项数"), default=0)
    cases_opened = models.PositiveSmallIntegerField(_("转立工单数"), default=0)
    note = models.TextField(_("巡查说明"), blank=True)
    checked_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verdict = models.CharField(_("抽查结论"), max_length=16, choices=Verdict.choices, blank=True)
    check_note = models.TextField(_("抽查说明"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("巡查任务")
        verbose_name_plural = _("巡查任务")
        ordering = ["-period_start", "point_id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "period_start"], name="inspections_one_round_per_period")
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="inspections_status_closes")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.period_start:%Y-%m-%d}"


class RoundResult(models.Model):
    """What was recorded for one item of a round, whether it passed, and the case its failure opened."""

    round = models.ForeignKey(Round, verbose_name=_("巡查任务"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    value_bool = models.BooleanField(_("是/否"), null=True, blank=True)
    value_number = models.DecimalField(_("数值"), max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(_("文字"), blank=True)
    passed = models.BooleanField(_("合格"), default=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("转立工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_results",
    )

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["round_id", "item__ordering", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="inspections_one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.item_id}"


def round_photo_path(instance: RoundPhoto, filename: str) -> str:
    return f"inspections/{instance.round_id}/{filename}"


class RoundPhoto(models.Model):
    round = models.ForeignKey(Round, verbose_name=_("巡查任务"), on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("照片"), upload_to=round_photo_path)
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
        verbose_name = _("巡查照片")
        verbose_name_plural = _("巡查照片")
        ordering = ["round_id", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.pk}"


class RoundEvent(models.Model):
    """The round's history: each step, by whom, when, with its note and data."""

    round = models.ForeignKey(Round, verbose_name=_("巡查任务"), on_delete=models.CASCADE, related_name="events")
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
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["round_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
