"""项目台账: projects (roads, 民生实事, key projects) with their place, investment, schedule and milestones; the
weekly progress entries (周进度) with photos; the problems raised from a project as work orders; the history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.projects.choices import ProjectStatus, ProjectType


class Project(ScopedModel, TimeStampedModel):
    """One project. Money in 万元; ``geometry`` is a GeoJSON (Multi)LineString or (Multi)Polygon in WGS-84 as the
    territory outlines are; ``components`` a list of ``{"name", "quantity", "unit"}``."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_unit_field: ClassVar[str | None] = "lead_unit_id"

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    type = models.CharField(_("项目类型"), max_length=16, choices=ProjectType.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="projects"
    )
    location = models.CharField(_("建设地点"), max_length=200, blank=True)
    geometry = models.JSONField(_("线位/范围(GeoJSON, WGS-84)"), null=True, blank=True)
    length_m = models.DecimalField(_("长度(米)"), max_digits=10, decimal_places=1, null=True, blank=True)
    components = models.JSONField(_("建设内容"), default=list, blank=True)
    description = models.TextField(_("项目概况"), blank=True)
    total_investment = models.DecimalField(_("总投资(万元)"), max_digits=14, decimal_places=2)
    invested = models.DecimalField(_("累计完成投资(万元)"), default=0, max_digits=14, decimal_places=2)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_end = models.DateField(_("实际完工"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("形象进度(%)"), default=0)
    lead_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    co_units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("配合单位"), blank=True, related_name="co_projects"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING, db_index=True
    )
    suspended_from = models.CharField(_("暂停前状态"), max_length=16, blank=True)
    suspend_reason = models.TextField(_("暂停原因"), blank=True)
    accepted_at = models.DateField(_("验收日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100)
    planned_date = models.DateField(_("计划日期"))
    done_date = models.DateField(_("完成日期"), null=True, blank=True)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project_id", "ordering", "planned_date", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.planned_date:%Y-%m-%d}"


class WeeklyEntry(ScopedModel):
    """One project's progress in one ISO week (周进度): one row per project and week, updated in place."""

    scope_path_field: ClassVar[str | None] = "project__territory__path"
    scope_unit_field: ClassVar[str | None] = "project__lead_unit_id"

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="entries")
    week_start = models.DateField(_("周一日期"), db_index=True)
    iso_year = models.PositiveSmallIntegerField(_("年"))
    iso_week = models.PositiveSmallIntegerField(_("周次"))
    progress = models.PositiveSmallIntegerField(_("形象进度(%)"))
    invested = models.DecimalField(_("累计完成投资(万元)"), max_digits=14, decimal_places=2)
    work_done = models.TextField(_("本周完成工作"))
    next_plan = models.TextField(_("下周计划"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    decrease_reason = models.TextField(_("进度回调说明"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_by_name = models.CharField(_("填报人名称"), max_length=150, blank=True)
    reported_at = models.DateTimeField(_("填报时间"))
    updated_at = models.DateTimeField(_("最后修改"))
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("周进度")
        verbose_name_plural = _("周进度")
        ordering = ["project_id", "-week_start"]
        constraints = [models.UniqueConstraint(fields=["project", "week_start"], name="projects_one_entry_per_week")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.iso_year}-W{self.iso_week:02d}"

    @property
    def week_label(self) -> str:
        return f"{self.iso_year}年第{self.iso_week}周"


def entry_photo_path(instance: EntryPhoto, filename: str) -> str:
    return f"projects/{instance.entry.project_id}/{instance.entry_id}/{filename}"


class EntryPhoto(models.Model):
    entry = models.ForeignKey(WeeklyEntry, verbose_name=_("周进度"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=entry_photo_path)
    content_type = models.CharField(_("类型"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("进度照片")
        verbose_name_plural = _("进度照片")
        ordering = ["entry_id", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.pk}"


class ProjectProblem(models.Model):
    """A problem found on a project, raised as a work order through the one intake."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="problems")
    work_order = models.OneToOneField(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="project_problem"
    )
    entry = models.ForeignKey(
        WeeklyEntry,
        verbose_name=_("周进度"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised",
    )
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")
        ordering = ["project_id", "-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.work_order_id}"


class ProjectEvent(models.Model):
    """The project's history: each step, by whom, when, with its note."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, choices=ProjectStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True, choices=ProjectStatus.choices)
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
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
        ordering = ["project_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
