"""REST endpoints of 专项整治 (``wangge.campaigns``), registered on the API router by wangge.api.urls through
``register``: the remediation items (a dictionary), the campaigns the requester sees (list, detail with
checklist, targets and figures, create, the workflow steps, tagging cases and hazard findings, the bulletin to
each responsible body as JSON, .xlsx or PDF), their findings (list, create with photos — failed items open cases
through the one intake) and their remediation quantities (list, create).

A campaign is seen by staff over its territory, by the grid workers and staff of the nodes under it, and by the
members of its lead and member units; its findings and quantities are seen with it. Out of scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.models import Unit
from wangge.api.base import SHARED
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.campaigns.choices import CampaignKind, CampaignStatus, ItemResult
from wangge.campaigns.documents import XLSX_TYPE, bulletin_pdf, bulletin_xlsx, file_stem
from wangge.campaigns.filtersets import CampaignFilterSet, CampaignFindingFilterSet, RemediationQuantityFilterSet
from wangge.campaigns.models import (
    Campaign,
    CampaignFinding,
    ChecklistItem,
    FindingResult,
    QuantityItem,
    QuantityTarget,
    RemediationQuantity,
)
from wangge.campaigns.selectors import campaign_bulletin, campaign_cases, campaign_totals, campaigns_for
from wangge.campaigns.services import (
    campaign_create,
    campaign_tag_case,
    campaign_tag_hazard,
    campaign_transition,
    finding_record,
    quantity_record,
)
from wangge.campaigns.workflow import WORKFLOW, available
from wangge.core import audit
from wangge.core.errors import NotFound, ValidationFailed
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


# --- serializers -------------------------------------------------------------------------------------------


class QuantityItemSerializer(serializers.ModelSerializer[QuantityItem]):
    class Meta:
        model = QuantityItem
        fields = ["id", "key", "name", "unit", "ordering", "is_active"]


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    class Meta:
        model = ChecklistItem
        fields = ["id", "ordering", "text", "opens_case", "category_code"]


class QuantityTargetSerializer(serializers.ModelSerializer[QuantityTarget]):
    item = serializers.CharField(source="item.key", read_only=True, help_text=gettext_lazy("整治项目键"))
    unit = serializers.CharField(source="item.unit", read_only=True)

    class Meta:
        model = QuantityTarget
        fields = ["item", "unit", "target"]


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    kind = serializers.CharField(read_only=True, help_text=_values(CampaignKind))
    status = serializers.CharField(read_only=True, help_text=_values(CampaignStatus))
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, default="")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "status",
            "territory",
            "territory_name",
            "start_date",
            "end_date",
            "lead_unit",
            "lead_unit_name",
            "target_inspected_pct",
        ]


class QuantityTotalSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    pct = serializers.FloatField(allow_null=True)


class CampaignTotalsSerializer(serializers.Serializer[Any]):
    points = serializers.IntegerField(help_text=gettext_lazy("应排查点位数"))
    inspected = serializers.IntegerField(help_text=gettext_lazy("已排查点位数"))
    inspected_pct = serializers.FloatField(help_text=gettext_lazy("排查覆盖率(%)"))
    target_inspected_pct = serializers.IntegerField()
    findings = serializers.IntegerField()
    problem_findings = serializers.IntegerField()
    cases = serializers.IntegerField(help_text=gettext_lazy("专项工单数"))
    closed = serializers.IntegerField(help_text=gettext_lazy("已结案"))
    overdue = serializers.IntegerField(help_text=gettext_lazy("超期"))
    hazards = serializers.IntegerField()
    hazards_closed = serializers.IntegerField()
    quantities = QuantityTotalSerializer(many=True)


class CampaignDetailSerializer(CampaignSerializer):
    point_types: Any = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    points: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    member_units: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    checklist = ChecklistItemSerializer(source="checklist_items", many=True, read_only=True)
    targets = QuantityTargetSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [
            *CampaignSerializer.Meta.fields,
            "description",
            "point_types",
            "points",
            "member_units",
            "started_at",
            "ended_at",
            "summary",
            "checklist",
            "targets",
            "totals",
        ]

    @extend_schema_field(CampaignTotalsSerializer)
    def get_totals(self, obj: Campaign) -> dict[str, Any]:
        return dict(CampaignTotalsSerializer(campaign_totals(obj)).data)


class ChecklistInSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=200)
    opens_case = serializers.BooleanField(required=False, default=True)
    category_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class CampaignCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=CampaignKind.choices)
    territory = serializers.SlugRelatedField(
        slug_field="code", queryset=Territory.objects.all(), help_text=gettext_lazy("整治范围：辖区编码")
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    point_types = serializers.SlugRelatedField(
        slug_field="key",
        queryset=PointType.objects.all(),
        many=True,
        required=False,
        help_text=gettext_lazy("点位类型键"),
    )
    points = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Point.objects.all(),
        many=True,
        required=False,
        help_text=gettext_lazy("指定点位编码"),
    )
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    member_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    target_inspected_pct = serializers.IntegerField(min_value=0, max_value=100, required=False, default=100)
    checklist = ChecklistInSerializer(many=True, required=False)
    targets = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
        required=False,
        help_text=gettext_lazy("整治量目标：{整治项目键: 目标量}"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["territory"].queryset = Territory.objects.restrict(user)  # type: ignore[attr-defined]
        self.fields["points"].child_relation.queryset = Point.objects.restrict(user)  # type: ignore[attr-defined]


class FindingResultSerializer(serializers.ModelSerializer[FindingResult]):
    text = serializers.CharField(source="item.text", read_only=True)
    result = serializers.CharField(read_only=True, help_text=_values(ItemResult))
    work_order = serializers.CharField(source="work_order.tracking_code", read_only=True, default=None)

    class Meta:
        model = FindingResult
        fields = ["item", "text", "result", "note", "work_order"]


class CampaignFindingSerializer(serializers.ModelSerializer[CampaignFinding]):
    point = serializers.CharField(source="point.code", read_only=True, help_text=gettext_lazy("点位编码"))
    point_name = serializers.CharField(source="point.name", read_only=True)
    results = FindingResultSerializer(many=True, read_only=True)
    photos = serializers.SerializerMethodField(help_text=gettext_lazy("照片数"))

    class Meta:
        model = CampaignFinding
        fields = [
            "id",
            "campaign",
            "point",
            "point_name",
            "found_at",
            "found_by_name",
            "description",
            "lng",
            "lat",
            "has_problem",
            "results",
            "photos",
        ]

    def get_photos(self, obj: CampaignFinding) -> int:
        return len(obj.photos.all())


class FindingCreateSerializer(serializers.Serializer[Any]):
    campaign = serializers.IntegerField(help_text=gettext_lazy("专项 id"))
    point = serializers.CharField(help_text=gettext_lazy("点位编码"))
    results = serializers.ListField(
        child=serializers.CharField(max_length=220),
        help_text=gettext_lazy(
            "检查结果，每项“检查项id:结果[:说明]”，结果为 pass、fail 或 na，如 12:fail:桥下堆放垃圾"
        ),
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=6)

    def validate_results(self, value: list[str]) -> list[dict[str, Any]]:
        out = []
        for raw in value:
            item, _sep, rest = raw.partition(":")
            result, _sep2, note = rest.partition(":")
            if not item.strip().isdigit():
                raise serializers.ValidationError(_("格式应为 检查项id:结果[:说明]"))
            out.append({"item": int(item), "result": result.strip(), "note": note.strip()})
        return out


class RemediationQuantitySerializer(serializers.ModelSerializer[RemediationQuantity]):
    item = serializers.CharField(source="item.key", read_only=True, help_text=gettext_lazy("整治项目键"))
    item_name = serializers.CharField(source="item.name", read_only=True)
    work_order = serializers.CharField(source="work_order.tracking_code", read_only=True, default=None)
    territory = serializers.CharField(source="territory.code", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True, default="")

    class Meta:
        model = RemediationQuantity
        fields = [
            "id",
            "campaign",
            "item",
            "item_name",
            "unit",
            "quantity",
            "work_order",
            "finding",
            "hazard",
            "territory",
            "responsible_unit",
            "responsible_unit_name",
            "note",
            "recorded_at",
            "recorded_by_name",
        ]


class QuantityCreateSerializer(serializers.Serializer[Any]):
    campaign = serializers.IntegerField(help_text=gettext_lazy("专项 id"))
    item = serializers.CharField(help_text=gettext_lazy("整治项目键，如 rubbish、posters、wall_paint"))
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=gettext_lazy("数量，大于 0"))
    work_order = serializers.IntegerField(required=False, allow_null=True, help_text=gettext_lazy("专项工单 id"))
    finding = serializers.IntegerField(required=False, allow_null=True, help_text=gettext_lazy("专项排查记录 id"))
    hazard = serializers.IntegerField(required=False, allow_null=True, help_text=gettext_lazy("专项隐患 id"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TagSerializer(serializers.Serializer[Any]):
    work_order = serializers.IntegerField(required=False, help_text=gettext_lazy("工单 id"))
    hazard = serializers.IntegerField(required=False, help_text=gettext_lazy("治安隐患 id"))


CampaignTransitionSerializer = payload_serializer(
    WORKFLOW, refs={}, name="CampaignTransitionRequest", doc="一个专项步骤：name 为操作名，其余为该步骤的输入。"
)


class BulletinRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    points = serializers.IntegerField()
    inspected = serializers.IntegerField()
    inspected_pct = serializers.FloatField()
    findings = serializers.IntegerField()
    problem_findings = serializers.IntegerField()
    cases = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    quantities = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))


class BulletinSerializer(serializers.Serializer[Any]):
    by = serializers.CharField()
    rows = BulletinRowSerializer(many=True)
    totals = CampaignTotalsSerializer()


# --- viewsets --------------------------------------------------------------------------------------------


def _visible_campaign(request: Request, pk: Any) -> Campaign:
    found = campaigns_for(request.user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(_("专项不存在"))
    return found


@extend_schema_view(list=extend_schema(summary="整治量项目"), retrieve=extend_schema(summary="整治量项目详情"))
class QuantityItemViewSet(ListViewSet):
    serializer_class = QuantityItemSerializer
    queryset = QuantityItem.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary


@extend_schema_view(
    list=extend_schema(summary="专项整治列表"),
    retrieve=extend_schema(summary="专项整治详情（含检查项、目标与进度）"),
    create=extend_schema(
        summary="新建专项整治（草稿）", request=CampaignCreateSerializer, responses={201: CampaignDetailSerializer}
    ),
)
class CampaignViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = CampaignFilterSet
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.select_related("territory", "lead_unit")
    scope = SHARED  # narrowed below to the campaigns the requester sees (``campaigns_for``)

    def refine_queryset(self, qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
        qs = qs.filter(pk__in=campaigns_for(self.request.user).values("pk")).order_by("-start_date", "-id")
        if self.action == "list":
            return qs
        return qs.prefetch_related("point_types", "points", "member_units", "checklist_items", "targets__item")

    def get_serializer_class(self) -> Any:
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def _detail(self, campaign: Campaign) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=campaign.pk)
        return dict(CampaignDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CampaignCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["checklist"] = [dict(c) for c in data.get("checklist", [])]
        campaign = campaign_create(actor=request.user, **data)
        return Response(self._detail(campaign), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的专项操作",
        responses=AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行专项操作（启动、结束、重新启动、总结）",
        request=CampaignTransitionSerializer,
        responses={200: CampaignDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, campaign)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = CampaignTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = {k: v for k, v in body.validated_data.items() if k in request.data and k != "name"}
        campaign_transition(actor=request.user, campaign=campaign, name=body.validated_data["name"], **payload)
        return Response(self._detail(campaign))

    @extend_schema(
        summary="将已有工单或治安隐患标记到本专项",
        request=TagSerializer,
        responses={200: CampaignDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def tag(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        body = TagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wo_id, hazard_id = body.validated_data.get("work_order"), body.validated_data.get("hazard")
        if (wo_id is None) == (hazard_id is None):
            raise ValidationFailed(
                _("请给出一个工单或一个隐患"), details=[{"field": "work_order", "reason": "required"}]
            )
        if wo_id is not None:
            campaign_tag_case(actor=request.user, campaign=campaign, work_order=wo_id)
        else:
            campaign_tag_hazard(actor=request.user, campaign=campaign, hazard=hazard_id)
        return Response(self._detail(campaign))

    @extend_schema(
        summary="专项通报（通报责任主体）：JSON，或 file=xlsx / file=pdf 下载",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["territory", "unit"]),
            OpenApiParameter("file", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["xlsx", "pdf"]),
        ],
        responses={
            200: BulletinSerializer,
            (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="专项通报 Excel"),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="专项通报 PDF"),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def bulletin(self, request: Request, pk: str | None = None) -> Any:
        campaign = self.get_object()
        fmt = request.query_params.get("file")
        if fmt in ("xlsx", "pdf"):
            content = bulletin_xlsx(campaign) if fmt == "xlsx" else bulletin_pdf(campaign)
            audit.record(
                actor=request.user,
                action="campaigns.report_download",
                obj=campaign,
                after={"format": fmt},
                only_changes=False,
            )
            response = HttpResponse(content, content_type=XLSX_TYPE if fmt == "xlsx" else "application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{file_stem(campaign)}.{fmt}"'
            return response
        if fmt:
            raise ValidationFailed(_("file 只能为 xlsx 或 pdf"), details=[{"field": "file", "reason": "invalid"}])
        by = "unit" if request.query_params.get("by") == "unit" else "territory"
        return Response(BulletinSerializer(campaign_bulletin(campaign, by=by)).data)


@extend_schema_view(
    list=extend_schema(summary="专项排查记录"),
    retrieve=extend_schema(summary="专项排查记录详情"),
    create=extend_schema(
        summary="登记专项排查（不合格项按设置转立工单）",
        request={"application/json": FindingCreateSerializer, "multipart/form-data": FindingCreateSerializer},
        responses={201: CampaignFindingSerializer},
    ),
)
class CampaignFindingViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = CampaignFindingFilterSet
    serializer_class = CampaignFindingSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = CampaignFinding.objects.select_related("point").prefetch_related(
        "results__item", "results__work_order", "photos"
    )
    scope = SHARED  # narrowed below to the findings of the campaigns the requester sees

    def refine_queryset(self, qs: QuerySet[CampaignFinding]) -> QuerySet[CampaignFinding]:
        return qs.filter(campaign__in=campaigns_for(self.request.user).values("pk")).order_by("-found_at", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        campaign = _visible_campaign(request, data.pop("campaign"))
        point = Point.objects.filter(code=data.pop("point")).first()
        if point is None:
            raise ValidationFailed(_("点位不存在"), details=[{"field": "point", "reason": "unknown_point"}])
        finding = finding_record(actor=request.user, campaign=campaign, point=point, **data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=finding.pk)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(summary="专项整治量"),
    retrieve=extend_schema(summary="专项整治量详情"),
    create=extend_schema(
        summary="填报整治量（在专项工单、排查记录或专项隐患上）",
        request=QuantityCreateSerializer,
        responses={201: RemediationQuantitySerializer},
    ),
)
class RemediationQuantityViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = RemediationQuantityFilterSet
    serializer_class = RemediationQuantitySerializer
    queryset = RemediationQuantity.objects.select_related("item", "work_order", "territory", "responsible_unit")
    scope = SHARED  # narrowed below to the quantities of the campaigns the requester sees

    def refine_queryset(self, qs: QuerySet[RemediationQuantity]) -> QuerySet[RemediationQuantity]:
        return qs.filter(campaign__in=campaigns_for(self.request.user).values("pk")).order_by("-recorded_at", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from wangge.hazards.models import HazardFinding

        body = QuantityCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        campaign = _visible_campaign(request, d["campaign"])
        user = request.user
        target: dict[str, Any] = {}
        if d.get("work_order") is not None:
            wo = campaign_cases(campaign).filter(pk__in=WorkOrder.objects.restrict(user).values("pk"))
            target["work_order"] = wo.filter(pk=d["work_order"]).first() or _missing("work_order")
        if d.get("finding") is not None:
            target["finding"] = campaign.findings.filter(pk=d["finding"]).first() or _missing("finding")
        if d.get("hazard") is not None:
            hazards: QuerySet[HazardFinding] = HazardFinding.objects.restrict(user).filter(
                campaign_tags__campaign=campaign
            )
            target["hazard"] = hazards.filter(pk=d["hazard"]).first() or _missing("hazard")
        row = quantity_record(
            actor=user, campaign=campaign, item=d["item"], quantity=d["quantity"], note=d["note"], **target
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)


def _missing(field: str) -> Any:
    raise ValidationFailed(_("对象不存在或未标记到本专项"), details=[{"field": field, "reason": "not_tagged"}])


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("remediation-items", QuantityItemViewSet, basename="remediation-item")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("campaign-findings", CampaignFindingViewSet, basename="campaign-finding")
    router.register("campaign-quantities", RemediationQuantityViewSet, basename="campaign-quantity")
