"""Responsibility points and their types."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api import serializers as s
from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet, _query
from wangge.core.clientaddr import client_ip
from wangge.places.exporting import points_export_geojson
from wangge.places.filtersets import PointFilterSet, PointTypeFilterSet
from wangge.places.models import Point, PointType
from wangge.places.services import point_create, point_update

# --- places --------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="点位类型"), retrieve=extend_schema(summary="点位类型详情"))
class PointTypeViewSet(ListViewSet):
    filterset_class = PointTypeFilterSet
    serializer_class = s.PointTypeSerializer
    queryset = PointType.objects.all()
    scope = SHARED  # a dictionary


@extend_schema_view(
    list=extend_schema(summary="责任点位列表", parameters=[s.REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="责任点位详情", parameters=[s.REVEAL_PARAMETER]),
    create=extend_schema(summary="新建点位", request=s.PointWriteSerializer, responses={201: s.PointSerializer}),
    partial_update=extend_schema(summary="修改点位", request=s.PointWriteSerializer, responses=s.PointSerializer),
)
class PointViewSet(ListViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    filterset_class = PointFilterSet
    serializer_class = s.PointSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Point.objects.select_related("type", "territory", "grid")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.PointWriteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        point = point_create(actor=request.user, **data.validated_data)
        point = self.get_queryset().get(pk=point.pk)
        return Response(self.get_serializer(point).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        point = self.get_object()
        data = s.PointWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        point_update(actor=request.user, point=point, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=point.pk)).data)

    @extend_schema(
        summary="点位 GeoJSON（按筛选条件）",
        parameters=[s.PointGeoJSONQuerySerializer],
        responses=s.FeatureCollectionSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        params = _query(s.PointGeoJSONQuerySerializer, request)
        queryset = self.filter_queryset(self.get_queryset())
        filters = {k: v for k, v in request.query_params.items() if k != "crs"}
        data = points_export_geojson(
            queryset=queryset, crs=params["crs"], actor=request.user, filters=filters, ip=client_ip(request)
        )
        return Response(data)
