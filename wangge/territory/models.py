"""The territory tree 区 → 街道/乡镇 → 社区/村 → 网格 → 楼栋, with WGS-84 GeoJSON geometry."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from wangge.core.scoping import ScopedQuerySet
from wangge.territory.choices import TerritoryKind


class TerritoryQuerySet(MP_NodeQuerySet, ScopedQuerySet["Territory"]):
    def subtree_of(self, node: Territory) -> TerritoryQuerySet:
        return self.filter(path__startswith=node.path)


class TerritoryManager(MP_NodeManager):
    def get_queryset(self) -> TerritoryQuerySet:
        return TerritoryQuerySet(self.model).order_by("path")

    def restrict(self, user: object, action: str = "view") -> TerritoryQuerySet:
        return self.get_queryset().restrict(user, action)


class Territory(MP_Node):
    """A node of the territory tree. ``geometry`` is a GeoJSON (Multi)Polygon in WGS-84."""

    steplen = 4
    node_order_by: ClassVar[list[str]] = ["code"]
    scope_path_field: ClassVar[str] = "path"
    scope_unit_field: ClassVar[str | None] = None

    code: models.CharField[str, str] = models.CharField(_("编码"), max_length=32, unique=True)
    name: models.CharField[str, str] = models.CharField(_("名称"), max_length=100)
    kind: models.CharField[str, str] = models.CharField(
        _("层级"), max_length=16, choices=TerritoryKind.choices, db_index=True
    )
    geometry = models.JSONField(_("边界(GeoJSON, WGS-84)"), null=True, blank=True)
    centroid_lng: models.FloatField[float | None, float | None] = models.FloatField(
        _("中心经度"), null=True, blank=True
    )
    centroid_lat: models.FloatField[float | None, float | None] = models.FloatField(
        _("中心纬度"), null=True, blank=True
    )
    area_m2: models.FloatField[float | None, float | None] = models.FloatField(_("面积(平方米)"), null=True, blank=True)
    is_synthetic: models.BooleanField[bool, bool] = models.BooleanField(
        _("演示合成"), default=False, help_text=_("演示数据中为示意而生成的区划，非真实行政区划")
    )
    attributes = models.JSONField(_("扩展属性"), default=dict, blank=True)
    # Part of the locator's cache stamp: any geometry edit moves it, so every process rebuilds.
    updated_at: models.DateTimeField[Any, Any] = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = TerritoryManager()

    class Meta:
        verbose_name = _("辖区节点")
        verbose_name_plural = _("辖区节点")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_grid(self) -> bool:
        return self.kind == TerritoryKind.GRID
