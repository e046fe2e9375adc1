"""REST endpoints of 助企包联 (``wangge.enterprises``), registered on the API router by wangge.api.urls through
``register``: the enterprises (read, register), their liaisons (三级包联), the visits (read, record — each problem
raised becomes a 涉企 work order), an enterprise's cases, the service days, the 政银企 matchmaking events with their
participants, and the figures of a month. Every list is scoped to the requester (a liaison cadre also sees the
enterprises it liaises with) and filtered by the app's FilterSets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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

from wangge.api.base import TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound
from wangge.enterprises.choices import Industry, Intention, LiaisonLevel, Occasion, Scale, ServiceDayKind
from wangge.enterprises.filtersets import (
    EnterpriseFilterSet,
    FinancingEventFilterSet,
    LiaisonFilterSet,
    ServiceDayFilterSet,
    VisitFilterSet,
)
from wangge.enterprises.models import (
    Bank,
    Enterprise,
    FinancingEvent,
    FinancingParticipation,
    FinancingProduct,
    Issue,
    Liaison,
    ServiceDay,
    Visit,
)
from wangge.enterprises.selectors import enterprise_figures, enterprise_issues, participations_of
from wangge.enterprises.services import (
    enterprise_from_merchant,
    enterprise_save,
    financing_event_offer_set,
    financing_event_save,
    visit_record,
)
from wangge.ledgers.models import Merchant
from wangge.territory.models import Territory


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    industry = _text(Industry)
    scale = _text(Scale)
    grid = serializers.CharField(source="grid.code", read_only=True, help_text=gettext_lazy("网格编码"))
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "scale",
            "employees",
            "annual_output",
            "address",
            "lng",
            "lat",
            "grid",
            "grid_name",
            "contact_name",
            "merchant",
            "is_active",
        ]


class EnterpriseCreateSerializer(serializers.Serializer[Any]):
    merchant_credit_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=18,
        help_text=gettext_lazy("从商户台账登记：商户的统一社会信用代码（名称、行业、地址、网格取自台账）"),
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18)
    grid = serializers.CharField(required=False, help_text=gettext_lazy("网格编码（直接登记时必填）"))
    industry = serializers.ChoiceField(choices=Industry.choices, default=Industry.OTHER)
    scale = serializers.ChoiceField(choices=Scale.choices, default=Scale.SMALL)
    employees = serializers.IntegerField(min_value=0, default=0)
    annual_output = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, default=Decimal("0"), help_text=gettext_lazy("年产值（万元）")
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50)


class EnterpriseLiaisonSerializer(serializers.ModelSerializer[Liaison]):
    level = _text(LiaisonLevel)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)

    class Meta:
        model = Liaison
        fields = ["id", "enterprise", "level", "cadre", "cadre_name", "unit", "unit_name", "since", "is_active"]


class EnterpriseIssueSerializer(serializers.ModelSerializer[Issue]):
    occasion = _text(Occasion)
    work_order = serializers.CharField(
        source="work_order.tracking_code", read_only=True, help_text=gettext_lazy("工单查询码")
    )
    work_order_status = serializers.CharField(source="work_order.status", read_only=True)
    work_order_status_label = serializers.CharField(source="work_order.get_status_display", read_only=True)
    handled_on_time = serializers.BooleanField(source="work_order.handled_on_time", read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(source="work_order.closed_at", read_only=True, allow_null=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "enterprise",
            "occasion",
            "visit",
            "service_day",
            "raised_on",
            "text",
            "work_order",
            "work_order_status",
            "work_order_status_label",
            "handled_on_time",
            "closed_at",
            "resolved",
            "rating",
        ]


class EnterpriseVisitSerializer(serializers.ModelSerializer[Visit]):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, default=None)
    issues = EnterpriseIssueSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "visited_on",
            "cadre",
            "cadre_name",
            "visitors",
            "findings",
            "problem_count",
            "issues",
        ]


class EnterpriseVisitCreateSerializer(serializers.Serializer[Any]):
    enterprise = serializers.IntegerField(help_text=gettext_lazy("企业 ID"))
    visited_on = serializers.DateField()
    findings = serializers.CharField(max_length=4000)
    visitors = serializers.CharField(required=False, allow_blank=True, max_length=200)
    problems = serializers.ListField(
        child=serializers.CharField(max_length=2000),
        required=False,
        default=list,
        max_length=20,
        help_text=gettext_lazy("企业反映的问题，每个转立一件涉企工单（渠道：助企包联）"),
    )


class EnterpriseServiceDaySerializer(serializers.ModelSerializer[ServiceDay]):
    kind = _text(ServiceDayKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    enterprises: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    cadres: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ServiceDay
        fields = [
            "id",
            "kind",
            "title",
            "territory",
            "nominal_date",
            "held_on",
            "place",
            "note",
            "enterprises",
            "cadres",
        ]


class EnterpriseParticipationSerializer(serializers.ModelSerializer[FinancingParticipation]):
    intention = _text(Intention)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    bank_name = serializers.CharField(source="bank.name", read_only=True, default=None)
    product_name = serializers.CharField(source="product.name", read_only=True, default=None)

    class Meta:
        model = FinancingParticipation
        fields = [
            "enterprise",
            "enterprise_name",
            "need_amount",
            "purpose",
            "bank_name",
            "product_name",
            "intention",
            "credit_granted",
            "loan_disbursed",
        ]


class EnterpriseFinancingEventSerializer(serializers.ModelSerializer[FinancingEvent]):
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    banks: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    products: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    participations = serializers.SerializerMethodField()

    class Meta:
        model = FinancingEvent
        fields = [
            "id",
            "title",
            "held_on",
            "territory",
            "place",
            "organiser",
            "online",
            "banks",
            "products",
            "note",
            "participations",
        ]

    @extend_schema_field(EnterpriseParticipationSerializer(many=True))
    def get_participations(self, obj: FinancingEvent) -> list[dict[str, Any]]:
        """The enterprises at the event that the requester sees."""
        request = self.context.get("request")
        rows = participations_of(obj, getattr(request, "user", None))
        return [dict(r) for r in EnterpriseParticipationSerializer(rows, many=True).data]


class EnterpriseFinancingOfferSerializer(serializers.Serializer[Any]):
    banks: Any = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Bank.objects.all(), help_text=gettext_lazy("参与银行 ID")
    )
    products: Any = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=FinancingProduct.objects.all(),
        required=False,
        default=list,
        help_text=gettext_lazy("推介产品 ID（须属于参与银行）"),
    )


class EnterpriseFinancingEventCreateSerializer(EnterpriseFinancingOfferSerializer):
    title = serializers.CharField(max_length=120)
    held_on = serializers.DateField()
    territory = serializers.CharField(max_length=40, help_text=gettext_lazy("举办辖区编码（区、街道或社区）"))
    place = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    organiser = serializers.CharField(
        required=False, allow_blank=True, max_length=120, default="", help_text=gettext_lazy("主办单位")
    )
    online = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class EnterpriseFiguresQuerySerializer(serializers.Serializer[Any]):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text=gettext_lazy("月份 YYYY-MM"))
    territory = serializers.CharField(required=False)


@extend_schema_view(
    list=extend_schema(summary="包联企业列表"),
    retrieve=extend_schema(summary="包联企业详情"),
    create=extend_schema(
        summary="登记包联企业（从商户台账或直接登记）",
        request=EnterpriseCreateSerializer,
        responses={201: EnterpriseSerializer},
    ),
)
class EnterpriseViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = EnterpriseFilterSet
    serializer_class = EnterpriseSerializer
    queryset = Enterprise.objects.select_related("grid").order_by("name", "id")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = EnterpriseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        code = str(d.pop("merchant_credit_code", "") or "").strip().upper()
        extra = {k: d[k] for k in ("industry", "scale", "employees", "annual_output")}
        if code:
            merchant: Merchant | None = Merchant.objects.restrict(request.user).filter(credit_code=code).first()
            if merchant is None:
                raise NotFound(_("商户台账中没有该统一社会信用代码"))
            e = enterprise_from_merchant(actor=request.user, merchant=merchant, **extra)
        else:
            grid = Territory.objects.restrict(request.user).filter(code=d.get("grid") or "").first()
            if grid is None:
                raise NotFound(_("网格不存在"))
            e = enterprise_save(
                actor=request.user,
                grid=grid,
                name=d.get("name") or "",
                credit_code=d.get("credit_code") or "",
                address=d.get("address") or "",
                contact_name=d.get("contact_name") or "",
                **extra,
            )
        return Response(EnterpriseSerializer(e).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="企业诉求（走访、服务日反映的问题及其工单）",
        responses=EnterpriseIssueSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def cases(self, request: Request, pk: str | None = None) -> Response:
        e = self.get_object()
        return Response(EnterpriseIssueSerializer(enterprise_issues(e), many=True).data)

    @extend_schema(
        summary="助企统计（人均包联企业、本月走访、走访覆盖率、涉企诉求办结与按期、授信放款）",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.QUERY, description="YYYY-MM"),
            OpenApiParameter("territory", OpenApiTypes.STR, OpenApiParameter.QUERY),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request: Request) -> Response:
        query = EnterpriseFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        raw = query.validated_data.get("month")
        month = dt.date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
        code = query.validated_data.get("territory")
        node = None
        if code:
            node = Territory.objects.restrict(request.user).filter(code=code).first()
            if node is None:
                raise NotFound(_("辖区不存在"))
        figures = enterprise_figures(request.user, month, node=node)
        return Response(figures)


@extend_schema_view(list=extend_schema(summary="三级包联关系列表"), retrieve=extend_schema(summary="包联关系详情"))
class EnterpriseLiaisonViewSet(ListViewSet):
    filterset_class = LiaisonFilterSet
    serializer_class = EnterpriseLiaisonSerializer
    queryset = Liaison.objects.select_related("cadre", "unit").order_by("enterprise_id", "level", "id")
    scope = TERRITORY


@extend_schema_view(
    list=extend_schema(summary="走访记录列表"),
    retrieve=extend_schema(summary="走访记录详情"),
    create=extend_schema(
        summary="记录走访（反映的问题各转立一件涉企工单）",
        request=EnterpriseVisitCreateSerializer,
        responses={201: EnterpriseVisitSerializer},
    ),
)
class EnterpriseVisitViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = VisitFilterSet
    serializer_class = EnterpriseVisitSerializer
    queryset = Visit.objects.select_related("enterprise", "cadre").order_by("-visited_on", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Visit]) -> QuerySet[Visit]:
        return qs.prefetch_related(Prefetch("issues", queryset=Issue.objects.select_related("work_order")))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = EnterpriseVisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        e = Enterprise.objects.restrict(request.user).select_related("grid").filter(pk=d["enterprise"]).first()
        if e is None:
            raise NotFound(_("企业不存在"))
        visit = visit_record(
            actor=request.user,
            enterprise=e,
            visited_on=d["visited_on"],
            findings=d["findings"],
            visitors=d.get("visitors") or "",
            problems=d.get("problems") or [],
        )
        fresh = self.get_queryset().get(pk=visit.pk)
        return Response(EnterpriseVisitSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="助企服务日列表"), retrieve=extend_schema(summary="助企服务日详情"))
class EnterpriseServiceDayViewSet(ListViewSet):
    filterset_class = ServiceDayFilterSet
    serializer_class = EnterpriseServiceDaySerializer
    queryset = ServiceDay.objects.select_related("territory").prefetch_related("enterprises", "cadres")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[ServiceDay]) -> QuerySet[ServiceDay]:
        return qs.order_by("-held_on", "kind", "id")


@extend_schema_view(
    list=extend_schema(summary="政银企对接活动列表"),
    retrieve=extend_schema(summary="政银企对接活动详情（含对接企业）"),
    create=extend_schema(
        summary="创建政银企对接活动（日期、地点、主办单位、举办辖区、参与银行及推介产品）",
        request=EnterpriseFinancingEventCreateSerializer,
        responses={201: EnterpriseFinancingEventSerializer},
    ),
)
class EnterpriseFinancingEventViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = FinancingEventFilterSet
    serializer_class = EnterpriseFinancingEventSerializer
    queryset = FinancingEvent.objects.select_related("territory").prefetch_related("banks", "products")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[FinancingEvent]) -> QuerySet[FinancingEvent]:
        return qs.order_by("-held_on", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = EnterpriseFinancingEventCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        territory = Territory.objects.restrict(request.user).filter(code=d.pop("territory")).first()
        if territory is None:
            raise NotFound(_("辖区不存在"))
        event = financing_event_save(actor=request.user, territory=territory, **d)
        fresh = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="调整对接活动的参与银行和推介产品",
        request=EnterpriseFinancingOfferSerializer,
        responses={200: EnterpriseFinancingEventSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def offer(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        body = EnterpriseFinancingOfferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        financing_event_offer_set(actor=request.user, event=event, banks=d["banks"], products=d["products"])
        fresh = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(fresh).data)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
    router.register("enterprise-liaisons", EnterpriseLiaisonViewSet, basename="enterprise-liaison")
    router.register("enterprise-visits", EnterpriseVisitViewSet, basename="enterprise-visit")
    router.register("enterprise-service-days", EnterpriseServiceDayViewSet, basename="enterprise-service-day")
    router.register(
        "enterprise-financing-events", EnterpriseFinancingEventViewSet, basename="enterprise-financing-event"
    )
