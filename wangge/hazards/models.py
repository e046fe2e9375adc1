"""治安隐患排查整治台账: hazard findings at a point, building or address, with their rectification."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.hazards.choices import HazardStatus, PhotoStage


class HazardType(models.Model):
    """An editable hazard type (涉赌, 涉黄, 涉毒, 两抢一盗多发地段, 消防, 安全生产, 其他 …)."""

    key = models.SlugField(_("类型键"), max_length=40, unique=True)
    name = models.CharField(_("类型名称"), max_length=50)
    category_code = models.CharField(
        _("对应工单分类编码"), max_length=20, blank=True, help_text=_("由隐患转立工单时采用的分类（当前字典中的编码）")
    )
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("隐患类型")
        verbose_name_plural = _("隐患类型")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class HazardFinding(ScopedModel, TimeStampedModel):
    """One finding: where, what, who found it, who must rectify it by when (working days), and its photos."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_unit_field: ClassVar[str | None] = "owner_unit_id"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("owner_phone",)

    code = models.CharField(_("隐患编号"), max_length=32, unique=True)
    type = models.ForeignKey(HazardType, verbose_name=_("隐患类型"), on_delete=models.PROTECT, related_name="findings")
    title = models.CharField(_("隐患描述"), max_length=200)
    description = models.TextField(_("详细情况"), blank=True)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="hazard_findings"
    )
    point = models.ForeignKey(
        "places.Point", verbose_name=_("点位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    building = models.ForeignKey(
        "ledgers.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merchant = models.ForeignKey(
        "ledgers.Merchant",
        verbose_name=_("商户/单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发现人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_by_name = models.CharField(_("发现人名称"), max_length=150, blank=True)
    found_at = models.DateTimeField(_("发现时间"), db_index=True)
    owner_name = models.CharField(_("整改责任人"), max_length=50)
    owner_phone = ProtectedCharField(_("责任人电话"), blank=True, default="")
    owner_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    owner_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("整改责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline_days = models.PositiveSmallIntegerField(_("整改时限(工作日)"), default=5)
    due_at = models.DateTimeField(_("整改期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN, db_index=True
    )
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("转立工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazard_findings",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("治安隐患")
        verbose_name_plural = _("治安隐患")
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def hazard_photo_path(instance: HazardPhoto, filename: str) -> str:
    return f"hazards/{instance.finding_id}/{filename}"


class HazardPhoto(models.Model):
    finding = models.ForeignKey(HazardFinding, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    file = models.FileField(_("照片"), upload_to=hazard_photo_path)
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
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["finding_id", "stage", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.stage} {self.pk}"


class HazardEvent(models.Model):
    """The finding's history: each step, by whom, when, with its note."""

    finding = models.ForeignKey(HazardFinding, verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="events")
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
        verbose_name = _("隐患处置记录")
        verbose_name_plural = _("隐患处置记录")
        ordering = ["finding_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
