"""REST endpoints of 公共法律服务 (registered on the API router by ``register``): legal advisers and their service
records, 法律明白人, liaisons, legal-aid points, legal-aid cases with the steps of their workflow, consultations, and
the figures of the requester's scope. Every list is scoped to the requester's territory subtree; personal numbers
leave masked unless ``?reveal=true`` is asked by a requester who may reveal that row (each reveal audited)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import TERRITORY, ScopedViewSet
from wangge.api.schema import SingleObjectSchema
from wangge.api.serializers.common import (
    REVEAL_PARAMETER,
    PagedListSerializer,
    PreparedMixin,
    phone_out,
    reveal_log,
    revealed_ids,
)
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.validators import mask_id_number
from wangge.legalservice import selectors, services
from wangge.legalservice.choices import (
    AidMatter,
    AidOutcome,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)
from wangge.legalservice.filtersets import (
    AdviserServiceFilterSet,
    ConsultationFilterSet,
    LegalAdviserFilterSet,
    LegalAidCaseFilterSet,
    LegalAidPointFilterSet,
    LegalLiterateFilterSet,
    LiaisonFilterSet,
)
from wangge.legalservice.models import (
    AdviserCommunity,
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidEvent,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.workflow import EVENT_LABELS, WORKFLOW, available
from wangge.territory.models import Territory

# --- serializers ------------------------------------------------------------------------------------------------


def _code(help_text: Any, **kwargs: Any) -> serializers.SlugRelatedField[Territory]:
    """A territory named by its code (the service checks the level and that the requester may change it)."""
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Territory.objects.all(), help_text=help_text, **kwargs
    )


def _choice(choices: Any, **kwargs: Any) -> serializers.CharField:
    """A choice as plain text (the service refuses a value not among ``choices`` with 400 and the field); the
    values are listed in the help, so the schema declares no enum that would collide with another app's."""
    values = "、".join(f"{v} {label}" for v, label in choices.choices if v)
    return serializers.CharField(max_length=20, help_text=values, **kwargs)


def _choice_out(choices: Any) -> serializers.CharField:
    values = "、".join(f"{v} {label}" for v, label in choices.choices if v)
    return serializers.CharField(read_only=True, help_text=values)


class _Revealing(PreparedMixin):
    """Numbers in full only for the rows the request may reveal (``?reveal=true``)."""

    def collect(self, items: list[Any]) -> dict[str, Any]:
        model = type(items[0]) if items else None
        return {"revealed": revealed_ids(model, self, items) if model else set()}


def id_out(serializer: Any, obj: Any, field: str) -> str:
    """As ``phone_out`` for a 公民身份号码."""
    value = getattr(obj, field) or ""
    if not value or obj.pk not in serializer.page_for(obj)["revealed"]:
        return mask_id_number(value)
    seen = reveal_log(serializer.context.get("request")).setdefault(
        f"{obj._meta.app_label}.{obj._meta.model_name}", {"ids": set(), "fields": set()}
    )
    seen["ids"].add(obj.pk)
    seen["fields"].add(field)
    return str(value)


class AdviserCommunitySerializer(serializers.ModelSerializer[AdviserCommunity]):
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = AdviserCommunity
        fields = ["community_code", "community_name", "since", "until"]


class LegalAdviserSerializer(_Revealing, serializers.ModelSerializer[LegalAdviser]):
    phone = serializers.SerializerMethodField(help_text=_("联系电话；无查看权限时脱敏"))
    territory_code = serializers.CharField(source="territory.code", read_only=True)
    served = AdviserCommunitySerializer(many=True, read_only=True)

    class Meta:
        model = LegalAdviser
        fields = ["id", "name", "law_firm", "licence_no", "phone", "territory_code", "is_active", "served"]
        list_serializer_class = PagedListSerializer

    def get_phone(self, obj: LegalAdviser) -> str:
        return phone_out(self, obj, "phone")


class AdviserInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    law_firm = serializers.CharField(max_length=100)
    licence_no = serializers.CharField(max_length=17, help_text=_("执业证号，17 位数字"))
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    territory = _code(_("登记辖区编码（区、街道或社区）"))
    communities = serializers.ListField(child=_code(_("社区编码")), required=False, help_text=_("服务社区（村）编码"))
    since = serializers.DateField(required=False, allow_null=True)


class AdviserServiceSerializer(serializers.ModelSerializer[AdviserService]):
    community_code = serializers.CharField(source="community.code", read_only=True)
    kind = _choice_out(ServiceKind)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = AdviserService
        fields = ["id", "adviser", "community_code", "date", "kind", "kind_label", "attendees", "notes"]


