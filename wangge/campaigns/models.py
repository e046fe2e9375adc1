"""专项整治: a campaign over a territory's points (桥涵, 河道, 背街小巷 …), its checklist, its findings at the
points, the cases and hazard findings tagged with it, and the remediation quantities (整治量) reported."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.choices import CampaignKind, CampaignStatus, ItemResult
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel


class QuantityItem(models.Model):
    """An editable remediation item with its unit of measure (清运垃圾/车, 清理小广告/处, 粉刷墙面/平方米 …)."""

    key = models.SlugField(_("整治项目键"), max_length=40, unique=True)
    name = models.CharField(_("整治项目"), max_length=50)
    unit = models.CharField(_("计量单位"), max_length=16)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("整治量项目")
        verbose_name_plural = _("整治量项目")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Campaign(ScopedModel, TimeStampedModel):
    """One campaign. Its points are computed (``selectors.campaign_points``): the explicit points, plus the
    points of the chosen types inside its territory node."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_unit_field: ClassVar[str | None] = "lead_unit_id"

    code = models.CharField(_("专项编号"), max_length=32, unique=True)
    name = models.CharField(_("专项名称"), max_length=120)
    kind = models.CharField(_("专项类别"), max_length=24, choices=CampaignKind.choices)
    description = models.TextField(_("工作方案"), blank=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("整治范围"), on_delete=models.PROTECT, related_name="campaigns"
    )
    point_types = models.ManyToManyField(
        "places.PointType", verbose_name=_("点位类型"), blank=True, related_name="campaigns"
    )
    points = models.ManyToManyField("places.Point", verbose_name=_("指定点位"), blank=True, related_name="campaigns")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    lead_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_campaigns",
    )
    member_units = models.ManyToManyField(
        "accounts.Unit", verbose_name=_("成员单位"), blank=True, related_name="member_campaigns"
    )
    target_inspected_pct = models.PositiveSmallIntegerField(_("排查覆盖率目标(%)"), default=100)
    status = models.CharField(
        _("状态"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    started_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.TextField(_("工作总结"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_period_order"),
            models.CheckConstraint(condition=Q(target_inspected_pct__lte=100), name="campaign_target_pct_max"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class QuantityTarget(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.CASCADE, related_name="targets")
    item = models.ForeignKey(QuantityItem, verbose_name=_("整治项目"), on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(_("目标量"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("整治量目标")
        verbose_name_plural = _("整治量目标")
        ordering = ["campaign_id", "item__ordering", "item_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "item"], name="campaign_target_once")]

    def __str__(self) -> str:
        return f"{self.item.name} {self.target}"


class ChecklistItem(models.Model):
    """One line of the campaign's own checklist: what is checked at each point, whether a failure opens a
    case, and the work-order category that case takes (a code of the current dictionary)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    ordering = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("检查内容"), max_length=200)
    opens_case = models.BooleanField(_("不合格时转立工单"), default=True)
    category_code = models.CharField(_("工单分类编码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["campaign_id", "ordering", "id"]

    def __str__(self) -> str:
        return self.text


class CampaignFinding(ScopedModel):
    """An inspection of one campaign point: the checklist results, what was seen, photos and position."""

    scope_path_field: ClassVar[str | None] = "scope_path"

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.PROTECT, related_name="findings")
    point = models.ForeignKey("places.Point", verbose_name=_("点位"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    found_at = models.DateTimeField(_("排查时间"), db_index=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_by_name = models.CharField(_("排查人名称"), max_length=150, blank=True)
    description = models.TextField(_("情况描述"), blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    has_problem = models.BooleanField(_("发现问题"), default=False, db_index=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("专项排查记录")
        verbose_name_plural = _("专项排查记录")
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"{self.point.name} {self.found_at:%Y-%m-%d}"


class FindingResult(models.Model):
    finding = models.ForeignKey(
        CampaignFinding, verbose_name=_("排查记录"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=8, choices=ItemResult.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("转立工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["finding_id", "item__ordering", "item_id"]
        constraints = [models.UniqueConstraint(fields=["finding", "item"], name="campaign_result_once")]

    def __str__(self) -> str:
        return f"{self.item.text}: {self.get_result_display()}"


def finding_photo_path(instance: FindingPhoto, filename: str) -> str:
    return f"campaigns/{instance.finding_id}/{filename}"


class FindingPhoto(models.Model):
    finding = models.ForeignKey(
        CampaignFinding, verbose_name=_("排查记录"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("照片"), upload_to=finding_photo_path)
    content_type = models.CharField(_("类型"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排查照片")
        verbose_name_plural = _("排查照片")
        ordering = ["finding_id", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.pk}"


class CampaignCase(models.Model):
    """A work order tagged with a campaign: opened from one of its findings, or an existing case tagged."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.CASCADE, related_name="case_tags")
    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="campaign_tags"
    )
    finding = models.ForeignKey(
        CampaignFinding,
        verbose_name=_("来源排查记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_tags",
    )
    tagged_at = models.DateTimeField(_("标记时间"))
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("专项工单")
        verbose_name_plural = _("专项工单")
        ordering = ["campaign_id", "tagged_at", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "work_order"], name="campaign_case_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} ↔ {self.work_order_id}"


class CampaignHazard(models.Model):
    """A hazard finding (治安隐患) tagged with a campaign."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.CASCADE, related_name="hazard_tags")
    hazard = models.ForeignKey(
        "hazards.HazardFinding", verbose_name=_("隐患"), on_delete=models.CASCADE, related_name="campaign_tags"
    )
    tagged_at = models.DateTimeField(_("标记时间"))
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("标记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("专项隐患")
        verbose_name_plural = _("专项隐患")
        ordering = ["campaign_id", "tagged_at", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "hazard"], name="campaign_hazard_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} ↔ {self.hazard_id}"


class RemediationQuantity(ScopedModel):
    """A reported remediation quantity (整治量) of a campaign, on exactly one of: a tagged case, a campaign
    finding, a tagged hazard finding. Where it lies and who answers for it are fixed when it is recorded."""

    scope_path_field: ClassVar[str | None] = "scope_path"
    scope_unit_field: ClassVar[str | None] = "responsible_unit_id"

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.PROTECT, related_name="quantities")
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remediation_quantities",
    )
    finding = models.ForeignKey(
        CampaignFinding,
        verbose_name=_("排查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quantities",
    )
    hazard = models.ForeignKey(
        "hazards.HazardFinding",
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remediation_quantities",
    )
    item = models.ForeignKey(QuantityItem, verbose_name=_("整治项目"), on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(_("计量单位"), max_length=16)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    responsible_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("责任主体"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("填报时间"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("填报人名称"), max_length=150, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("整治量")
        verbose_name_plural = _("整治量")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal("0")), name="campaign_quantity_positive"),
            models.CheckConstraint(
                condition=(
                    Q(work_order__isnull=False, finding__isnull=True, hazard__isnull=True)
                    | Q(work_order__isnull=True, finding__isnull=False, hazard__isnull=True)
                    | Q(work_order__isnull=True, finding__isnull=True, hazard__isnull=False)
                ),
                name="campaign_quantity_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} {self.quantity}{self.unit}"


class CampaignEvent(models.Model):
    """The campaign's history: creation, edits and each step, by whom, when, with its note."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, choices=CampaignStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True, choices=CampaignStatus.choices)
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
        verbose_name = _("专项记录")
        verbose_name_plural = _("专项记录")
        ordering = ["campaign_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
