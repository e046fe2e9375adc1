"""REST endpoints of the 基础台账 (registered on the API router by wangge.api.urls through ``register``).

Every list and detail starts from the requester's view scope (a row outside it is 404); every write goes through
``ledgers.services``, which check the ``record`` right over the row's grid. Residents move and are archived by their
own actions, never by a PATCH of their household.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.serializers import REVEAL_PARAMETER
from wangge.api.serializers import ledgers as s
from wangge.api.views.common import ListViewSet
from wangge.ledgers import services
from wangge.ledgers.filtersets import (
    BuildingFilterSet,
    EstateFilterSet,
    HouseholdFilterSet,
    MerchantFilterSet,
    ResidentFilterSet,
    ResidentTagFilterSet,
)
from wangge.ledgers.models import Building, Estate, Household, Merchant, Resident, ResidentTag


class _WritableViewSet(ListViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """List, detail, create (POST) and partial update (PATCH) through the services; the answer is the row as the
    requester reads it."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_serializer_class: type[Any]

    def _input(self, request: Request, *, partial: bool = False, serializer_class: type[Any] | None = None) -> Any:
        data = (serializer_class or self.write_serializer_class)(
            data=request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _answer(self, obj: Any, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(fresh).data, status=status_code)


def _write_schema(summary: str, write: type[Any], read: type[Any]) -> dict[str, Any]:
    return {
        "create": extend_schema(summary=f"新建{summary}", request=write, responses={201: read}),
        "partial_update": extend_schema(summary=f"修改{summary}", request=write, responses=read),
    }


@extend_schema_view(
    list=extend_schema(summary="人员类别标签"),
    retrieve=extend_schema(summary="人员类别标签详情"),
    **_write_schema("人员类别标签（管理员）", s.ResidentTagWriteSerializer, s.ResidentTagSerializer),
)
class ResidentTagViewSet(_WritableViewSet):
    filterset_class = ResidentTagFilterSet
    serializer_class = s.ResidentTagSerializer
    write_serializer_class = s.ResidentTagWriteSerializer
    queryset = ResidentTag.objects.all()
    scope = SHARED  # a dictionary every signed-in user reads; administrators edit it

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tag = services.tag_create(actor=request.user, **self._input(request))
        return self._answer(tag, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tag = self.get_object()
        return self._answer(services.tag_update(actor=request.user, tag=tag, **self._input(request, partial=True)))


@extend_schema_view(
    list=extend_schema(summary="小区列表"),
    retrieve=extend_schema(summary="小区详情"),
    **_write_schema("小区", s.EstateWriteSerializer, s.EstateSerializer),
)
class EstateViewSet(_WritableViewSet):
    filterset_class = EstateFilterSet
    serializer_class = s.EstateSerializer
    write_serializer_class = s.EstateWriteSerializer
    queryset = Estate.objects.select_related("community")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        estate = services.estate_create(actor=request.user, **self._input(request))
        return self._answer(estate, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        estate = self.get_object()
        fields = self._input(request, partial=True)
        return self._answer(services.estate_update(actor=request.user, estate=estate, **fields))


@extend_schema_view(
    list=extend_schema(summary="楼栋列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="楼栋详情", parameters=[REVEAL_PARAMETER]),
    **_write_schema("楼栋", s.BuildingWriteSerializer, s.BuildingSerializer),
)
class BuildingViewSet(_WritableViewSet):
    filterset_class = BuildingFilterSet
    serializer_class = s.BuildingSerializer
    write_serializer_class = s.BuildingWriteSerializer
    queryset = Building.objects.select_related("grid", "estate")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        building = services.building_create(actor=request.user, **self._input(request))
        return self._answer(building, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        building = self.get_object()
        fields = self._input(request, partial=True)
        return self._answer(services.building_update(actor=request.user, building=building, **fields))


@extend_schema_view(
    list=extend_schema(summary="户列表"),
    retrieve=extend_schema(summary="户详情"),
    **_write_schema("户", s.HouseholdWriteSerializer, s.HouseholdSerializer),
)
class HouseholdViewSet(_WritableViewSet):
    filterset_class = HouseholdFilterSet
    serializer_class = s.HouseholdSerializer
    write_serializer_class = s.HouseholdWriteSerializer
    queryset = Household.objects.select_related("grid", "building", "head")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = services.household_create(actor=request.user, **self._input(request))
        return self._answer(household, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        fields = self._input(request, partial=True)
        return self._answer(services.household_update(actor=request.user, household=household, **fields))

    @extend_schema(summary="设定户主", request=s.HouseholdHeadSerializer, responses=s.HouseholdSerializer)
    @action(detail=True, methods=["post"])
    def head(self, request: Request, pk: str | None = None) -> Response:
        household = self.get_object()
        data = self._input(request, serializer_class=s.HouseholdHeadSerializer)
        return self._answer(
            services.household_set_head(actor=request.user, household=household, resident=data["resident"])
        )


@extend_schema_view(
    list=extend_schema(summary="居民列表（基础台账）", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="居民详情及人口变动记录", parameters=[REVEAL_PARAMETER]),
    **_write_schema("居民", s.ResidentWriteSerializer, s.ResidentDetailSerializer),
)
class ResidentViewSet(_WritableViewSet):
    filterset_class = ResidentFilterSet
    serializer_class = s.ResidentSerializer
    write_serializer_class = s.ResidentWriteSerializer
    queryset = Resident.objects.select_related("grid", "household").prefetch_related("tags")
    scope = TERRITORY

    def get_serializer_class(self) -> Any:
        return s.ResidentSerializer if self.action == "list" else s.ResidentDetailSerializer

    def refine_queryset(self, qs: Any) -> Any:
        if self.action != "list":
            qs = qs.prefetch_related("moves__from_household", "moves__to_household")
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resident = services.resident_create(actor=request.user, **self._input(request))
        return self._answer(resident, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        resident = self.get_object()
        fields = self._input(request, partial=True)
        return self._answer(services.resident_update(actor=request.user, resident=resident, **fields))

    @extend_schema(
        summary="迁移到另一户（保留变动记录）", request=s.ResidentMoveSerializer, responses=s.ResidentDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        data = self._input(request, serializer_class=s.ResidentMoveSerializer)
        return self._answer(services.resident_move(actor=request.user, resident=resident, **data))

    @extend_schema(
        summary="归档：迁出或死亡（不删除）", request=s.ResidentArchiveSerializer, responses=s.ResidentDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        data = self._input(request, serializer_class=s.ResidentArchiveSerializer)
        return self._answer(services.resident_archive(actor=request.user, resident=resident, **data))

    @extend_schema(summary="恢复在册", request=s.ResidentRestoreSerializer, responses=s.ResidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        resident = self.get_object()
        data = self._input(request, serializer_class=s.ResidentRestoreSerializer)
        return self._answer(services.resident_restore(actor=request.user, resident=resident, **data))


@extend_schema_view(
    list=extend_schema(summary="商户/单位列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="商户/单位详情", parameters=[REVEAL_PARAMETER]),
    **_write_schema("商户/单位", s.MerchantWriteSerializer, s.MerchantSerializer),
)
class MerchantViewSet(_WritableViewSet):
    filterset_class = MerchantFilterSet
    serializer_class = s.MerchantSerializer
    write_serializer_class = s.MerchantWriteSerializer
    queryset = Merchant.objects.select_related("grid", "building", "point")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        merchant = services.merchant_create(actor=request.user, **self._input(request))
        return self._answer(merchant, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        merchant = self.get_object()
        fields = self._input(request, partial=True)
        return self._answer(services.merchant_update(actor=request.user, merchant=merchant, **fields))

    @extend_schema(summary="注销商户/单位", request=s.MerchantCloseSerializer, responses=s.MerchantSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        merchant = self.get_object()
        data = self._input(request, serializer_class=s.MerchantCloseSerializer)
        return self._answer(services.merchant_close(actor=request.user, merchant=merchant, **data))


def register(router: SimpleRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("resident-tags", ResidentTagViewSet, basename="resident-tag")
    router.register("estates", EstateViewSet, basename="estate")
    router.register("buildings", BuildingViewSet, basename="building")
    router.register("households", HouseholdViewSet, basename="household")
    router.register("residents", ResidentViewSet, basename="resident")
    router.register("merchants", MerchantViewSet, basename="merchant")
