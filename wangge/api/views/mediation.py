"""REST endpoints of 矛盾纠纷调解 (三调联动), registered on the API router by wangge.api.urls through ``register``:
the dispute types (a dictionary), the disputes (scoped to the requester's territory subtree) with their
parties, tracks, sessions and history, the workflow steps (``GET``/``POST …/transitions/``, payload generated
from ``mediation.workflow``), the 调解协议书 PDF, the summary figures, and the register of mediation
organisations and mediators.

The parties' ID numbers and phones leave masked unless the request asks ``?reveal=true`` and the requester may
``reveal`` the dispute; every response that shows a full number is written to the audit trail by the base view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.roles import REVEAL
from wangge.api.base import SHARED, TERRITORY
from wangge.api.serializers.common import REVEAL_PARAMETER, reveal_asked, reveal_log
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.core import audit
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.validators import mask_id_number, mask_phone
from wangge.core.workflow import Input
from wangge.ledgers.models import Resident
from wangge.mediation.choices import (
    AgreementKind,
    CauseClass,
    Confirmation,
    DisputeSource,
    DisputeStatus,
    MediatorKind,
    OrganisationKind,
    Outcome,
    PartyKind,
    PartySide,
    RiskLevel,
    Track,
)
from wangge.mediation.documents import agreement_pdf
from wangge.mediation.filtersets import DisputeFilterSet, MediatorFilterSet, OrganisationFilterSet
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeSession,
    DisputeStint,
    DisputeType,
    MediationOrganisation,
    Mediator,
)
from wangge.mediation.selectors import dispute_summary, mediator_caseloads, mediators_for, organisations_for
from wangge.mediation.services import dispute_from_work_order, dispute_register, dispute_transition
from wangge.mediation.workflow import EVENT_LABELS, WORKFLOW, available
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder

# --- serializers -------------------------------------------------------------------------------------------
# Choices travel as plain text (their values listed in the help), so no enum component of the schema is named
# after a field other apps use too (``status``, ``kind``); the services check every value.


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class DisputeTypeSerializer(serializers.ModelSerializer[DisputeType]):
    class Meta:
        model = DisputeType
        fields = ["id", "key", "name", "ordering", "is_active"]


class MediationOrganisationSerializer(serializers.ModelSerializer[MediationOrganisation]):
    kind = _text(OrganisationKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    track = serializers.SerializerMethodField(help_text=gettext_lazy("调解类型：people、administrative、judicial"))

    class Meta:
        model = MediationOrganisation
        fields = ["id", "name", "kind", "track", "territory", "territory_name", "address", "phone", "is_active"]

    def get_track(self, obj: MediationOrganisation) -> str:
        from wangge.mediation.choices import ORGANISATION_TRACK

        return ORGANISATION_TRACK.get(obj.kind, "")


class MediatorSerializer(serializers.ModelSerializer[Mediator]):
    kind = _text(MediatorKind)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    communities = serializers.SerializerMethodField(help_text=gettext_lazy("联系社区编码"))
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（脱敏）"))
    cases = serializers.IntegerField(read_only=True, help_text=gettext_lazy("累计调解件数"))
    open_cases = serializers.IntegerField(read_only=True, help_text=gettext_lazy("在调件数"))
    resolved_cases = serializers.IntegerField(read_only=True, help_text=gettext_lazy("调解成功件数"))

    class Meta:
        model = Mediator
        fields = [
            "id",
            "name",
            "kind",
            "title",
            "organisation",
            "organisation_name",
            "communities",
            "phone",
            "is_active",
            "cases",
            "open_cases",
            "resolved_cases",
        ]

    def get_communities(self, obj: Mediator) -> list[str]:
        return [c.code for c in obj.communities.all()]

    def get_phone(self, obj: Mediator) -> str:
        return mask_phone(obj.phone or "")


class DisputePartySerializer(serializers.ModelSerializer[DisputeParty]):
    side = _text(PartySide)
    kind = _text(PartyKind)
    id_number = serializers.SerializerMethodField(help_text=gettext_lazy("公民身份号码（默认脱敏）"))
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（默认脱敏）"))

    class Meta:
        model = DisputeParty
        fields = ["id", "side", "kind", "name", "resident", "id_number", "phone"]

    def _full(self, obj: DisputeParty, field: str) -> str | None:
        if obj.dispute_id not in self.context.get("revealed_disputes", set()):
            return None
        seen = reveal_log(self.context.get("request")).setdefault(
            "mediation.disputeparty", {"ids": set(), "fields": set()}
        )
        seen["ids"].add(obj.pk)
        seen["fields"].add(field)
        return str(getattr(obj, field) or "")

    def get_id_number(self, obj: DisputeParty) -> str:
        full = self._full(obj, "id_number") if obj.id_number else None
        return full if full is not None else mask_id_number(obj.id_number or "")

    def get_phone(self, obj: DisputeParty) -> str:
        full = self._full(obj, "phone") if obj.phone else None
        return full if full is not None else mask_phone(obj.phone or "")


class DisputeStintSerializer(serializers.ModelSerializer[DisputeStint]):
    track = _text(Track)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    mediator_name = serializers.CharField(source="mediator.name", read_only=True, default="")

    class Meta:
        model = DisputeStint
        fields = [
            "track",
            "organisation",
            "organisation_name",
            "mediator",
            "mediator_name",
            "started_at",
            "ended_at",
            "outcome",
        ]


class DisputeSessionSerializer(serializers.ModelSerializer[DisputeSession]):
    class Meta:
        model = DisputeSession
        fields = ["held_on", "place", "attendees", "notes"]


class DisputeEventSerializer(serializers.ModelSerializer[DisputeEvent]):
    from_status = _text(DisputeStatus)
    to_status = _text(DisputeStatus)
    step_label = serializers.SerializerMethodField(help_text=gettext_lazy("操作名称"))

    class Meta:
        model = DisputeEvent
        fields = ["action", "step_label", "from_status", "to_status", "at", "actor_name", "note", "data"]

    def get_step_label(self, obj: DisputeEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class DisputeSerializer(serializers.ModelSerializer[Dispute]):
    source = _text(DisputeSource)  # type: ignore[assignment]
    cause_class = _text(CauseClass)
    risk_level = _text(RiskLevel)
    status = _text(DisputeStatus)
    track = _text(Track)
    outcome = _text(Outcome)
    type = serializers.CharField(source="type.key", read_only=True, help_text=gettext_lazy("纠纷类型键"))
    grid = serializers.CharField(source="grid.code", read_only=True, help_text=gettext_lazy("网格编码"))
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    work_order = serializers.CharField(
        source="work_order.tracking_code", read_only=True, default=None, help_text=gettext_lazy("来源工单查询码")
    )

    class Meta:
        model = Dispute
        fields = [
            "id",
            "code",
            "title",
            "source",
            "work_order",
            "cause_class",
            "type",
            "amount",
            "people_count",
            "party_count",
            "risk_level",
            "risk_reasons",
            "grid",
            "grid_name",
            "found_at",
            "status",
            "accepted_at",
            "track",
            "organisation",
            "mediator",
            "due_at",
            "outcome",
            "resolved_at",
            "escalated_at",
            "supervised",
        ]


class DisputeDetailSerializer(DisputeSerializer):
    agreement_kind = _text(AgreementKind)
    confirmation = _text(Confirmation)
    parties = DisputePartySerializer(many=True, read_only=True)
    stints = DisputeStintSerializer(many=True, read_only=True)
    sessions = DisputeSessionSerializer(many=True, read_only=True)
    events = DisputeEventSerializer(many=True, read_only=True)

    class Meta(DisputeSerializer.Meta):
        fields = [
            *DisputeSerializer.Meta.fields,
            "description",
            "address",
            "source_reference",
            "threat_of_violence",
            "petition_risk",
            "is_repeat",
            "time_limit_days",
            "extended_days",
            "agreement_kind",
            "agreement_terms",
            "agreement_no",
            "confirmation",
            "followed_up_at",
            "performed",
            "closed_at",
            "parties",
            "stints",
            "sessions",
            "events",
        ]


class DisputePartyInSerializer(serializers.Serializer[Any]):
    side = serializers.CharField(required=False, help_text=_values(PartySide))
    kind = serializers.CharField(required=False, help_text=_values(PartyKind))
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    resident = serializers.PrimaryKeyRelatedField(
        queryset=Resident.objects.all(), required=False, allow_null=True, help_text=gettext_lazy("基础台账人员 id")
    )
    id_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["resident"].queryset = Resident.objects.restrict(user)  # type: ignore[attr-defined]


class DisputeCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, help_text=_values(DisputeSource))  # type: ignore[assignment]
    source_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    work_order = serializers.IntegerField(
        required=False, help_text=gettext_lazy("转调解：工单 id（地点与来源取自工单）")
    )
    cause_class = serializers.CharField(help_text=_values(CauseClass))
    type = serializers.SlugRelatedField(
        slug_field="key", queryset=DisputeType.objects.all(), help_text=gettext_lazy("纠纷类型键")
    )
    parties = DisputePartyInSerializer(many=True)
    grid = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Territory.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("网格编码"),
    )
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    people_count = serializers.IntegerField(required=False, allow_null=True)
    threat_of_violence = serializers.BooleanField(required=False, default=False)
    petition_risk = serializers.BooleanField(required=False, default=False)
    declared_risk = serializers.CharField(required=False, default=RiskLevel.LOW, help_text=_values(RiskLevel))
    found_at = serializers.DateTimeField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["grid"].queryset = Territory.objects.restrict(user)  # type: ignore[attr-defined]


def _organisation_field(i: Input) -> serializers.Field:
    return serializers.IntegerField(required=False, allow_null=True, help_text=str(i.help or i.label))


def _mediator_field(i: Input) -> serializers.Field:
    return serializers.IntegerField(required=False, allow_null=True, help_text=str(i.help or i.label))


DisputeTransitionSerializer = payload_serializer(
    WORKFLOW,
    refs={"organisation": _organisation_field, "mediator": _mediator_field},
    name="DisputeTransitionRequest",
    doc="一个调解步骤：name 为操作名，其余为该步骤的输入。",
)


class DisputeSummaryQuerySerializer(serializers.Serializer[Any]):
    territory = serializers.CharField(required=False, help_text=gettext_lazy("辖区编码（缺省为可见的最高一级）"))
    start = serializers.DateField(required=False, help_text=gettext_lazy("起始日期"))
    end = serializers.DateField(required=False, help_text=gettext_lazy("截止日期"))


# --- viewsets --------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="纠纷类型"), retrieve=extend_schema(summary="纠纷类型详情"))
class DisputeTypeViewSet(ListViewSet):
    serializer_class = DisputeTypeSerializer
    queryset = DisputeType.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary


@extend_schema_view(list=extend_schema(summary="调解组织"), retrieve=extend_schema(summary="调解组织详情"))
class OrganisationViewSet(ListViewSet):
    filterset_class = OrganisationFilterSet
    serializer_class = MediationOrganisationSerializer
    queryset = MediationOrganisation.objects.select_related("territory").order_by("kind", "name")
    scope = SHARED  # narrowed below to the organisations serving the requester's territory

    def refine_queryset(self, qs: QuerySet[MediationOrganisation]) -> QuerySet[MediationOrganisation]:
        return qs.filter(pk__in=organisations_for(self.request.user).values("pk"))


@extend_schema_view(list=extend_schema(summary="调解员（含办案量）"), retrieve=extend_schema(summary="调解员详情"))
class MediatorViewSet(ListViewSet):
    filterset_class = MediatorFilterSet
    serializer_class = MediatorSerializer
    queryset = Mediator.objects.select_related("organisation").order_by("organisation_id", "name", "id")
    scope = SHARED  # narrowed below to the mediators of the organisations serving the requester's territory

    def refine_queryset(self, qs: QuerySet[Mediator]) -> QuerySet[Mediator]:
        mine = qs.filter(pk__in=mediators_for(self.request.user).values("pk"))
        return mediator_caseloads(mine).prefetch_related("communities")


def _transition_payload(request: Request, validated: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the client sent: an absent field must read as missing to the service."""
    return {k: v for k, v in validated.items() if k in request.data and k not in ("name", "expected_version")}


