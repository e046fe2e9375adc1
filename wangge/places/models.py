"""Responsibility points (点位): every road, shop and hazard spot with a named responsible person."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel


class PointType(models.Model):
    """Extensible point types. Built-in keys: river, underpass, underground_mall, underground_parking,
    geological_hazard, waterlogging, bridge, school, shop, road."""

    key = models.SlugField(_("类型键"), max_length=40, unique=True)
    name = models.CharField(_("类型名称"), max_length=50)
    is_hazard = models.BooleanField(_("防汛隐患点"), default=False)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("点位类型")
        verbose_name_plural = _("点位类型")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class Point(ScopedModel, TimeStampedModel):
    """A registry point. Scope: its territory node; a unit role also sees the points its unit answers for."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_unit_field: ClassVar[str | None] = "responsible_unit_id"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("responsible_phone",)

    code = models.CharField(_("点位编码"), max_length=40, unique=True)
    name = models.CharField(_("点位名称"), max_length=120)
    type = models.ForeignKey(PointType, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="points")
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所在辖区节点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
        help_text=_("由坐标自动定位的最深辖区节点（网格或楼栋）"),
    )
    grid = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所在网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_points",
    )
    responsible_name = models.CharField(_("责任人"), max_length=50)
    responsible_phone = ProtectedCharField(_("责任人电话"), blank=True, default="")
    responsible_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_points",
    )
    responsible_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="points",
    )
    notes = models.TextField(_("备注"), blank=True)
    attributes = models.JSONField(_("扩展属性"), default=dict, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("责任点位")
        verbose_name_plural = _("责任点位")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
