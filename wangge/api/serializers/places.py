"""Serializers of points and point types."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.accounts.models import Unit
from wangge.api.serializers.common import (
    CRS_FIELD_HELP,
    PagedListSerializer,
    PreparedMixin,
    phone_out,
    revealed_ids,
)
from wangge.api.serializers.territory import CrsQuerySerializer
from wangge.core.geo import CRS_CHOICES
from wangge.places.models import Point, PointType

# --- places --------------------------------------------------------------------------------------


class PointTypeSerializer(serializers.ModelSerializer[PointType]):
    class Meta:
        model = PointType
        fields = ["id", "key", "name", "is_hazard", "ordering"]


class PointSerializer(PreparedMixin, serializers.ModelSerializer[Point]):
    type: serializers.SlugRelatedField[PointType] = serializers.SlugRelatedField(slug_field="key", read_only=True)
    type_name = serializers.CharField(source="type.name", read_only=True)
    is_hazard = serializers.BooleanField(source="type.is_hazard", read_only=True)
    territory_code = serializers.CharField(source="territory.code", read_only=True, allow_null=True, default=None)
    grid_code = serializers.CharField(source="grid.code", read_only=True, allow_null=True, default=None)
    responsible_phone = serializers.SerializerMethodField(help_text=_("责任人电话；无查看权限时脱敏"))

    class Meta:
        model = Point
        fields = [
            "id",
            "code",
            "name",
            "type",
            "type_name",
            "is_hazard",
            "lng",
            "lat",
            "address",
            "territory",
            "territory_code",
            "grid",
            "grid_code",
            "responsible_name",
            "responsible_phone",
            "responsible_unit",
            "responsible_user",
            "notes",
            "attributes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PagedListSerializer

    def collect(self, items: list[Any]) -> dict[str, Any]:
        return {"revealed": revealed_ids(Point, self, items)}

    def get_responsible_phone(self, obj: Point) -> str:
        return phone_out(self, obj, "responsible_phone")


class PointWriteSerializer(serializers.Serializer[Any]):
    """Input of ``point_create`` / ``point_update``; the territory and grid come from the coordinates."""

    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=120)
    type = serializers.SlugRelatedField(slug_field="key", queryset=PointType.objects.all(), help_text=_("类型键"))
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible_name = serializers.CharField(max_length=50)
    responsible_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    responsible_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and ("lng" in attrs) != ("lat" in attrs):
            raise serializers.ValidationError({"lat": [_("经度和纬度须同时修改")]}, code="coordinates_incomplete")
        if self.partial and "code" in attrs:
            raise serializers.ValidationError({"code": [_("点位编码不能修改")]}, code="read_only")
        return attrs


class PointGeoJSONQuerySerializer(CrsQuerySerializer):
    pass
