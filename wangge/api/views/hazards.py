"""REST endpoints of the hazard ledger (治安隐患排查整治台账), registered on the API router by wangge.api.urls
through ``register``: the hazard types (a dictionary), the findings (scoped to the requester's grids and
the responsible unit's members), their rectification steps and their photos."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.serializers.common import REVEAL_PARAMETER
from wangge.api.serializers.hazards import (
    HazardFindingDetailSerializer,
    HazardFindingSerializer,
    HazardReportSerializer,
    HazardTransitionRequestSerializer,
    HazardTypeSerializer,
)
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.core import files
from wangge.core.errors import NotFound
from wangge.hazards.filtersets import HazardFindingFilterSet, HazardTypeFilterSet
from wangge.hazards.models import HazardEvent, HazardFinding, HazardType
from wangge.hazards.services import hazard_report, hazard_transition
from wangge.hazards.workflow import available


@extend_schema_view(list=extend_schema(summary="隐患类型"), retrieve=extend_schema(summary="隐患类型详情"))
class HazardTypeViewSet(ListViewSet):
    filterset_class = HazardTypeFilterSet
    serializer_class = HazardTypeSerializer
    queryset = HazardType.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary


def _transition_payload(request: Request, validated: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the client sent: an absent field must read as missing to the service."""
    return {k: v for k, v in validated.items() if k in request.data and k not in ("name", "expected_version")}


@extend_schema_view(
    list=extend_schema(summary="治安隐患列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="治安隐患详情（含处置记录与照片）", parameters=[REVEAL_PARAMETER]),
    create=extend_schema(
        summary="登记治安隐患",
        request={"application/json": HazardReportSerializer, "multipart/form-data": HazardReportSerializer},
        responses={201: HazardFindingDetailSerializer},
    ),
)
class HazardFindingViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = HazardFindingFilterSet
    serializer_class = HazardFindingSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = HazardFinding.objects.select_related("type", "grid", "work_order")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[HazardFinding]) -> QuerySet[HazardFinding]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(Prefetch("events", queryset=HazardEvent.objects.order_by("at", "id")), "photos")

    def get_serializer_class(self) -> Any:
        return HazardFindingSerializer if self.action == "list" else HazardFindingDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = HazardReportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        finding = hazard_report(actor=request.user, **data.validated_data)
        finding = self.get_queryset().get(pk=finding.pk)
        return Response(self.get_serializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的整改操作",
        responses=AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行整改操作（提交整改、核查销号、驳回、撤销、转立工单）",
        request={
            "application/json": HazardTransitionRequestSerializer,
            "multipart/form-data": HazardTransitionRequestSerializer,
        },
        responses={200: HazardFindingDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, finding)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = HazardTransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = _transition_payload(request, dict(body.validated_data))
        hazard_transition(actor=request.user, finding=finding, name=body.validated_data["name"], **payload)
        updated = self.get_queryset().get(pk=finding.pk)
        return Response(HazardFindingDetailSerializer(updated, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="下载隐患照片",
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="照片内容")},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo-file",
        filter_backends=[],
        pagination_class=None,
    )
    def photo_file(self, request: Request, pk: str | None = None, photo_id: str | None = None) -> Any:
        finding = self.get_object()
        photo = finding.photos.filter(pk=photo_id).first()
        if photo is None:
            raise NotFound(_("照片不存在"))
        return files.serve_protected(photo.file, photo.content_type)


def register(router: SimpleRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("hazard-types", HazardTypeViewSet, basename="hazard-type")
    router.register("hazards", HazardFindingViewSet, basename="hazard")