class AdviserServiceInputSerializer(serializers.Serializer[Any]):
    adviser = serializers.IntegerField(help_text=_("法律顾问 id"))
    community = _code(_("社区编码"))
    date = serializers.DateField()
    kind = _choice(ServiceKind)
    attendees = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class LegalLiterateSerializer(_Revealing, serializers.ModelSerializer[LegalLiterate]):
    phone = serializers.SerializerMethodField(help_text=_("联系电话；无查看权限时脱敏"))
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = LegalLiterate
        fields = ["id", "name", "grid_code", "grid_name", "identity", "phone", "trained_on", "is_active"]
        list_serializer_class = PagedListSerializer

    def get_phone(self, obj: LegalLiterate) -> str:
        return phone_out(self, obj, "phone")


class LiterateInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    grid = _code(_("网格编码"))
    identity = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    trained_on = serializers.DateField(required=False, allow_null=True)


class LiaisonSerializer(_Revealing, serializers.ModelSerializer[Liaison]):
    phone = serializers.SerializerMethodField(help_text=_("联系电话；无查看权限时脱敏"))
    role = _choice_out(LiaisonRole)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Liaison
        fields = [
            "id",
            "role",
            "role_label",
            "institution",
            "person_name",
            "phone",
            "community_code",
            "community_name",
            "starts_on",
            "ends_on",
        ]
        list_serializer_class = PagedListSerializer

    def get_phone(self, obj: Liaison) -> str:
        return phone_out(self, obj, "phone")


class LiaisonInputSerializer(serializers.Serializer[Any]):
    role = _choice(LiaisonRole)
    institution = serializers.CharField(max_length=100)
    person_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    community = _code(_("社区编码"))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class LegalAidPointSerializer(serializers.ModelSerializer[LegalAidPoint]):
    kind = _choice_out(AidPointKind)
    territory_code = serializers.CharField(source="territory.code", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)

    class Meta:
        model = LegalAidPoint
        fields = [
            "id",
            "name",
            "kind",
            "territory_code",
            "territory_name",
            "address",
            "opening_hours",
            "contact_name",
            "contact_phone",
            "is_active",
        ]


class AidPointInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    kind = _choice(AidPointKind, default=AidPointKind.STATION)
    territory = _code(_("所在辖区编码"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    opening_hours = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)


class LegalAidEventSerializer(serializers.ModelSerializer[LegalAidEvent]):
    from_status = _choice_out(AidStatus)
    to_status = _choice_out(AidStatus)
    label = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = LegalAidEvent
        fields = ["id", "action", "label", "from_status", "to_status", "at", "actor_name", "note"]

    def get_label(self, obj: LegalAidEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class LegalAidCaseSerializer(_Revealing, serializers.ModelSerializer[LegalAidCase]):
    applicant_id_number = serializers.SerializerMethodField(help_text=_("申请人身份证号；无查看权限时脱敏"))
    applicant_phone = serializers.SerializerMethodField(help_text=_("申请人电话；无查看权限时脱敏"))
    territory_code = serializers.CharField(source="territory.code", read_only=True)
    status = _choice_out(AidStatus)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    review_overdue = serializers.SerializerMethodField(help_text=_("待审查且已过审查期限"))
    matter = _choice_out(AidMatter)
    outcome = _choice_out(AidOutcome)

    class Meta:
        model = LegalAidCase
        fields = [
            "id",
            "code",
            "territory_code",
            "point",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "matter",
            "received_at",
            "review_days",
            "review_due_at",
            "review_provisional",
            "review_overdue",
            "reviewed_at",
            "reviewed_on_time",
            "lawyer_name",
            "lawyer_firm",
            "assigned_at",
            "outcome",
            "closed_at",
            "status",
            "status_label",
            "version",
        ]
        list_serializer_class = PagedListSerializer

    def get_applicant_id_number(self, obj: LegalAidCase) -> str:
        return id_out(self, obj, "applicant_id_number")

    def get_applicant_phone(self, obj: LegalAidCase) -> str:
        return phone_out(self, obj, "applicant_phone")

    def get_review_overdue(self, obj: LegalAidCase) -> bool:
        return selectors.is_review_overdue(obj)


class LegalAidCaseDetailSerializer(LegalAidCaseSerializer):
    events = LegalAidEventSerializer(many=True, read_only=True)

    class Meta(LegalAidCaseSerializer.Meta):
        fields = [*LegalAidCaseSerializer.Meta.fields, "summary", "rejection_reason", "outcome_note", "events"]


class AidCaseInputSerializer(serializers.Serializer[Any]):
    territory = _code(_("申请人所在辖区编码"))
    point = serializers.IntegerField(required=False, allow_null=True, help_text=_("受理站点 id"))
    applicant_name = serializers.CharField(max_length=50)
    applicant_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    matter = _choice(AidMatter)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False, help_text=_("申请时间；默认当前时间"))
    review_days = serializers.IntegerField(min_value=1, max_value=60, default=services.DEFAULT_REVIEW_DAYS)


AidTransitionRequestSerializer = payload_serializer(
    WORKFLOW,
    refs={},
    name="LegalAidTransitionRequestSerializer",
    doc="One step of a legal-aid case. Which fields a step needs: ``GET …/transitions/`` (``requires``).",
    version_help=_("可不填（案件以状态判断是否已被他人处理）"),
)


class ConsultationSerializer(serializers.ModelSerializer[Consultation]):
    channel = _choice_out(ConsultChannel)
    matter = _choice_out(AidMatter)
    referral = _choice_out(Referral)
    territory_code = serializers.CharField(source="territory.code", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "territory_code",
            "consulted_on",
            "channel",
            "matter",
            "topic",
            "answered_by",
            "adviser",
            "referral",
            "note",
        ]


class ConsultationInputSerializer(serializers.Serializer[Any]):
    territory = _code(_("所属辖区编码"))
    consulted_on = serializers.DateField()
    channel = _choice(ConsultChannel)
    matter = _choice(AidMatter, default=AidMatter.OTHER)
    topic = serializers.CharField(max_length=200)
    answered_by = serializers.CharField(max_length=50)
    adviser = serializers.IntegerField(required=False, allow_null=True, help_text=_("解答的法律顾问 id"))
    referral = _choice(Referral, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CoverageRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="community.code", help_text=_("社区（村）编码"))
    name = serializers.CharField(source="community.name")
    advisers = serializers.ListField(child=serializers.CharField(), help_text=_("当日在任的法律顾问"))
    has_adviser = serializers.BooleanField()
    liaisons = serializers.SerializerMethodField(help_text=_("身份 → 当日在岗联络人姓名"))
    missing_roles = serializers.ListField(child=serializers.CharField(), help_text=_("缺少联络人的身份"))
    liaisons_complete = serializers.BooleanField(help_text=_("法官、检察官、民警、律师均有联络人"))

    def get_liaisons(self, row: dict[str, Any]) -> dict[str, list[str]]:
        return {role: names for role, names in row["liaisons"]}


class CoverageQuerySerializer(serializers.Serializer[Any]):
    on = serializers.DateField(required=False, help_text=_("统计日期；默认今天"))


class StreetCountSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(source="street.code", help_text=_("街道编码"))
    name = serializers.CharField(source="street.name")
    count = serializers.IntegerField(help_text=_("在册法律明白人数"))
    grids = serializers.IntegerField(help_text=_("有法律明白人的网格数"))


class PeriodQuerySerializer(serializers.Serializer[Any]):
    date_from = serializers.DateField(help_text=_("起始日期（含）"))
    date_to = serializers.DateField(help_text=_("截止日期（含）"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("截止日期不能早于起始日期")]})
        return attrs


class ConsultationCountsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    by_channel = serializers.DictField(child=serializers.IntegerField(), help_text=_("咨询方式 → 件数"))
    referred_legal_aid = serializers.IntegerField()
    referred_mediation = serializers.IntegerField()


# --- viewsets -----------------------------------------------------------------------------------------------------


class _Creating(ListViewSet, mixins.CreateModelMixin):
    """A scoped register that also takes new rows through its service (``create_with``)."""

    input_serializer: type[serializers.Serializer[Any]]

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:  # pragma: no cover - each register defines it
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.input_serializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        obj = self.create_with(request.user, dict(body.validated_data))
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


def _scoped_row(model: Any, user: Any, pk: Any, field: str) -> Any:
    """A referenced row the requester sees, or a 400 naming the field (out of scope reads as missing)."""
    if pk is None:
        return None
    row = model.objects.restrict(user).filter(pk=pk).first()
    if row is None:
        raise serializers.ValidationError({field: [_("不存在")]})
    return row


