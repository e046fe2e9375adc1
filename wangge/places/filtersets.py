"""Filters of the point registry, shared by the registry pages, the map and the REST API.

The queryset handed in is already scoped (``Point.objects.restrict(user)``). ``bbox`` takes WGS-84
``min_lng,min_lat,max_lng,max_lat`` (the map asks for what it shows).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wangge.accounts.models import Unit
from wangge.places.models import Point, PointType


class BBoxField(forms.CharField):
    """``min_lng,min_lat,max_lng,max_lat`` in degrees → a tuple of four floats."""

    def clean(self, value: Any) -> tuple[float, float, float, float] | None:
        text = super().clean(value)
        if not text:
            return None
        parts = text.split(",")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 4:
            raise forms.ValidationError(_("范围须为 最小经度,最小纬度,最大经度,最大纬度"), code="invalid_bbox")
        min_lng, min_lat, max_lng, max_lat = numbers
        if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise forms.ValidationError(_("范围超出经纬度取值或上下限颠倒"), code="invalid_bbox")
        return min_lng, min_lat, max_lng, max_lat


class BBoxFilter(django_filters.CharFilter):
    field_class = BBoxField

    def filter(self, qs: QuerySet[Any], value: tuple[float, float, float, float] | None) -> QuerySet[Any]:
        if not value:
            return qs
        min_lng, min_lat, max_lng, max_lat = value
        return qs.filter(lng__gte=min_lng, lng__lte=max_lng, lat__gte=min_lat, lat__lte=max_lat)


@extend_schema_field(OpenApiTypes.STR)
class TypeKeyFilter(django_filters.ModelMultipleChoiceFilter):
    """Point types by key (``?type=river&type=bridge``); the API documents the keys as strings."""


class PointTypeFilterSet(django_filters.FilterSet):
    is_hazard = django_filters.BooleanFilter(label=_("防汛隐患点"))

    class Meta:
        model = PointType
        fields: list[str] = []


class PointFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编码、名称或责任人"), method="filter_q")
    type = TypeKeyFilter(
        distinct=False,
        label=_("类型"),
        field_name="type__key",
        queryset=PointType.objects.all(),
        to_field_name="key",
        help_text=_("类型键"),
    )
    is_hazard = django_filters.BooleanFilter(label=_("防汛隐患点"), field_name="type__is_hazard")
    territory = django_filters.CharFilter(
        label=_("辖区编码"),
        field_name="territory__code",
        lookup_expr="startswith",
        help_text=_("编码前缀，含其下全部辖区"),
    )
    grid = django_filters.CharFilter(label=_("网格编码"), field_name="grid__code")
    responsible_unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=Unit.objects.all())
    bbox = BBoxFilter(label=_("范围"), help_text=_("WGS-84：最小经度,最小纬度,最大经度,最大纬度"))
    is_synthetic = django_filters.BooleanFilter(label=_("演示合成"))
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("code", "code"), ("name", "name"), ("updated_at", "updated_at")),
        field_labels={"code": _("编码"), "name": _("名称"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Point
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        if not v:
            return queryset
        return queryset.filter(Q(code__startswith=v) | Q(name__icontains=v) | Q(responsible_name__icontains=v))
