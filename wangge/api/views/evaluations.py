"""REST endpoints of 好差评 (``wangge.evaluations``), registered on the API router by wangge.api.urls through
``register``:

- ``hall-evaluations``: rate a finished 办件 (public, counted per address), list and read the ratings (staff,
  scoped), appeal a 差评 (``{id}/appeal``), the figures per hall, window, item or staff (``figures``);
- ``hall-rectifications``: the rectifications and their steps (``{id}/transition``: 核实 → 整改 → 反馈 → 回访);
- ``hall-appeals``: the appeals and their review (``{id}/review``: uphold or refuse);
- ``hall-callback-draws``: the monthly draws (list, read, draw);
- ``hall-callback-tasks``: the callback tasks (phone masked), ``{id}/outcome`` and ``{id}/reveal`` (audited).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.actors import CITIZEN
from wangge.core.clientaddr import client_ip
from wangge.core.validators import mask_phone
from wangge.evaluations.choices import (
    AppealStatus,
    CallbackReason,
    CallbackStatus,
    EvaluationChannel,
    Rating,
    Reason,
    RectificationSource,
    RectificationStatus,
)
from wangge.evaluations.filtersets import (
    AppealFilterSet,
    CallbackTaskFilterSet,
    EvaluationFilterSet,
    RectificationFilterSet,
)
from wangge.evaluations.models import Appeal, CallbackDraw, CallbackTask, Evaluation, Rectification
from wangge.evaluations.selectors import GROUPS, figures
from wangge.evaluations.services import (
    appeal_file,
    appeal_transition,
    callback_draw,
    callback_phone_reveal,
    callback_task_record,
    evaluation_create,
    rating_hit,
    rectification_transition,
)
from wangge.evaluations.services.common import holds_any
from wangge.evaluations.workflow import HALL_ROLES
from wangge.hall.models import Window


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class HallEvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    application = serializers.CharField(source="application.code", read_only=True, help_text=gettext_lazy("办件编号"))
    hall = serializers.CharField(source="hall.code", read_only=True)
    window = serializers.CharField(source="window.number", read_only=True, default=None)
    item = serializers.CharField(source="item.name", read_only=True)
    level = serializers.IntegerField(read_only=True, help_text=_values(Rating))
    channel = serializers.CharField(read_only=True, help_text=_values(EvaluationChannel))
    rater_phone = serializers.SerializerMethodField(help_text=gettext_lazy("评价人电话（脱敏）"))

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "code",
            "application",
            "hall",
            "window",
            "item",
            "level",
            "is_bad",
            "reasons",
            "comment",
            "channel",
            "is_complaint",
            "is_real_name",
            "rater_name",
            "rater_phone",
            "rated_at",
            "excluded",
        ]

    def get_rater_phone(self, obj: Evaluation) -> str:
        return mask_phone(obj.rater_phone or "")


class HallEvaluationCreateSerializer(serializers.Serializer[Any]):
    level = serializers.IntegerField(min_value=1, max_value=5, help_text=_values(Rating))
    channel = serializers.ChoiceField(choices=EvaluationChannel.choices, default=EvaluationChannel.QR)
    application = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("办件编号（扫码评价）")
    )
    phone_last4 = serializers.CharField(required=False, allow_blank=True, max_length=4)
    receipt = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text=gettext_lazy("回执验证码")
    )
    token = serializers.CharField(required=False, allow_blank=True, help_text=gettext_lazy("评价链接令牌（网上评价）"))
    window = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text=gettext_lazy("所扫二维码的窗口 ID")
    )
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Reason.choices), required=False, help_text=_values(Reason)
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    rater_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    rater_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    is_complaint = serializers.BooleanField(required=False, default=False)


class HallEvaluationCreatedSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    level = serializers.IntegerField()
    is_bad = serializers.BooleanField()
    rectification = serializers.CharField(allow_null=True)


class HallAppealFileSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000)


class HallRectificationEventSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    actor_name = serializers.CharField()
    note = serializers.CharField()


class HallRectificationSerializer(serializers.ModelSerializer[Rectification]):
    application = serializers.CharField(source="application.code", read_only=True)
    hall = serializers.CharField(source="hall.code", read_only=True)
    item = serializers.CharField(source="item.name", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(RectificationStatus))
    origin = serializers.CharField(source="source", read_only=True, help_text=_values(RectificationSource))
    events = HallRectificationEventSerializer(many=True, read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "code",
            "origin",
            "application",
            "hall",
            "item",
            "department",
            "problem",
            "status",
            "needs_callback",
            "opened_at",
            "due_at",
            "due_provisional",
            "finding",
            "measures",
            "feedback",
            "callback_satisfied",
            "rework_count",
            "closed_at",
            "on_time",
            "events",
        ]


class HallRectificationStepSerializer(serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=["verify", "rectify", "feedback", "callback", "withdraw"])
    finding = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    measures = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    feedback = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class HallAppealSerializer(serializers.ModelSerializer[Appeal]):
    evaluation = serializers.CharField(source="evaluation.code", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_values(AppealStatus))

    class Meta:
        model = Appeal
        fields = ["id", "evaluation", "reason", "status", "filed_at", "filed_by_name", "reviewed_at", "review_note"]


class HallAppealReviewSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["uphold", "refuse"])
    note = serializers.CharField(max_length=2000)


class HallCallbackDrawSerializer(serializers.ModelSerializer[CallbackDraw]):
    month = serializers.SerializerMethodField()

    class Meta:
        model = CallbackDraw
        fields = [
            "id",
            "month",
            "share",
            "seed",
            "rounding",
            "finished",
            "sampled",
            "bad_ratings_included",
            "complaints_included",
            "total",
            "ids_sha256",
            "drawn_at",
            "drawn_by_name",
        ]

    def get_month(self, obj: CallbackDraw) -> str:
        return f"{obj.month:%Y-%m}"


class HallCallbackDrawCreateSerializer(serializers.Serializer[Any]):
    month = serializers.RegexField(r"^20\d{2}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    share = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True, min_value=Decimal("0.0001"), max_value=1
    )
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1)


class HallCallbackTaskSerializer(serializers.ModelSerializer[CallbackTask]):
    application = serializers.CharField(source="application.code", read_only=True)
    applicant_name = serializers.CharField(source="application.applicant_name", read_only=True)
    applicant_phone = serializers.SerializerMethodField(help_text=gettext_lazy("申请人电话（脱敏）"))
    hall = serializers.CharField(source="hall.code", read_only=True)
    item = serializers.CharField(source="item.name", read_only=True)
    reason = serializers.CharField(read_only=True, help_text=_values(CallbackReason))
    status = serializers.CharField(read_only=True, help_text=_values(CallbackStatus))

    class Meta:
        model = CallbackTask
        fields = [
            "id",
            "draw",
            "application",
            "applicant_name",
            "applicant_phone",
            "hall",
            "item",
            "reason",
            "status",
            "reached",
            "satisfied",
            "problems",
            "note",
            "called_at",
        ]

    def get_applicant_phone(self, obj: CallbackTask) -> str:
        return mask_phone(obj.application.applicant_phone or "")


class HallCallbackOutcomeSerializer(serializers.Serializer[Any]):
    reached = serializers.BooleanField()
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class HallPhoneSerializer(serializers.Serializer[Any]):
    phone = serializers.CharField()


class HallFiguresQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for key in ("start", "end"):
            day = attrs.get(key)
            if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31):
                raise serializers.ValidationError({key: _("日期超出范围")})
        return attrs


def _month_start(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%Y-%m").date()


@extend_schema_view(list=extend_schema(summary="好差评列表"), retrieve=extend_schema(summary="好差评详情"))
class HallEvaluationViewSet(ListViewSet):
    filterset_class = EvaluationFilterSet
    serializer_class = HallEvaluationSerializer
    queryset = Evaluation.objects.select_related("application", "hall", "window", "item").order_by("-rated_at", "-id")
    scope = TERRITORY

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.action == "create" else [IsAuthenticated()]

    @extend_schema(
        summary="评价一件办结的办件（公众，一次一评；按来源地址限流）",
        request=HallEvaluationCreateSerializer,
        responses={201: HallEvaluationCreatedSerializer},
        filters=False,
    )
    def create(self, request: Request) -> Response:
        body = HallEvaluationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = rating_hit(client_ip(request) or "-")
        if not decision.allowed:
            raise Throttled(wait=decision.retry_after)
        d = body.validated_data
        window = Window.objects.filter(pk=d["window"]).first() if d.get("window") else None
        ev = evaluation_create(
            actor=CITIZEN,
            level=d["level"],
            channel=d["channel"],
            code=d.get("application", ""),
            phone_last4=d.get("phone_last4", ""),
            receipt=d.get("receipt", ""),
            token=d.get("token", ""),
            window=window,
            reasons=d.get("reasons") or [],
            comment=d.get("comment", ""),
            rater_name=d.get("rater_name", ""),
            rater_phone=d.get("rater_phone", ""),
            is_complaint=d.get("is_complaint", False),
        )
        rect = ev.rectifications.first()
        out = {"code": ev.code, "level": ev.level, "is_bad": ev.is_bad, "rectification": rect.code if rect else None}
        return Response(out, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="对差评提出申诉（窗口、实施部门）",
        request=HallAppealFileSerializer,
        responses={201: HallAppealSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def appeal(self, request: Request, pk: str | None = None) -> Response:
        ev = self.get_object()
        body = HallAppealFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appeal = appeal_file(actor=request.user, evaluation=ev, reason=body.validated_data["reason"])
        return Response(HallAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="好差评统计（按大厅、窗口、事项或经办人）",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(GROUPS)),
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY, description="含当日"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request: Request) -> Response:
        by = request.query_params.get("by") or "hall"
        if by not in GROUPS:
            raise serializers.ValidationError({"by": _("不支持的分组")})
        query = HallFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        end_day: dt.date = query.validated_data.get("end") or timezone.localdate()
        start_day: dt.date = query.validated_data.get("start") or end_day.replace(day=1)
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        data = figures(
            by,
            start,
            end,
            evaluations=Evaluation.objects.restrict(request.user),
            rectifications=Rectification.objects.restrict(request.user),
        )
        data["definitions"] = {k: str(v) for k, v in data["definitions"].items()}
        data.update(start=start_day.isoformat(), end=end_day.isoformat())
        return Response(data)


@extend_schema_view(list=extend_schema(summary="差评整改列表"), retrieve=extend_schema(summary="差评整改详情"))
class HallRectificationViewSet(ListViewSet):
    filterset_class = RectificationFilterSet
    serializer_class = HallRectificationSerializer
    queryset = (
        Rectification.objects.select_related("application", "hall", "item", "department")
        .prefetch_related("events")
        .order_by("-opened_at", "-id")
    )
    scope = TERRITORY

    @extend_schema(
        summary="整改步骤：verify 核实、rectify 整改、feedback 反馈、callback 回访、withdraw 撤销（申诉成立）",
        request=HallRectificationStepSerializer,
        responses={200: HallRectificationSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transition(self, request: Request, pk: str | None = None) -> Response:
        r = self.get_object()
        body = HallRectificationStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        name = d.pop("name")
        inputs = {k: v for k, v in d.items() if v not in (None, "")}
        rectification_transition(actor=request.user, rectification=r, name=name, **inputs)
        return Response(HallRectificationSerializer(self.get_queryset().get(pk=r.pk)).data)


@extend_schema_view(list=extend_schema(summary="申诉复核列表"), retrieve=extend_schema(summary="申诉详情"))
class HallAppealViewSet(ListViewSet):
    filterset_class = AppealFilterSet
    serializer_class = HallAppealSerializer
    queryset = Appeal.objects.select_related("evaluation").order_by("-filed_at", "-id")
    scope = TERRITORY

    @extend_schema(
        summary="复核申诉：uphold 申诉成立（剔除评价、撤销整改）或 refuse 不成立（大厅负责人、领导）",
        request=HallAppealReviewSerializer,
        responses={200: HallAppealSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def review(self, request: Request, pk: str | None = None) -> Response:
        a = self.get_object()
        body = HallAppealReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = appeal_transition(
            actor=request.user, appeal=a, name=body.validated_data["decision"], note=body.validated_data["note"]
        )
        return Response(HallAppealSerializer(done).data)


@extend_schema_view(list=extend_schema(summary="回访抽样列表"), retrieve=extend_schema(summary="回访抽样详情"))
class HallCallbackDrawViewSet(ListViewSet):
    serializer_class = HallCallbackDrawSerializer
    queryset = CallbackDraw.objects.order_by("-month")
    scope = SHARED  # platform-wide figures, read by the hall roles only (refine_queryset)

    def refine_queryset(self, qs: QuerySet[CallbackDraw]) -> QuerySet[CallbackDraw]:
        return qs if holds_any(self.request.user, HALL_ROLES) else qs.none()

    @extend_schema(
        summary="抽取某月回访样本（同一月份以相同比例和种子再次抽取返回已记录的结果）",
        request=HallCallbackDrawCreateSerializer,
        responses={201: HallCallbackDrawSerializer, 200: HallCallbackDrawSerializer},
        filters=False,
    )
    def create(self, request: Request) -> Response:
        body = HallCallbackDrawCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        draw, created = callback_draw(
            actor=request.user, month=_month_start(d["month"]), seed=d["seed"], share=d.get("share")
        )
        return Response(
            HallCallbackDrawSerializer(draw).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema_view(list=extend_schema(summary="回访任务列表"), retrieve=extend_schema(summary="回访任务详情"))
class HallCallbackTaskViewSet(ListViewSet):
    filterset_class = CallbackTaskFilterSet
    serializer_class = HallCallbackTaskSerializer
    queryset = CallbackTask.objects.select_related("application", "hall", "item").order_by("draw_id", "id")
    scope = TERRITORY

    @extend_schema(
        summary="记录回访结果（发现问题转整改）",
        request=HallCallbackOutcomeSerializer,
        responses={200: HallCallbackTaskSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        t = self.get_object()
        body = HallCallbackOutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        done = callback_task_record(
            actor=request.user,
            task=t,
            reached=d["reached"],
            satisfied=d.get("satisfied"),
            problems=d.get("problems", ""),
            note=d.get("note", ""),
        )
        return Response(HallCallbackTaskSerializer(done).data)

    @extend_schema(
        summary="查看申请人完整电话（记入审计日志）",
        request=None,
        responses={200: HallPhoneSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        t = self.get_object()
        return Response({"phone": callback_phone_reveal(actor=request.user, task=t)})


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("hall-evaluations", HallEvaluationViewSet, basename="hall-evaluation")
    router.register("hall-rectifications", HallRectificationViewSet, basename="hall-rectification")
    router.register("hall-appeals", HallAppealViewSet, basename="hall-appeal")
    router.register("hall-callback-draws", HallCallbackDrawViewSet, basename="hall-callback-draw")
    router.register("hall-callback-tasks", HallCallbackTaskViewSet, basename="hall-callback-task")
