"""The territory tree: nodes, their outlines and subtrees as GeoJSON."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api import serializers as s
from wangge.api.base import TERRITORY
from wangge.api.views.common import ListViewSet, _query
from wangge.territory.exporting import territory_export_geojson
from wangge.territory.filtersets import TerritoryFilterSet
from wangge.territory.models import Territory

# --- territory -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="辖区节点列表", description="?parent= 列出直接下级，?kind= 按层级，?within= 按编码前缀。"
    ),
    retrieve=extend_schema(summary="辖区节点详情（含边界）", parameters=[s.CrsQuerySerializer]),
)
class TerritoryViewSet(ListViewSet):
    filterset_class = TerritoryFilterSet
    serializer_class = s.TerritorySerializer
    queryset = Territory.objects.all()
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Territory]) -> QuerySet[Territory]:
        return qs if self.action != "list" else qs.defer("geometry", "attributes")

    def get_serializer_class(self) -> Any:
        return s.TerritoryDetailSerializer if self.action == "retrieve" else s.TerritorySerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = _query(s.CrsQuerySerializer, request)
        serializer = self.get_serializer(self.get_object(), context={**self.get_serializer_context(), **params})
        return Response(serializer.data)

    @extend_schema(
        summary="辖区子树 GeoJSON",
        parameters=[s.GeoJSONQuerySerializer],
        responses=s.FeatureCollectionSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def geojson(self, request: Request, pk: str | None = None) -> Response:
        params = _query(s.GeoJSONQuerySerializer, request)
        data = territory_export_geojson(root=self.get_object(), crs=params["crs"], kinds=params.get("kinds") or None)
        return Response(data)
