"""REST endpoints of the service hall (``wangge.hall``), registered on the API router by wangge.api.urls through
``register``: the catalogue (items with their materials, bundles — read by every signed-in user), the halls and
their windows, the 办件 ledger (scoped to the requester's territory or department, filtered by the one
``ApplicationFilterSet``; the applicant's numbers masked) with receiving and the steps of the declared workflow,
帮办代办 records, the programmes with their figures, and the figures of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.validators import mask_id_number, mask_phone
from wangge.hall.choices import (
    ApplicantKind,
    ApplicationStatus,
    AssistanceKind,
    Channel,
    HallKind,
    HandlingType,
    ItemKind,
    OnlineDepth,
    WindowKind,
)
from wangge.hall.filtersets import ApplicationFilterSet, AssistanceFilterSet, HallFilterSet, ItemFilterSet
from wangge.hall.models import (
    Application,
    ApplicationEvent,
    Assistance,
    Bundle,
    Hall,
    Item,
    ItemMaterial,
    Programme,
    Window,
)
from wangge.hall.selectors import GROUPS, figures
from wangge.hall.services import application_receive, application_transition, assistance_record
from wangge.hall.workflow import EVENT_LABELS, WORKFLOW, available


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class HallItemMaterialSerializer(serializers.ModelSerializer[ItemMaterial]):
    class Meta:
        model = ItemMaterial
        fields = ["name", "is_required", "original_copies", "copy_copies", "is_waived", "waived_reason"]


class HallItemSerializer(serializers.ModelSerializer[Item]):
    department = serializers.CharField(source="department.code", read_only=True, help_text=gettext_lazy("单位编码"))
    department_name = serializers.CharField(source="department.name", read_only=True)
    kind = _text(ItemKind)
    handling_type = _text(HandlingType)
    online_depth = _text(OnlineDepth)
    modes = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=gettext_lazy("办理方式"))

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "name",
            "department",
            "department_name",
            "kind",
            "handling_type",
            "legal_limit_days",
            "promised_limit_days",
            "online_depth",
            "modes",
            "fee",
            "visits",
            "is_active",
        ]


class HallItemDetailSerializer(HallItemSerializer):
    materials = HallItemMaterialSerializer(many=True, read_only=True)

    class Meta(HallItemSerializer.Meta):
        fields = [*HallItemSerializer.Meta.fields, "legal_basis", "conditions", "materials"]


class HallBundleSerializer(serializers.ModelSerializer[Bundle]):
    items: Any = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text=gettext_lazy("事项编码")
    )
    lead_department = serializers.CharField(source="lead_department.name", read_only=True)

    class Meta:
        model = Bundle
        fields = ["id", "code", "name", "promised_limit_days", "lead_department", "items", "is_active"]


class HallWindowSerializer(serializers.ModelSerializer[Window]):
    hall = serializers.CharField(source="hall.code", read_only=True, help_text=gettext_lazy("大厅编码"))
    kind = _text(WindowKind)
    items = serializers.SerializerMethodField(help_text=gettext_lazy("受理事项编码"))
    staff = serializers.SerializerMethodField(help_text=gettext_lazy("窗口人员"))

    class Meta:
        model = Window
        fields = ["id", "hall", "number", "name", "kind", "is_flexible", "is_active", "items", "staff"]

    def get_items(self, obj: Window) -> list[str]:
        return [i.code for i in obj.items.all()]

    def get_staff(self, obj: Window) -> list[str]:
        return [u.display_name or u.username for u in obj.staff.all()]


class HallSerializer(serializers.ModelSerializer[Hall]):
    kind = _text(HallKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    windows = serializers.IntegerField(source="window_count", read_only=True, help_text=gettext_lazy("窗口数"))

    class Meta:
        model = Hall
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "territory",
            "address",
            "phone",
            "lng",
            "lat",
            "opens_at",
            "closes_at",
            "always_open",
            "is_active",
            "windows",
        ]


class HallApplicationEventSerializer(serializers.ModelSerializer[ApplicationEvent]):
    from_status = _text(ApplicationStatus)
    to_status = _text(ApplicationStatus)
    step_label = serializers.SerializerMethodField(help_text=gettext_lazy("操作名称"))

    class Meta:
        model = ApplicationEvent
        fields = ["transition", "step_label", "from_status", "to_status", "at", "actor_name", "note", "data"]

    def get_step_label(self, obj: ApplicationEvent) -> str:
        return str(EVENT_LABELS.get(obj.transition, obj.transition))


class HallApplicationSerializer(serializers.ModelSerializer[Application]):
    item = serializers.CharField(source="item.code", read_only=True, help_text=gettext_lazy("事项编码"))
    item_name = serializers.CharField(source="item.name", read_only=True)
    hall = serializers.CharField(source="hall.code", read_only=True, help_text=gettext_lazy("大厅编码"))
    window = serializers.CharField(source="window.number", read_only=True, default=None)
    department = serializers.CharField(source="department.code", read_only=True)
    staff = serializers.CharField(source="staff.username", read_only=True, default=None)
    first_contact = serializers.CharField(source="first_contact.username", read_only=True, default=None)
    status = _text(ApplicationStatus)
    channel = _text(Channel)
    applicant_kind = _text(ApplicantKind)
    applicant_id_number = serializers.SerializerMethodField(help_text=gettext_lazy("证件号码（脱敏）"))
    applicant_phone = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（脱敏）"))
    elapsed_working_days = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "code",
            "item",
            "item_name",
            "hall",
            "window",
            "department",
            "staff",
            "first_contact",
            "channel",
            "applicant_kind",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "status",
            "received_at",
            "accepted_at",
            "finished_at",
            "promised_days",
            "due_at",
            "is_overdue",
            "elapsed_working_days",
        ]

    def get_applicant_id_number(self, obj: Application) -> str:
        return mask_id_number(obj.applicant_id_number or "")

    def get_applicant_phone(self, obj: Application) -> str:
        return mask_phone(obj.applicant_phone or "")


class HallApplicationDetailSerializer(HallApplicationSerializer):
    events = HallApplicationEventSerializer(many=True, read_only=True)

    class Meta(HallApplicationSerializer.Meta):
        fields = [
            *HallApplicationSerializer.Meta.fields,
            "rejected_at",
            "handled_at",
            "legal_days",
            "notice",
            "missing_materials",
            "result",
            "events",
        ]


class HallReceiveSerializer(serializers.Serializer[Any]):
    item = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.filter(is_active=True))
    hall = serializers.SlugRelatedField(slug_field="code", queryset=Hall.objects.filter(is_active=True))
    window = serializers.IntegerField(required=False, allow_null=True, help_text=gettext_lazy("窗口 id"))
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WINDOW)
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    applicant_name = serializers.CharField(max_length=100)
    applicant_id_number = serializers.CharField(required=False, allow_blank=True, max_length=32)
    applicant_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


HallTransitionSerializer = payload_serializer(
    WORKFLOW, refs={}, name="HallApplicationTransitionRequest", doc="一个办件步骤：name 为操作名，其余为该步骤的输入。"
)


class HallAvailableTransitionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    requires = serializers.ListField(child=serializers.CharField())
    colour = serializers.CharField()


class HallAssistanceSerializer(serializers.ModelSerializer[Assistance]):
    kind = serializers.ChoiceField(choices=AssistanceKind.choices, help_text=_values(AssistanceKind))
    hall = serializers.SlugRelatedField(slug_field="code", queryset=Hall.objects.all())
    item = serializers.SlugRelatedField(slug_field="code", queryset=Item.objects.all(), required=False, allow_null=True)
    application = serializers.SlugRelatedField(
        slug_field="code", queryset=Application.objects.all(), required=False, allow_null=True
    )
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), required=False, allow_null=True
    )
    person_phone = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=32)
    person_phone_masked = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（脱敏）"))

    class Meta:
        model = Assistance
        fields = [
            "id",
            "kind",
            "hall",
            "item",
            "application",
            "programme",
            "helper_name",
            "person_name",
            "person_phone",
            "person_phone_masked",
            "at",
            "address",
            "note",
        ]
        read_only_fields = ["helper_name", "at"]

    def get_person_phone_masked(self, obj: Assistance) -> str:
        return mask_phone(obj.person_phone or "")


class HallProgrammeSerializer(serializers.ModelSerializer[Programme]):
    hall = serializers.CharField(source="hall.code", read_only=True)
    windows = serializers.SerializerMethodField(help_text=gettext_lazy("专窗窗口号"))
    households = serializers.IntegerField(read_only=True, help_text=gettext_lazy("已办结户数（办结的办件数）"))
    applications = serializers.IntegerField(source="n_applications", read_only=True, help_text=gettext_lazy("收件数"))
    assistances = serializers.IntegerField(
        source="n_assistances", read_only=True, help_text=gettext_lazy("帮办代办次数")
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "hall",
            "windows",
            "target_households",
            "starts_on",
            "ends_on",
            "households",
            "applications",
            "assistances",
        ]

    def get_windows(self, obj: Programme) -> list[str]:
        return [w.number for w in obj.windows.all()]


class HallFiguresQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False, help_text=gettext_lazy("含当日"))
    by = serializers.ChoiceField(choices=sorted(GROUPS), required=False)


def period(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime, dt.date, dt.date]:
    """A period of whole local days; by default this month up to today."""
    today = timezone.localdate()
    first = start or today.replace(day=1)
    last = end or (today if start is None else first)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        first,
        last,
    )


@extend_schema_view(
    list=extend_schema(summary="政务服务事项清单"), retrieve=extend_schema(summary="事项详情（含申请材料）")
)
class HallItemViewSet(ListViewSet):
    filterset_class = ItemFilterSet
    serializer_class = HallItemSerializer
    queryset = Item.objects.select_related("department").order_by("code")
    scope = SHARED  # the district's catalogue

    def refine_queryset(self, qs: QuerySet[Item]) -> QuerySet[Item]:
        return qs if self.action == "list" else qs.prefetch_related("materials")

    def get_serializer_class(self) -> Any:
        return HallItemSerializer if self.action == "list" else HallItemDetailSerializer


@extend_schema_view(list=extend_schema(summary="一件事一次办"), retrieve=extend_schema(summary="一件事详情"))
class HallBundleViewSet(ListViewSet):
    serializer_class = HallBundleSerializer
    queryset = Bundle.objects.select_related("lead_department").prefetch_related("items").order_by("code")
    scope = SHARED


@extend_schema_view(list=extend_schema(summary="服务大厅"), retrieve=extend_schema(summary="服务大厅详情"))
class HallViewSet(ListViewSet):
    filterset_class = HallFilterSet
    serializer_class = HallSerializer
    queryset = Hall.objects.select_related("territory").annotate(window_count=Count("windows")).order_by("code")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="大厅窗口"), retrieve=extend_schema(summary="窗口详情"))
class HallWindowViewSet(ListViewSet):
    serializer_class = HallWindowSerializer
    queryset = Window.objects.select_related("hall").prefetch_related("items", "staff").order_by("hall__code", "number")
    scope = SHARED  # narrowed to the halls the user sees below

    def refine_queryset(self, qs: QuerySet[Window]) -> QuerySet[Window]:
        return qs.filter(hall__in=Hall.objects.restrict(self.request.user))


@extend_schema_view(list=extend_schema(summary="办件台账"), retrieve=extend_schema(summary="办件详情（含办理记录）"))
class HallApplicationViewSet(ListViewSet):
    filterset_class = ApplicationFilterSet
    serializer_class = HallApplicationSerializer
    queryset = Application.objects.select_related(
        "item", "hall", "window", "department", "staff", "first_contact"
    ).order_by("-received_at", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Application]) -> QuerySet[Application]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "id")))

    def get_serializer_class(self) -> Any:
        return HallApplicationSerializer if self.action == "list" else HallApplicationDetailSerializer

    def _detail(self, pk: int) -> dict[str, Any]:
        return dict(
            HallApplicationDetailSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="收件（窗口工作人员）", request=HallReceiveSerializer, responses={201: HallApplicationDetailSerializer}
    )
    def create(self, request: Request) -> Response:
        body = HallReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        a = application_receive(
            actor=request.user,
            item=d["item"],
            hall=d["hall"],
            window=d.get("window"),
            channel=d["channel"],
            applicant_kind=d["applicant_kind"],
            applicant_name=d["applicant_name"],
            applicant_id_number=d.get("applicant_id_number") or "",
            applicant_phone=d.get("applicant_phone") or "",
            note=d.get("note") or "",
        )
        return Response(self._detail(a.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的办件操作",
        responses=HallAvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行办件操作（受理、一次性告知补正、不予受理、办理、办结、撤回）",
        request=HallTransitionSerializer,
        responses={200: HallApplicationDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        a = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, a)
            ]
            return Response(HallAvailableTransitionSerializer(rows, many=True).data)
        body = HallTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = {k: v for k, v in body.validated_data.items() if k in request.data and k != "name"}
        payload.pop("expected_version", None)
        application_transition(actor=request.user, application=a, name=body.validated_data["name"], **payload)
        return Response(self._detail(a.pk))


@extend_schema_view(
    list=extend_schema(summary="帮办代办记录"),
    retrieve=extend_schema(summary="帮办代办记录详情"),
    create=extend_schema(summary="登记帮办代办"),
)
class HallAssistanceViewSet(ListViewSet):
    filterset_class = AssistanceFilterSet
    serializer_class = HallAssistanceSerializer
    queryset = Assistance.objects.select_related("hall", "item", "application", "programme").order_by("-at", "-id")
    scope = TERRITORY

    def create(self, request: Request) -> Response:
        body = HallAssistanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        row = assistance_record(
            actor=request.user,
            hall=d["hall"],
            kind=d["kind"],
            person_name=d["person_name"],
            person_phone=d.get("person_phone") or "",
            item=d.get("item"),
            application=d.get("application"),
            programme=d.get("programme"),
            address=d.get("address") or "",
            note=d.get("note") or "",
        )
        return Response(HallAssistanceSerializer(row).data, status=status.HTTP_201_CREATED)


def programme_queryset(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.annotate(
        n_applications=Count("applications", distinct=True),
        households=Count("applications", filter=Q(applications__status=ApplicationStatus.FINISHED), distinct=True),
        n_assistances=Count("assistances", distinct=True),
    )


@extend_schema_view(
    list=extend_schema(summary="专项服务（专窗）及其办理情况"), retrieve=extend_schema(summary="专项服务详情")
)
class HallProgrammeViewSet(ListViewSet):
    serializer_class = HallProgrammeSerializer
    queryset = Programme.objects.select_related("hall").prefetch_related("windows").order_by("code")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Programme]) -> QuerySet[Programme]:
        return programme_queryset(qs)


class HallFiguresViewSet(ListViewSet):
    """The figures of the 办件 ledger over a period (selectors.figures), in the requester's scope."""

    serializer_class = HallFiguresQuerySerializer
    queryset = Application.objects.all()
    scope = TERRITORY

    @extend_schema(
        summary="办件统计（收件、受理、办结、办结率、超期、平均用时与提速、网上可办率）",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("by", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=sorted(GROUPS)),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = HallFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        d = query.validated_data
        start, end, first, last = period(d.get("start"), d.get("end"))
        if end <= start:
            raise serializers.ValidationError({"end": _("结束日期不能早于开始日期")})
        data = figures(self.get_queryset(), start=start, end=end, by=d.get("by"))
        return Response({"start": first, "end": last, "by": d.get("by"), **data})

    @extend_schema(exclude=True)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(status=status.HTTP_404_NOT_FOUND)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("hall-items", HallItemViewSet, basename="hall-item")
    router.register("hall-bundles", HallBundleViewSet, basename="hall-bundle")
    router.register("halls", HallViewSet, basename="hall")
    router.register("hall-windows", HallWindowViewSet, basename="hall-window")
    router.register("hall-applications", HallApplicationViewSet, basename="hall-application")
    router.register("hall-assistance", HallAssistanceViewSet, basename="hall-assistance")
    router.register("hall-programmes", HallProgrammeViewSet, basename="hall-programme")
    router.register("hall-figures", HallFiguresViewSet, basename="hall-figures")
