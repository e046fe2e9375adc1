"""REST endpoints of 巡查体检 (``wangge.inspections``), registered on the API router by wangge.api.urls through
``register``: the current checklists (read), the rounds (scoped to the requester's territory, filtered by the
one ``RoundFilterSet``) with their results and history, submitting a round (JSON, or multipart with the photos
as ``photo_<item key>`` parts), the spot check, and the figures of a territory node."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound
from wangge.inspections.choices import Frequency, ItemKind, RoundStatus, Verdict
from wangge.inspections.filtersets import RoundFilterSet
from wangge.inspections.models import ChecklistItem, ChecklistTemplate, Round, RoundEvent, RoundResult
from wangge.inspections.selectors import rounds_summary
from wangge.inspections.services import round_submit, round_transition
from wangge.inspections.workflow import EVENT_LABELS
from wangge.territory.models import Territory


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class InspectionChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    kind = _text(ItemKind)

    class Meta:
        model = ChecklistItem
        fields = ["key", "label", "kind", "required", "min_value", "max_value", "unit", "opens_case", "category_code"]


class InspectionChecklistTemplateSerializer(serializers.ModelSerializer[ChecklistTemplate]):
    point_type = serializers.CharField(source="point_type.key", read_only=True, help_text=gettext_lazy("点位类型键"))
    point_type_name = serializers.CharField(source="point_type.name", read_only=True)
    items = InspectionChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "point_type", "point_type_name", "version", "name", "note", "is_current", "created_at", "items"]


class InspectionRoundResultSerializer(serializers.ModelSerializer[RoundResult]):
    key = serializers.CharField(source="item.key", read_only=True)
    item_label = serializers.CharField(source="item.label", read_only=True)
    work_order = serializers.CharField(
        source="work_order.tracking_code", read_only=True, default=None, help_text=gettext_lazy("转立工单查询码")
    )

    class Meta:
        model = RoundResult
        fields = ["key", "item_label", "value_bool", "value_number", "value_text", "passed", "work_order"]


class InspectionRoundEventSerializer(serializers.ModelSerializer[RoundEvent]):
    from_status = _text(RoundStatus)
    to_status = _text(RoundStatus)
    step_label = serializers.SerializerMethodField(help_text=gettext_lazy("操作名称"))

    class Meta:
        model = RoundEvent
        fields = ["action", "step_label", "from_status", "to_status", "at", "actor_name", "note", "data"]

    def get_step_label(self, obj: RoundEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class InspectionRoundSerializer(serializers.ModelSerializer[Round]):
    status = _text(RoundStatus)
    frequency = _text(Frequency)
    verdict = _text(Verdict)
    point = serializers.CharField(source="point.code", read_only=True, help_text=gettext_lazy("点位编码"))
    point_name = serializers.CharField(source="point.name", read_only=True)
    point_type = serializers.CharField(source="point.type.key", read_only=True, help_text=gettext_lazy("点位类型键"))
    grid = serializers.CharField(source="grid.code", read_only=True, help_text=gettext_lazy("网格编码"))
    template_version = serializers.IntegerField(source="template.version", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)

    class Meta:
        model = Round
        fields = [
            "id",
            "point",
            "point_name",
            "point_type",
            "grid",
            "template",
            "template_version",
            "frequency",
            "period_start",
            "period_end",
            "due_at",
            "closes_at",
            "assignee",
            "status",
            "submitted_at",
            "submitted_by_name",
            "is_late",
            "distance_m",
            "far_from_point",
            "no_position",
            "failed_items",
            "cases_opened",
            "verdict",
        ]


class InspectionRoundDetailSerializer(InspectionRoundSerializer):
    results = InspectionRoundResultSerializer(many=True, read_only=True)
    events = InspectionRoundEventSerializer(many=True, read_only=True)

    class Meta(InspectionRoundSerializer.Meta):
        fields = [
            *InspectionRoundSerializer.Meta.fields,
            "lng",
            "lat",
            "accuracy_m",
            "note",
            "checked_at",
            "check_note",
            "results",
            "events",
        ]


class InspectionRoundSubmitSerializer(serializers.Serializer[Any]):
    results = serializers.JSONField(
        help_text=gettext_lazy(
            "各检查项结果：{检查项键: 值}；是/否项为 true/false，数值项为数字，文字项为文字。"
            "multipart 提交时为 JSON 字符串。"
        )
    )
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    crs = serializers.ChoiceField(
        choices=["wgs84", "gcj02", "bd09"], required=False, default="wgs84", help_text=gettext_lazy("坐标系")
    )
    accuracy = serializers.FloatField(
        required=False, allow_null=True, min_value=0, help_text=gettext_lazy("定位精度（米）")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_results(self, value: Any) -> dict[str, Any]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise serializers.ValidationError(_("须为 JSON 对象")) from None
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("须为 JSON 对象"))
        return value


class InspectionRoundSpotCheckSerializer(serializers.Serializer[Any]):
    agree = serializers.BooleanField(help_text=gettext_lazy("抽查结论：true 属实，false 不属实"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InspectionSummaryQuerySerializer(serializers.Serializer[Any]):
    territory = serializers.CharField(required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(summary="体检表（当前版本）"), retrieve=extend_schema(summary="体检表详情（任一版本）")
)
class ChecklistTemplateViewSet(ListViewSet):
    serializer_class = InspectionChecklistTemplateSerializer
    queryset = (
        ChecklistTemplate.objects.select_related("point_type")
        .prefetch_related("items")
        .order_by("point_type__ordering", "point_type__key", "-version")
    )
    scope = SHARED  # a dictionary

    def refine_queryset(self, qs: QuerySet[ChecklistTemplate]) -> QuerySet[ChecklistTemplate]:
        return qs.filter(is_current=True) if self.action == "list" else qs


@extend_schema_view(
    list=extend_schema(summary="巡查任务列表"),
    retrieve=extend_schema(summary="巡查任务详情（含检查结果与处置记录）"),
)
class RoundViewSet(ListViewSet):
    filterset_class = RoundFilterSet
    serializer_class = InspectionRoundSerializer
    queryset = Round.objects.select_related("point", "point__type", "grid", "template", "assignee").order_by(
        "-period_end", "point_id"
    )
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Round]) -> QuerySet[Round]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(
            Prefetch("results", queryset=RoundResult.objects.select_related("item", "work_order")),
            Prefetch("events", queryset=RoundEvent.objects.order_by("at", "id")),
        )

    def get_serializer_class(self) -> Any:
        return InspectionRoundSerializer if self.action == "list" else InspectionRoundDetailSerializer

    def _detail(self, pk: int) -> dict[str, Any]:
        return dict(
            InspectionRoundDetailSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="提交巡查（检查结果、位置与照片；照片以 multipart 的 photo_<检查项键> 字段上传）",
        request={
            "application/json": InspectionRoundSubmitSerializer,
            "multipart/form-data": InspectionRoundSubmitSerializer,
        },
        responses={200: InspectionRoundDetailSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def submit(self, request: Request, pk: str | None = None) -> Response:
        r = self.get_object()
        body = InspectionRoundSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photos: dict[str, list[Any]] = {}
        for name in request.FILES:
            if name.startswith("photo_"):
                photos[name[len("photo_") :]] = request.FILES.getlist(name)
        d = body.validated_data
        round_submit(
            actor=request.user,
            round=r,
            results=d["results"],
            photos=photos,
            lng=d.get("lng"),
            lat=d.get("lat"),
            crs=d.get("crs") or "wgs84",
            accuracy=d.get("accuracy"),
            note=d.get("note") or "",
        )
        return Response(self._detail(r.pk))

    @extend_schema(
        summary="抽查已完成的巡查（指挥中心、督查员、领导）",
        request=InspectionRoundSpotCheckSerializer,
        responses={200: InspectionRoundDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="spot-check", filter_backends=[], pagination_class=None)
    def spot_check(self, request: Request, pk: str | None = None) -> Response:
        r = self.get_object()
        body = InspectionRoundSpotCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        round_transition(
            actor=request.user,
            round=r,
            name="spot_check",
            agree=body.validated_data["agree"],
            note=body.validated_data.get("note", ""),
        )
        return Response(self._detail(r.pk))

    @extend_schema(
        summary="巡查统计（应巡查、已巡查、按时、逾期、漏巡、不合格项、转立工单）",
        parameters=[
            OpenApiParameter("territory", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def summary(self, request: Request) -> Response:
        query = InspectionSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        visible = Territory.objects.restrict(request.user)
        code = query.validated_data.get("territory")
        node = visible.filter(code=code).first() if code else visible.order_by("depth", "path").first()
        if node is None:
            raise NotFound(_("辖区不存在"))
        end: dt.date = query.validated_data.get("end") or timezone.localdate()
        start: dt.date = query.validated_data.get("start") or end - dt.timedelta(days=6)
        return Response(rounds_summary(node, start, end, qs=Round.objects.restrict(request.user)))


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("inspection-checklists", ChecklistTemplateViewSet, basename="inspection-checklist")
    router.register("inspection-rounds", RoundViewSet, basename="inspection-round")
