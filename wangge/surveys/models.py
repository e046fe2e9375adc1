"""一表 (网格排查登记表): versioned form templates, and the forms grid workers fill in on patrol."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.surveys.choices import FormTarget


class FormTemplate(TimeStampedModel):
    """A form; its fields live in versions, so a filled form always reads against the version it was filled on."""

    key = models.SlugField(_("表单键"), max_length=40, unique=True)
    name = models.CharField(_("表单名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    target = models.CharField(_("关联对象"), max_length=16, choices=FormTarget.choices, default=FormTarget.NONE)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("表单模板")
        verbose_name_plural = _("表单模板")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """The fields of one version: a list of ``{name, label, kind, required, choices, when, maps_to, help}``."""

    template = models.ForeignKey(
        FormTemplate, verbose_name=_("表单"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    fields = models.JSONField(_("字段"), default=list)
    actions = models.JSONField(_("提交后动作"), default=dict, blank=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表单版本")
        verbose_name_plural = _("表单版本")
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="surveys_one_number_per_template")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class FormSubmission(ScopedModel):
    """One filled form, in a grid, about a household/building/merchant/resident where its template says so."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_owner_field: ClassVar[str | None] = "submitted_by_id"

    version = models.ForeignKey(
        FormVersion, verbose_name=_("表单版本"), on_delete=models.PROTECT, related_name="submissions"
    )
    template = models.ForeignKey(
        FormTemplate, verbose_name=_("表单"), on_delete=models.PROTECT, related_name="submissions"
    )
    grid = models.ForeignKey("territory.Territory", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "ledgers.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    building = models.ForeignKey(
        "ledgers.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    merchant = models.ForeignKey(
        "ledgers.Merchant",
        verbose_name=_("商户/单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    resident = models.ForeignKey(
        "ledgers.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    answers = models.JSONField(_("填报内容"), default=dict)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by_name = models.CharField(_("填报人名称"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("填报时间"), db_index=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("转立工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} @ {self.submitted_at:%Y-%m-%d}"


def submission_photo_path(instance: SubmissionPhoto, filename: str) -> str:
    return f"surveys/{instance.submission_id}/{filename}"


class SubmissionPhoto(models.Model):
    submission = models.ForeignKey(
        FormSubmission, verbose_name=_("填报记录"), on_delete=models.CASCADE, related_name="photos"
    )
    field = models.CharField(_("字段"), max_length=40)
    file = models.FileField(_("照片"), upload_to=submission_photo_path)
    content_type = models.CharField(_("类型"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("填报照片")
        verbose_name_plural = _("填报照片")

    def __str__(self) -> str:
        return f"{self.submission_id} {self.field}"
