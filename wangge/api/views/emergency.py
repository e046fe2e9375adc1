"""REST endpoints of 预警与应急响应 (``wangge.emergency``), registered on the API router by wangge.api.urls through
``register``: the warnings (scoped: those over a node the requester's grants reach), issuing one (the command
centre), its steps (升级, 降级, 解除; payload generated from ``emergency.workflow``), 收到 (acknowledge) and its
coverage (the one ``emergency.selectors.coverage`` definition)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import TERRITORY
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.emergency.choices import HazardType, Level, WarningStatus
from wangge.emergency.filtersets import WarningFilterSet
from wangge.emergency.models import Warning, WarningArea, WarningEvent
from wangge.emergency.selectors import coverage, my_delivery
from wangge.emergency.services import warning_acknowledge, warning_issue, warning_transition
from wangge.emergency.workflow import EVENT_LABELS, WORKFLOW, available


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class WarningSerializer(serializers.ModelSerializer[Warning]):
    hazard_type = serializers.CharField(read_only=True, help_text=_values(HazardType))
    level = serializers.CharField(read_only=True, help_text=_values(Level))
    status = serializers.CharField(read_only=True, help_text=_values(WarningStatus))
    title = serializers.CharField(read_only=True)
    nodes = serializers.SerializerMethodField(help_text=gettext_lazy("预警范围（辖区编码）"))

    class Meta:
        model = Warning
        fields = [
            "id",
            "code",
            "title",
            "hazard_type",
            "level",
            "status",
            "text",
            "nodes",
            "valid_from",
            "valid_until",
            "issued_at",
            "issued_by_name",
            "revision",
            "revised_at",
            "lifted_at",
        ]

    def get_nodes(self, obj: Warning) -> list[str]:
        return [a.node.code for a in obj.areas.all()]


class WarningEventSerializer(serializers.ModelSerializer[WarningEvent]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_status = serializers.CharField(read_only=True, help_text=_values(WarningStatus))
    to_status = serializers.CharField(read_only=True, help_text=_values(WarningStatus))
    from_level = serializers.CharField(read_only=True, help_text=_values(Level))
    to_level = serializers.CharField(read_only=True, help_text=_values(Level))

    class Meta:
        model = WarningEvent
        fields = ["action", "label", "from_status", "to_status", "from_level", "to_level", "at", "actor_name", "note"]

    def get_label(self, obj: WarningEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class WarningDetailSerializer(WarningSerializer):
    actions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=gettext_lazy("应采取的措施")
    )
    events = WarningEventSerializer(many=True, read_only=True)
    acknowledged_at = serializers.SerializerMethodField(
        help_text=gettext_lazy("请求者本轮确认收到的时间；无须确认时为 null")
    )
    must_acknowledge = serializers.SerializerMethodField(help_text=gettext_lazy("请求者是否须确认本轮预警"))

    class Meta(WarningSerializer.Meta):
        fields = [*WarningSerializer.Meta.fields, "actions", "events", "must_acknowledge", "acknowledged_at"]

    def _mine(self, obj: Warning) -> Any:
        request = self.context.get("request")
        return my_delivery(getattr(request, "user", None), obj) if request is not None else None

    def get_acknowledged_at(self, obj: Warning) -> str | None:
        mine = self._mine(obj)
        return mine.acknowledged_at.isoformat() if mine is not None and mine.acknowledged_at else None

    def get_must_acknowledge(self, obj: Warning) -> bool:
        return self._mine(obj) is not None


class WarningCreateSerializer(serializers.Serializer[Any]):
    hazard_type = serializers.CharField(max_length=16, help_text=_values(HazardType))
    level = serializers.CharField(max_length=8, help_text=_values(Level))
    text = serializers.CharField(max_length=2000)
    nodes = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, help_text=gettext_lazy("预警范围：辖区编码列表")
    )
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)


WarningTransitionSerializer = payload_serializer(
    WORKFLOW, refs={}, name="WarningTransitionRequest", doc="一个预警操作：name 为 upgrade、downgrade 或 lift。"
)

_GRID_FIELDS: dict[str, serializers.Field] = {
    "grid_id": serializers.IntegerField(allow_null=True),
    "code": serializers.CharField(),
    "name": serializers.CharField(),
    "recipients": serializers.IntegerField(),
    "notified": serializers.IntegerField(),
    "must_ack": serializers.IntegerField(),
    "acknowledged": serializers.IntegerField(),
    "acknowledged_share": serializers.FloatField(allow_null=True),
    "escalated": serializers.IntegerField(),
    "not_reached": serializers.IntegerField(),
    "pending": serializers.IntegerField(),
    "households": serializers.IntegerField(),
    "households_messaged": serializers.IntegerField(),
    "households_not_reached": serializers.IntegerField(),
}
CoverageSerializer = inline_serializer(
    "WarningCoverage",
    {
        "warning": serializers.IntegerField(),
        "code": serializers.CharField(),
        "revision": serializers.IntegerField(),
        "level": serializers.CharField(),
        "status": serializers.CharField(),
        "notified": serializers.IntegerField(help_text=gettext_lazy("已通知人数")),
        "acknowledged": serializers.IntegerField(help_text=gettext_lazy("已确认人数")),
        "not_reached": serializers.IntegerField(help_text=gettext_lazy("未送达人数")),
        "pending": serializers.IntegerField(),
        "recipients": serializers.IntegerField(),
        "must_ack": serializers.IntegerField(),
        "escalated": serializers.IntegerField(),
        "acknowledged_share": serializers.FloatField(allow_null=True),
        "households": inline_serializer(
            "WarningHouseholdCoverage",
            {
                "total": serializers.IntegerField(),
                "messaged": serializers.IntegerField(),
                "not_reached": serializers.IntegerField(),
            },
        ),
        "by_grid": inline_serializer("WarningGridCoverage", _GRID_FIELDS, many=True),
    },
)


@extend_schema_view(
    list=extend_schema(summary="预警列表（请求者辖区内及其上级发布的预警）"),
    retrieve=extend_schema(summary="预警详情（含应采取的措施、发布记录、本人确认情况）"),
    create=extend_schema(
        summary="发布预警（指挥中心派遣员、领导、管理员）",
        request=WarningCreateSerializer,
        responses={201: WarningDetailSerializer},
    ),
)
class WarningViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = WarningFilterSet
    serializer_class = WarningSerializer
    queryset = Warning.objects.prefetch_related(
        Prefetch("areas", queryset=WarningArea.objects.select_related("node").order_by("path"))  # type: ignore[arg-type]
    ).order_by("-issued_at", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Warning]) -> QuerySet[Warning]:
        return qs if self.action == "list" else qs.prefetch_related("events")

    def get_serializer_class(self) -> Any:
        return WarningSerializer if self.action == "list" else WarningDetailSerializer

    def _detail(self, warning: Warning) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=warning.pk)
        return dict(WarningDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = WarningCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        warning = warning_issue(actor=request.user, **body.validated_data)
        return Response(self._detail(warning), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="确认收到（收到）：本人本轮预警；重复确认不改变确认时间",
        request=None,
        responses={200: WarningDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        warning = self.get_object()
        warning_acknowledge(actor=request.user, warning=warning)
        return Response(self._detail(warning))

    @extend_schema(
        summary="覆盖情况：已通知、已确认、未送达及按网格分项", responses={200: CoverageSerializer}, filters=False
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def coverage(self, request: Request, pk: str | None = None) -> Response:
        return Response(coverage(self.get_object()))

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的预警操作",
        responses=AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行预警操作（升级、降级、解除）",
        request=WarningTransitionSerializer,
        responses={200: WarningDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        warning = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, warning)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = WarningTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = {
            k: v for k, v in body.validated_data.items() if k in request.data and k not in ("name", "expected_version")
        }
        warning_transition(actor=request.user, warning=warning, name=body.validated_data["name"], **payload)
        return Response(self._detail(warning))


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("warnings", WarningViewSet, basename="warning")
