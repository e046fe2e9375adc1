"""REST endpoints of 值班与防汛备勤 (``wangge.duty``), registered on the API router by wangge.api.urls through
``register``: the duty rosters and their shifts (who leads, who is on, checked in or not; ``current`` for the duty
now), the check-in of the person on duty (``POST /api/duty-assignments/{id}/check-in/``), the supply depots with
their stock against the norms and the shortfall, the stock-takes (list and create), the rescue teams, the
emergency plans with their versions, the drills and the 会商 records (list and create).

Every list starts from the requester's scope (out of scope answers 404); phones leave masked; the services decide
every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.models import Unit
from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound
from wangge.core.validators import mask_phone
from wangge.duty.choices import DepotKind, DutyRole, PlanKind, TeamKind
from wangge.duty.filtersets import (
    ConsultationFilterSet,
    DepotFilterSet,
    DrillFilterSet,
    DutyRosterFilterSet,
    DutyShiftFilterSet,
    EmergencyPlanFilterSet,
    RescueTeamFilterSet,
    StockTakeFilterSet,
)
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyAssignment,
    DutyRoster,
    DutyShift,
    EmergencyPlan,
    PlanVersion,
    RescueTeam,
    StockTake,
    SupplyItem,
)
from wangge.duty.selectors import check_in_missing, depots_with_rows, duty_today
from wangge.duty.services import consultation_record, drill_record, duty_check_in, stocktake_record
from wangge.territory.models import Territory


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


# --- serializers -------------------------------------------------------------------------------------------


class DutySupplyItemSerializer(serializers.ModelSerializer[SupplyItem]):
    class Meta:
        model = SupplyItem
        fields = ["id", "key", "name", "unit_label", "ordering", "is_active"]


class DutyRosterSerializer(serializers.ModelSerializer[DutyRoster]):
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    unit_name = serializers.SerializerMethodField()

    class Meta:
        model = DutyRoster
        fields = ["id", "name", "territory", "territory_name", "unit", "unit_name", "location", "phone", "is_active"]

    def get_unit_name(self, obj: DutyRoster) -> str:
        return obj.unit.name if obj.unit else ""


class DutyAssignmentSerializer(serializers.ModelSerializer[DutyAssignment]):
    role = _text(DutyRole)
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（脱敏）"))
    missing = serializers.SerializerMethodField(help_text=gettext_lazy("未按时到岗：班次开始后超过宽限时间仍未签到"))

    class Meta:
        model = DutyAssignment
        fields = ["id", "shift", "role", "user", "name", "phone", "checked_in_at", "missing"]

    def get_phone(self, obj: DutyAssignment) -> str:
        return mask_phone(obj.phone or "")

    def get_missing(self, obj: DutyAssignment) -> bool:
        return check_in_missing(obj.shift.starts_at, obj.checked_in_at, timezone.now())


class DutyShiftSerializer(serializers.ModelSerializer[DutyShift]):
    pattern = serializers.CharField(source="pattern.name", read_only=True, help_text=gettext_lazy("班次名称"))
    roster_name = serializers.CharField(source="roster.name", read_only=True)
    assignments = DutyAssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = DutyShift
        fields = ["id", "roster", "roster_name", "day", "pattern", "starts_at", "ends_at", "note", "assignments"]


class DutyCheckInSerializer(serializers.Serializer[Any]):
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)


class DutyNowPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text=gettext_lazy("脱敏"))
    checked_in = serializers.BooleanField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.BooleanField()


class DutyNowSerializer(serializers.Serializer[Any]):
    shift_id = serializers.IntegerField()
    roster_id = serializers.IntegerField()
    roster = serializers.CharField()
    territory = serializers.CharField()
    territory_code = serializers.CharField()
    unit = serializers.CharField()
    phone = serializers.CharField()
    day = serializers.DateField()
    shift = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    leaders = DutyNowPersonSerializer(many=True)
    officers = DutyNowPersonSerializer(many=True)
    missing = serializers.IntegerField()
    all_checked_in = serializers.BooleanField()


class DutySupplyRowSerializer(serializers.Serializer[Any]):
    item_key = serializers.CharField()
    item_name = serializers.CharField()
    unit_label = serializers.CharField()
    stock = serializers.DecimalField(max_digits=12, decimal_places=2)
    norm = serializers.DecimalField(
        source="required",
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=gettext_lazy("定额（无定额为 null）"),
    )
    shortfall = serializers.DecimalField(max_digits=12, decimal_places=2)


class DutyDepotSerializer(serializers.ModelSerializer[Depot]):
    kind = _text(DepotKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    custodian_phone = serializers.SerializerMethodField(help_text=gettext_lazy("保管人电话（脱敏）"))
    supplies = serializers.SerializerMethodField()
    last_stocktake = serializers.SerializerMethodField()
    stocktake_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Depot
        fields = [
            "id",
            "name",
            "kind",
            "territory",
            "territory_name",
            "address",
            "lng",
            "lat",
            "custodian_name",
            "custodian_phone",
            "supplies",
            "last_stocktake",
            "stocktake_overdue",
        ]

    def get_custodian_phone(self, obj: Depot) -> str:
        return mask_phone(obj.custodian_phone or "")

    @extend_schema_field(DutySupplyRowSerializer(many=True))
    def get_supplies(self, obj: Depot) -> list[dict[str, Any]]:
        rows = getattr(obj, "rows", None)
        return [dict(DutySupplyRowSerializer(r).data) for r in (rows or [])]

    def get_last_stocktake(self, obj: Depot) -> dt.date | None:
        return getattr(obj, "last_taken_on", None)

    def get_stocktake_overdue(self, obj: Depot) -> bool:
        return bool(getattr(obj, "stocktake_overdue", False))


class DutyStockTakeLineSerializer(serializers.Serializer[Any]):
    item = serializers.CharField(source="item.key", help_text=gettext_lazy("物资键"))
    item_name = serializers.CharField(source="item.name")
    book_quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    counted = serializers.DecimalField(max_digits=12, decimal_places=2)
    difference = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=gettext_lazy("盘盈为正，盘亏为负"))


class DutyStockTakeSerializer(serializers.ModelSerializer[StockTake]):
    lines = DutyStockTakeLineSerializer(many=True, read_only=True)

    class Meta:
        model = StockTake
        fields = ["id", "depot", "taken_on", "taken_by_name", "note", "created_at", "lines"]


class DutyStockTakeCreateSerializer(serializers.Serializer[Any]):
    depot = serializers.IntegerField(help_text=gettext_lazy("储备点 id"))
    taken_on = serializers.DateField(help_text=gettext_lazy("盘点日期（不晚于今天）"))
    counts = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
        help_text=gettext_lazy('物资键 → 实盘数量，如 {"woven_bag": 5000}'),
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class DutyTeamEquipmentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_label = serializers.CharField()


class DutyRescueTeamSerializer(serializers.ModelSerializer[RescueTeam]):
    kind = _text(TeamKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("驻防区域编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    leader_phone = serializers.SerializerMethodField(help_text=gettext_lazy("队长电话（脱敏）"))
    equipment = DutyTeamEquipmentSerializer(many=True, read_only=True)

    class Meta:
        model = RescueTeam
        fields = [
            "id",
            "name",
            "kind",
            "unit",
            "leader_name",
            "leader_phone",
            "members",
            "territory",
            "territory_name",
            "address",
            "lng",
            "lat",
            "is_active",
            "equipment",
        ]

    def get_leader_phone(self, obj: RescueTeam) -> str:
        return mask_phone(obj.leader_phone or "")


class DutyPlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    current = serializers.SerializerMethodField(help_text=gettext_lazy("是否现行版本"))
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["id", "version", "effective_on", "summary", "uploaded_at", "superseded_at", "current", "has_file"]

    def get_current(self, obj: PlanVersion) -> bool:
        return obj.superseded_at is None

    def get_has_file(self, obj: PlanVersion) -> bool:
        return bool(obj.file)


class DutyPlanSerializer(serializers.ModelSerializer[EmergencyPlan]):
    kind = _text(PlanKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    versions = DutyPlanVersionSerializer(many=True, read_only=True)

    class Meta:
        model = EmergencyPlan
        fields = ["id", "title", "kind", "territory", "territory_name", "units", "versions"]


class DutyDrillSerializer(serializers.ModelSerializer[Drill]):
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    photos = serializers.SerializerMethodField(help_text=gettext_lazy("照片数"))

    class Meta:
        model = Drill
        fields = [
            "id",
            "held_on",
            "title",
            "plan",
            "territory",
            "territory_name",
            "units",
            "participants",
            "scenario",
            "findings",
            "follow_ups",
            "photos",
        ]

    def get_photos(self, obj: Drill) -> int:
        return len(obj.photos.all())


class DutyDrillCreateSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    territory = serializers.SlugRelatedField(
        slug_field="code", queryset=Territory.objects.all(), help_text=gettext_lazy("辖区编码")
    )
    plan = serializers.PrimaryKeyRelatedField(queryset=EmergencyPlan.objects.all(), required=False, allow_null=True)
    units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    participants = serializers.IntegerField(min_value=1)
    scenario = serializers.CharField()
    findings = serializers.CharField(required=False, allow_blank=True)
    follow_ups = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["territory"].queryset = Territory.objects.restrict(user)  # type: ignore[attr-defined]
        self.fields["plan"].queryset = EmergencyPlan.objects.restrict(user)  # type: ignore[attr-defined]
        self.fields["units"].child_relation.queryset = Unit.objects.restrict(user)  # type: ignore[attr-defined]


class DutyConsultationSerializer(serializers.ModelSerializer[Consultation]):
    territory = serializers.SlugRelatedField(
        slug_field="code", queryset=Territory.objects.all(), help_text=gettext_lazy("辖区编码")
    )
    territory_name = serializers.CharField(source="territory.name", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "held_at",
            "territory",
            "territory_name",
            "topic",
            "convened_by",
            "attendees",
            "situation",
            "decisions",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["territory"].queryset = Territory.objects.restrict(user)  # type: ignore[attr-defined]


# --- viewsets --------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="防汛物资品类"), retrieve=extend_schema(summary="防汛物资品类详情"))
class DutySupplyItemViewSet(ListViewSet):
    serializer_class = DutySupplyItemSerializer
    queryset = SupplyItem.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary


@extend_schema_view(list=extend_schema(summary="值班表"), retrieve=extend_schema(summary="值班表详情"))
class DutyRosterViewSet(ListViewSet):
    filterset_class = DutyRosterFilterSet
    serializer_class = DutyRosterSerializer
    queryset = DutyRoster.objects.select_related("territory", "unit").order_by("territory__path", "name")
    scope = TERRITORY


def _assignments() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch("assignments", queryset=DutyAssignment.objects.select_related("shift").order_by("role", "id"))


@extend_schema_view(
    list=extend_schema(summary="值班班次（含带班领导、值班员与签到）"), retrieve=extend_schema(summary="值班班次详情")
)
class DutyShiftViewSet(ListViewSet):
    filterset_class = DutyShiftFilterSet
    serializer_class = DutyShiftSerializer
    queryset = DutyShift.objects.select_related("roster", "pattern").order_by("starts_at", "roster_id", "id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[DutyShift]) -> QuerySet[DutyShift]:
        return qs.prefetch_related(_assignments())

    @extend_schema(
        summary="当前值班（谁带班、谁在岗、是否签到）",
        parameters=[
            OpenApiParameter(
                "territory", OpenApiTypes.STR, OpenApiParameter.QUERY, description="辖区编码（缺省为可见的最高一级）"
            )
        ],
        responses=DutyNowSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def current(self, request: Request) -> Response:
        visible = Territory.objects.restrict(request.user)
        code = request.query_params.get("territory")
        node = visible.filter(code=code).first() if code else visible.order_by("depth", "path").first()
        if node is None:
            raise NotFound(_("辖区不存在"))
        rows = duty_today(node, timezone.now(), qs=DutyShift.objects.restrict(request.user))
        return Response(DutyNowSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="值班人员安排（本人的与辖区内的）"), retrieve=extend_schema(summary="值班人员安排详情")
)
class DutyAssignmentViewSet(ListViewSet):
    serializer_class = DutyAssignmentSerializer
    queryset = DutyAssignment.objects.select_related("shift").order_by("-shift__starts_at", "id")
    scope = TERRITORY  # the requester's own assignments are always visible (scope_owner_field)

    @extend_schema(
        summary="到岗签到（本人，班次开始前一小时至结束前；位置为 WGS-84）",
        request=DutyCheckInSerializer,
        responses={200: DutyAssignmentSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="check-in", filter_backends=[], pagination_class=None)
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        body = DutyCheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = duty_check_in(
            actor=request.user,
            assignment=assignment,
            lng=body.validated_data.get("lng"),
            lat=body.validated_data.get("lat"),
        )
        return Response(DutyAssignmentSerializer(self.get_queryset().get(pk=done.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="防汛物资储备点（库存、定额与缺口）"), retrieve=extend_schema(summary="储备点详情")
)
class DutyDepotViewSet(ListViewSet):
    filterset_class = DepotFilterSet
    serializer_class = DutyDepotSerializer
    queryset = Depot.objects.select_related("territory").order_by("territory__path", "name")
    scope = TERRITORY

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        rows = depots_with_rows(
            Depot.objects.filter(pk__in=[d.pk for d in (page if page is not None else qs)]).order_by(
                "territory__path", "name"
            )
        )
        data = DutyDepotSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        depot = self.get_object()
        return Response(DutyDepotSerializer(depots_with_rows(Depot.objects.filter(pk=depot.pk))[0]).data)


@extend_schema_view(
    list=extend_schema(summary="物资盘点记录"),
    retrieve=extend_schema(summary="物资盘点详情"),
    create=extend_schema(
        summary="登记物资盘点（按实盘数量更新库存）",
        request=DutyStockTakeCreateSerializer,
        responses={201: DutyStockTakeSerializer},
    ),
)
class DutyStockTakeViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = StockTakeFilterSet
    serializer_class = DutyStockTakeSerializer
    queryset = StockTake.objects.prefetch_related("lines__item").order_by("-taken_on", "-id")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DutyStockTakeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        take = stocktake_record(
            actor=request.user, depot=d["depot"], taken_on=d["taken_on"], counts=d["counts"], note=d.get("note", "")
        )
        return Response(
            DutyStockTakeSerializer(StockTake.objects.prefetch_related("lines__item").get(pk=take.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(summary="抢险队伍（按区域，队长电话脱敏）"), retrieve=extend_schema(summary="抢险队伍详情")
)
class DutyRescueTeamViewSet(ListViewSet):
    filterset_class = RescueTeamFilterSet
    serializer_class = DutyRescueTeamSerializer
    queryset = (
        RescueTeam.objects.select_related("territory")
        .prefetch_related("equipment")
        .order_by("territory__path", "kind", "name")
    )
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="应急预案（含各版本）"), retrieve=extend_schema(summary="应急预案详情"))
class DutyPlanViewSet(ListViewSet):
    filterset_class = EmergencyPlanFilterSet
    serializer_class = DutyPlanSerializer
    queryset = (
        EmergencyPlan.objects.select_related("territory")
        .prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.order_by("-uploaded_at", "-id")), "units")
        .order_by("territory__path", "kind", "title")
    )
    scope = TERRITORY


@extend_schema_view(
    list=extend_schema(summary="应急演练"),
    retrieve=extend_schema(summary="应急演练详情"),
    create=extend_schema(
        summary="登记应急演练（照片请在页面上传）",
        request=DutyDrillCreateSerializer,
        responses={201: DutyDrillSerializer},
    ),
)
class DutyDrillViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = DrillFilterSet
    serializer_class = DutyDrillSerializer
    queryset = Drill.objects.select_related("territory").prefetch_related("units", "photos").order_by("-held_on", "-id")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DutyDrillCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        drill = drill_record(actor=request.user, **body.validated_data)
        return Response(DutyDrillSerializer(self.get_queryset().get(pk=drill.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="会商记录"),
    retrieve=extend_schema(summary="会商记录详情"),
    create=extend_schema(
        summary="登记会商记录", request=DutyConsultationSerializer, responses={201: DutyConsultationSerializer}
    ),
)
class DutyConsultationViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = ConsultationFilterSet
    serializer_class = DutyConsultationSerializer
    queryset = Consultation.objects.select_related("territory").order_by("-held_at", "-id")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DutyConsultationSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        record = consultation_record(actor=request.user, **body.validated_data)
        return Response(
            DutyConsultationSerializer(record, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("duty-supply-items", DutySupplyItemViewSet, basename="duty-supply-item")
    router.register("duty-rosters", DutyRosterViewSet, basename="duty-roster")
    router.register("duty-shifts", DutyShiftViewSet, basename="duty-shift")
    router.register("duty-assignments", DutyAssignmentViewSet, basename="duty-assignment")
    router.register("duty-depots", DutyDepotViewSet, basename="duty-depot")
    router.register("duty-stocktakes", DutyStockTakeViewSet, basename="duty-stocktake")
    router.register("duty-teams", DutyRescueTeamViewSet, basename="duty-team")
    router.register("duty-plans", DutyPlanViewSet, basename="duty-plan")
    router.register("duty-drills", DutyDrillViewSet, basename="duty-drill")
    router.register("duty-consultations", DutyConsultationViewSet, basename="duty-consultation")
