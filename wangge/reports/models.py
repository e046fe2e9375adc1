"""Supervision and assessment: the daily bulletin (日通报), grid workers' patrols and daily log (一日志) and
the monthly assessment (一考评)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.scoping import ScopedModel
from wangge.reports.choices import AssessmentGrade, AssessmentStatus, BulletinPeriod, ScopeKind


class Bulletin(ScopedModel):
    """One day's (or one week's) bulletin for one scope. Regenerating it updates this row; ``version`` counts real
    changes. A weekly bulletin (周通报) is dated by the Monday of its ISO week."""

    scope_path_field: ClassVar[str | None] = "scope_path"
    scope_unit_field: ClassVar[str | None] = "unit_id"

    period = models.CharField(_("通报周期"), max_length=8, choices=BulletinPeriod.choices, default=BulletinPeriod.DAY)
    date = models.DateField(_("通报日期"), db_index=True)
    scope_kind = models.CharField(_("范围类型"), max_length=16, choices=ScopeKind.choices)
    scope_code = models.CharField(_("范围编码"), max_length=64)
    scope_name = models.CharField(_("范围名称"), max_length=100)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("通报内容"), default=dict)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-date", "period", "scope_kind", "scope_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "date", "scope_kind", "scope_code"], name="bulletin_per_scope_and_period"
            )
        ]

    def __str__(self) -> str:
        if self.period == BulletinPeriod.WEEK:
            year, week, _day = self.date.isocalendar()
            return f"{self.scope_name} {year}年第{week}周 周通报"
        return f"{self.scope_name} {self.date:%Y-%m-%d} 日通报"


class PatrolCheckin(ScopedModel):
    """A grid worker's patrol check-in: where (WGS-84, located in a grid), when, with a note and a photo."""

    scope_path_field: ClassVar[str | None] = "scope_path"

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="patrol_checkins"
    )
    at = models.DateTimeField(_("签到时间"), db_index=True)
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    source_crs = models.CharField(_("上报坐标系"), max_length=8, default="wgs84")
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_own_grid = models.BooleanField(_("在责任网格内"), default=False)
    note = models.CharField(_("巡查情况"), max_length=500, blank=True)
    photo = models.FileField(_("现场照片"), upload_to="patrol/%Y/%m/", blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡查签到")
        verbose_name_plural = _("巡查签到")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["worker", "at"])]

    def __str__(self) -> str:
        return f"{self.worker} {self.at:%Y-%m-%d %H:%M}"


class DailyLog(ScopedModel):
    """网格员工作日志: one per worker and day; the patrol count follows the day's check-ins."""

    scope_path_field: ClassVar[str | None] = "scope_path"

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="daily_logs"
    )
    date = models.DateField(_("日期"), db_index=True)
    summary = models.TextField(_("工作记录"), blank=True)
    patrol_count = models.PositiveIntegerField(_("巡查签到次数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格员工作日志")
        verbose_name_plural = _("网格员工作日志")
        ordering = ["-date", "worker_id"]
        constraints = [models.UniqueConstraint(fields=["worker", "date"], name="daily_log_per_worker_and_day")]

    def __str__(self) -> str:
        return f"{self.worker} {self.date:%Y-%m-%d}"

    @property
    def is_complete(self) -> bool:
        return bool(self.summary.strip())


class Assessment(ScopedModel):
    """A grid worker's monthly 100-point assessment: automatic items from the records plus manual items."""

    scope_path_field: ClassVar[str | None] = "scope_path"

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="assessments"
    )
    period = models.DateField(_("考评月份"), help_text=_("该月第一天"), db_index=True)
    grid = models.ForeignKey("territory.Territory", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "territory.Territory", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "territory.Territory", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, db_index=True
    )
    auto_items = models.JSONField(_("自动考评项"), default=dict)
    manual_items = models.JSONField(_("人工考评项"), default=dict)
    auto_score = models.DecimalField(_("自动得分"), max_digits=5, decimal_places=2, default=0)
    manual_score = models.DecimalField(_("人工得分"), max_digits=5, decimal_places=2, default=0)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, default=0)
    grade = models.CharField(_("等次"), max_length=16, choices=AssessmentGrade.choices, blank=True)
    promoted = models.BooleanField(_("阶梯晋级"), default=False)
    street_rank = models.PositiveIntegerField(_("街道排名"), null=True, blank=True)
    note = models.TextField(_("评语"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格员月度考评")
        verbose_name_plural = _("网格员月度考评")
        ordering = ["-period", "street_id", "-total", "worker_id"]
        constraints = [models.UniqueConstraint(fields=["worker", "period"], name="assessment_per_worker_and_month")]

    def __str__(self) -> str:
        return f"{self.worker} {self.period:%Y年%m月} 考评"