@extend_schema_view(
    list=extend_schema(summary="法律顾问列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="法律顾问详情", parameters=[REVEAL_PARAMETER]),
    create=extend_schema(
        summary="登记法律顾问", request=AdviserInputSerializer, responses={201: LegalAdviserSerializer}
    ),
)
class LegalAdviserViewSet(_Creating):
    filterset_class = LegalAdviserFilterSet
    serializer_class = LegalAdviserSerializer
    input_serializer = AdviserInputSerializer
    queryset = LegalAdviser.objects.select_related("territory").prefetch_related(
        Prefetch("served", queryset=AdviserCommunity.objects.select_related("community"))
    )
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        return services.adviser_create(actor=actor, **data)


@extend_schema_view(
    list=extend_schema(summary="法律顾问服务记录"),
    retrieve=extend_schema(summary="法律顾问服务记录详情"),
    create=extend_schema(
        summary="登记法律顾问服务记录", request=AdviserServiceInputSerializer, responses={201: AdviserServiceSerializer}
    ),
)
class AdviserServiceViewSet(_Creating):
    filterset_class = AdviserServiceFilterSet
    serializer_class = AdviserServiceSerializer
    input_serializer = AdviserServiceInputSerializer
    queryset = AdviserService.objects.select_related("community").order_by("-date", "-id")
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        data["adviser"] = _scoped_row(LegalAdviser, actor, data["adviser"], "adviser")
        return services.adviser_service_record(actor=actor, **data)


@extend_schema_view(
    list=extend_schema(summary="法律明白人列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="法律明白人详情", parameters=[REVEAL_PARAMETER]),
    create=extend_schema(
        summary="登记法律明白人", request=LiterateInputSerializer, responses={201: LegalLiterateSerializer}
    ),
)
class LegalLiterateViewSet(_Creating):
    filterset_class = LegalLiterateFilterSet
    serializer_class = LegalLiterateSerializer
    input_serializer = LiterateInputSerializer
    queryset = LegalLiterate.objects.select_related("grid")
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        return services.literate_create(actor=actor, **data)

    @extend_schema(summary="法律明白人按街道统计", responses=StreetCountSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], url_path="by-street", filter_backends=[], pagination_class=None)
    def by_street(self, request: Request) -> Response:
        return Response(StreetCountSerializer(selectors.literates_by_street(request.user), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="法官、检察官、民警、律师联系社区", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="联络人详情", parameters=[REVEAL_PARAMETER]),
    create=extend_schema(summary="登记联络人", request=LiaisonInputSerializer, responses={201: LiaisonSerializer}),
)
class LiaisonViewSet(_Creating):
    filterset_class = LiaisonFilterSet
    serializer_class = LiaisonSerializer
    input_serializer = LiaisonInputSerializer
    queryset = Liaison.objects.select_related("community")
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        return services.liaison_create(actor=actor, **data)


@extend_schema_view(
    list=extend_schema(summary="法律援助站点"),
    retrieve=extend_schema(summary="法律援助站点详情"),
    create=extend_schema(
        summary="登记法律援助站点", request=AidPointInputSerializer, responses={201: LegalAidPointSerializer}
    ),
)
class LegalAidPointViewSet(_Creating):
    filterset_class = LegalAidPointFilterSet
    serializer_class = LegalAidPointSerializer
    input_serializer = AidPointInputSerializer
    queryset = LegalAidPoint.objects.select_related("territory")
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        return services.aid_point_create(actor=actor, **data)


@extend_schema_view(
    list=extend_schema(summary="法律援助案件列表", parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="法律援助案件详情（含办理记录）", parameters=[REVEAL_PARAMETER]),
    create=extend_schema(
        summary="登记法律援助申请", request=AidCaseInputSerializer, responses={201: LegalAidCaseDetailSerializer}
    ),
)
class LegalAidCaseViewSet(_Creating):
    filterset_class = LegalAidCaseFilterSet
    serializer_class = LegalAidCaseSerializer
    input_serializer = AidCaseInputSerializer
    queryset = LegalAidCase.objects.select_related("territory")
    scope = TERRITORY

    def refine_queryset(self, qs: Any) -> Any:
        if self.action == "list":
            return qs
        return qs.prefetch_related(Prefetch("events", queryset=LegalAidEvent.objects.order_by("at", "id")))

    def get_serializer_class(self) -> Any:
        return LegalAidCaseSerializer if self.action == "list" else LegalAidCaseDetailSerializer

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        data["point"] = _scoped_row(LegalAidPoint, actor, data.get("point"), "point")
        return services.legal_aid_apply(actor=actor, **data)

    @extend_schema(
        methods=["GET"], summary="当前可执行的操作", responses=AvailableTransitionSerializer(many=True), filters=False
    )
    @extend_schema(
        methods=["POST"],
        summary="执行操作（受理、不予受理、指派律师、更换承办律师、办结）",
        request=AidTransitionRequestSerializer,
        responses={200: LegalAidCaseDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, case)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = AidTransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = {
            k: v for k, v in body.validated_data.items() if k in request.data and k not in ("name", "expected_version")
        }
        services.legal_aid_transition(actor=request.user, case=case, name=body.validated_data["name"], **payload)
        updated = self.get_queryset().get(pk=case.pk)
        return Response(LegalAidCaseDetailSerializer(updated, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="法律咨询登记"),
    retrieve=extend_schema(summary="法律咨询详情"),
    create=extend_schema(
        summary="登记法律咨询", request=ConsultationInputSerializer, responses={201: ConsultationSerializer}
    ),
)
class ConsultationViewSet(_Creating):
    filterset_class = ConsultationFilterSet
    serializer_class = ConsultationSerializer
    input_serializer = ConsultationInputSerializer
    queryset = Consultation.objects.select_related("territory")
    scope = TERRITORY

    def create_with(self, actor: Any, data: dict[str, Any]) -> Any:
        data["adviser"] = _scoped_row(LegalAdviser, actor, data.get("adviser"), "adviser")
        return services.consultation_record(actor=actor, **data)

    @extend_schema(
        summary="法律咨询统计（按方式、转介）",
        parameters=[PeriodQuerySerializer],
        responses=ConsultationCountsSerializer,
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request: Request) -> Response:
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        d = query.validated_data
        counts = selectors.consultation_counts(request.user, d["date_from"], d["date_to"])
        return Response(ConsultationCountsSerializer(counts).data)


class LegalCoverageViewSet(ScopedViewSet):
    """Per community of the requester's scope: its advisers and liaisons on a day (the coverage page)."""

    # The figures are of the communities in the requester's territory scope (the selector reads them so).
    queryset = Territory.objects.all()
    scope = TERRITORY
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(
        summary="社区法律顾问与联络人覆盖情况",
        parameters=[CoverageQuerySerializer],
        responses=CoverageRowSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.coverage(request.user, query.validated_data.get("on"))
        return Response(CoverageRowSerializer(rows, many=True).data)


class LegalSummarySerializer(serializers.Serializer[Any]):
    communities = serializers.IntegerField(help_text=_("所辖社区（村）数"))
    advisers = serializers.IntegerField(help_text=_("在任法律顾问数"))
    adviser_covered = serializers.IntegerField(help_text=_("有在任法律顾问服务的社区数"))
    adviser_coverage = serializers.FloatField(allow_null=True, help_text=_("法律顾问覆盖率（0–1）"))
    literates = serializers.IntegerField(help_text=_("在册法律明白人数"))
    liaison_complete = serializers.IntegerField(help_text=_("法官、检察官、民警、律师均有联络人的社区数"))
    liaison_coverage = serializers.FloatField(allow_null=True, help_text=_("四类联络人全覆盖率（0–1）"))
    cases = serializers.DictField(help_text=_("法律援助案件：total、by_status、review_overdue"))
    consultations = serializers.DictField(help_text=_("本月法律咨询：total、by_channel、转介数"))


class LegalSummaryViewSet(ScopedViewSet):
    """The figures of the requester's scope (the same definitions as the home page)."""

    # The figures are of the communities in the requester's territory scope (the selector reads them so).
    queryset = Territory.objects.all()
    scope = TERRITORY
    filter_backends: list[Any] = []
    pagination_class = None
    schema = SingleObjectSchema()

    @extend_schema(summary="公共法律服务概况", responses=LegalSummarySerializer)
    def list(self, request: Request) -> Response:
        summary = selectors.legal_summary(request.user)
        return Response(LegalSummarySerializer(summary).data)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("legal-summary", LegalSummaryViewSet, basename="legal-summary")
    router.register("legal-coverage", LegalCoverageViewSet, basename="legal-coverage")
    router.register("legal-advisers", LegalAdviserViewSet, basename="legal-adviser")
    router.register("legal-adviser-services", AdviserServiceViewSet, basename="legal-adviser-service")
    router.register("legal-literates", LegalLiterateViewSet, basename="legal-literate")
    router.register("legal-liaisons", LiaisonViewSet, basename="legal-liaison")
    router.register("legal-aid-points", LegalAidPointViewSet, basename="legal-aid-point")
    router.register("legal-aid-cases", LegalAidCaseViewSet, basename="legal-aid-case")
    router.register("legal-consultations", ConsultationViewSet, basename="legal-consultation")
