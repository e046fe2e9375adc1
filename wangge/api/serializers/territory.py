"""Serializers of the territory tree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangge.api.serializers.common import (
    CRS_FIELD_HELP,
    PagedListSerializer,
    PreparedMixin,
)
from wangge.core.geo import CRS_CHOICES
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

# --- territory -----------------------------------------------------------------------------------


class TerritorySerializer(PreparedMixin, serializers.ModelSerializer[Territory]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.SerializerMethodField(help_text=_("上级节点 id"))  # type: ignore[assignment]
    parent_code = serializers.SerializerMethodField()
    has_children = serializers.SerializerMethodField()

    class Meta:
        model = Territory
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "depth",
            "parent",
            "parent_code",
            "has_children",
            "centroid_lng",
            "centroid_lat",
            "area_m2",
            "is_synthetic",
        ]
        list_serializer_class = PagedListSerializer

    def collect(self, items: list[Any]) -> dict[str, Any]:
        step = Territory.steplen
        paths = {t.path[:-step] for t in items if t.depth > 1}
        rows = Territory.objects.filter(path__in=paths).values_list("path", "id", "code") if paths else []
        return {"parents": {path: (pk, code) for path, pk, code in rows}}

    def _parent(self, obj: Territory) -> tuple[int, str] | None:
        parents: dict[str, tuple[int, str]] = self.page_for(obj)["parents"]
        return parents.get(obj.path[: -Territory.steplen])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent(self, obj: Territory) -> int | None:
        parent = self._parent(obj)
        return parent[0] if parent else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent_code(self, obj: Territory) -> str | None:
        parent = self._parent(obj)
        return parent[1] if parent else None

    def get_has_children(self, obj: Territory) -> bool:
        return bool(obj.numchild)


class TerritoryDetailSerializer(TerritorySerializer):
    geometry = serializers.SerializerMethodField(help_text=_("GeoJSON 几何，坐标系见 crs 参数"))

    class Meta(TerritorySerializer.Meta):
        fields = [*TerritorySerializer.Meta.fields, "geometry", "attributes"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_geometry(self, obj: Territory) -> dict[str, Any] | None:
        from wangge.core.geo import transform_geometry_from_wgs84

        crs = self.context.get("crs", "wgs84")
        if not obj.geometry or crs == "wgs84":
            return obj.geometry  # type: ignore[no-any-return]
        return transform_geometry_from_wgs84(obj.geometry, crs)


class TerritoryBriefSerializer(serializers.ModelSerializer[Territory]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Territory
        fields = ["id", "code", "name", "kind", "kind_label", "depth"]


class CrsQuerySerializer(serializers.Serializer[Any]):
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)


class GeoJSONQuerySerializer(CrsQuerySerializer):
    kinds = serializers.MultipleChoiceField(
        choices=TerritoryKind.choices, required=False, help_text=_("只导出这些层级（可重复）")
    )


class FeatureSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField(required=False)
    geometry = serializers.JSONField(allow_null=True)
    properties = serializers.DictField()


class FeatureCollectionSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = FeatureSerializer(many=True)