@extend_schema_view(
    list=extend_schema(summary="矛盾纠纷列表"),
    retrieve=extend_schema(
        summary="矛盾纠纷详情（含当事人、调解经历、调解记录与处置记录）", parameters=[REVEAL_PARAMETER]
    ),
    create=extend_schema(
        summary="登记矛盾纠纷（或由工单转调解）",
        request=DisputeCreateSerializer,
        responses={201: DisputeDetailSerializer},
    ),
)
class DisputeViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = DisputeFilterSet
    serializer_class = DisputeSerializer
    queryset = Dispute.objects.select_related("type", "grid", "work_order")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Dispute]) -> QuerySet[Dispute]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(
            Prefetch("parties", queryset=DisputeParty.objects.order_by("id")),
            Prefetch("stints", queryset=DisputeStint.objects.select_related("organisation", "mediator")),
            "sessions",
            Prefetch("events", queryset=DisputeEvent.objects.order_by("at", "id")),
        )

    def get_serializer_class(self) -> Any:
        return DisputeSerializer if self.action == "list" else DisputeDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["revealed_disputes"] = set()
        return context

    def _detail(self, dispute: Dispute) -> dict[str, Any]:
        context = self.get_serializer_context()
        if (
            reveal_asked(self.request)
            and Dispute.objects.restrict(self.request.user, REVEAL).filter(pk=dispute.pk).exists()
        ):
            context["revealed_disputes"] = {dispute.pk}
        return dict(DisputeDetailSerializer(dispute, context=context).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = DisputeCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        parties = [dict(p) for p in data.pop("parties")]
        wo_id = data.pop("work_order", None)
        if wo_id is not None:
            wo: WorkOrder | None = WorkOrder.objects.restrict(request.user).filter(pk=wo_id).first()
            if wo is None:
                raise NotFound(_("工单不存在"))
            for key in ("source", "source_reference", "grid", "lng", "lat", "address", "found_at"):
                data.pop(key, None)
            dispute = dispute_from_work_order(actor=request.user, work_order=wo, parties=parties, **data)
        else:
            if not data.get("title"):
                raise ValidationFailed(_("请填写纠纷概要"), details=[{"field": "title", "reason": "required"}])
            dispute = dispute_register(actor=request.user, parties=parties, **data)
        return Response(self._detail(self.get_queryset().get(pk=dispute.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的调解操作",
        responses=AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行调解操作（受理、指派、调解记录、延期、达成协议、调解不成、分流、司法确认、回访、上报、督办）",
        request=DisputeTransitionSerializer,
        responses={200: DisputeDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        dispute = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, dispute)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = DisputeTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = _transition_payload(request, dict(body.validated_data))
        dispute_transition(actor=request.user, dispute=dispute, name=body.validated_data["name"], **payload)
        return Response(self._detail(self.get_queryset().get(pk=dispute.pk)))

    @extend_schema(
        summary="下载调解协议书（PDF，当事人号码脱敏）",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="调解协议书")},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def agreement(self, request: Request, pk: str | None = None) -> HttpResponse:
        dispute = self.get_object()
        pdf = agreement_pdf(dispute)
        audit.record(actor=request.user, action="mediation.agreement_download", obj=dispute, only_changes=False)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{dispute.code}-agreement.pdf"'
        return response

    @extend_schema(
        summary="矛盾纠纷统计（排查数、受理数、调解成功数、化解率及分项）",
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
        query = DisputeSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        visible = Territory.objects.restrict(request.user)
        code = query.validated_data.get("territory")
        node = visible.filter(code=code).first() if code else visible.order_by("depth", "path").first()
        if node is None:
            raise NotFound(_("辖区不存在"))
        end: dt.date = query.validated_data.get("end") or timezone.localdate()
        start: dt.date = query.validated_data.get("start") or end - dt.timedelta(days=364)
        return Response(dispute_summary(node, start, end, qs=Dispute.objects.restrict(request.user)))


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("dispute-types", DisputeTypeViewSet, basename="dispute-type")
    router.register("disputes", DisputeViewSet, basename="dispute")
    router.register("mediation-organisations", OrganisationViewSet, basename="mediation-organisation")
    router.register("mediators", MediatorViewSet, basename="mediator")
