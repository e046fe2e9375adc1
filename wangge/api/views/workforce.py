"""REST endpoints of the grid workforce (网格队伍, ``wangge.workforce``), registered on the API router by
wangge.api.urls through ``register``: the roles of 五长一员 (read), who holds them, grid workers' profiles with
their ladder history (阶梯晋级) and the month's performance pay, the ladder rows, 下沉 staff, special tasks (list,
assign, take a step) and rewards, penalties and awards (list, record, the awards tally). Everything is scoped to
the requester's territory and filtered by the app's FilterSets; the services decide every write."""

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
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.models import User
from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound
from wangge.core.masking import mask_numbers
from wangge.territory.models import Territory
from wangge.workforce import conf, selectors
from wangge.workforce.choices import LadderMove, RecordKind, Route, TaskKind, TaskStatus, WorkerKind
from wangge.workforce.filtersets import (
    LadderChangeFilterSet,
    RoleAssignmentFilterSet,
    SpecialTaskFilterSet,
    SunkStaffFilterSet,
    WorkerProfileFilterSet,
    WorkerRecordFilterSet,
)
from wangge.workforce.models import (
    LadderChange,
    RoleAssignment,
    SpecialTask,
    SpecialTaskEvent,
    SunkStaff,
    WorkerProfile,
    WorkerRecord,
    WorkforceRole,
)
from wangge.workforce.rules import is_overdue, month_of
from wangge.workforce.services import record_create, task_assign, task_transition
from wangge.workforce.workflow import EVENT_LABELS, WORKFLOW


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class WorkforceRoleSerializer(serializers.ModelSerializer[WorkforceRole]):
    class Meta:
        model = WorkforceRole
        fields = ["key", "name", "level", "is_grid_worker", "ordering", "is_active"]


class WorkforceAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    role = serializers.CharField(source="role.key", read_only=True, help_text=gettext_lazy("角色键"))
    role_name = serializers.CharField(source="role.name", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True, help_text=gettext_lazy("网格编码"))
    building = serializers.CharField(source="building.code", read_only=True, default=None)
    user = serializers.CharField(source="user.username", read_only=True, default=None)
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("联系电话（脱敏）"))

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_name", "grid", "building", "user", "name", "phone", "start_date", "end_date"]

    def get_phone(self, obj: RoleAssignment) -> str:
        return mask_numbers(obj.phone)


class WorkforceLadderChangeSerializer(serializers.ModelSerializer[LadderChange]):
    move = _text(LadderMove)
    worker = serializers.CharField(source="worker.username", read_only=True)
    from_level_name = serializers.SerializerMethodField()
    to_level_name = serializers.SerializerMethodField()

    class Meta:
        model = LadderChange
        fields = [
            "id",
            "worker",
            "month",
            "from_level",
            "from_level_name",
            "to_level",
            "to_level_name",
            "move",
            "reason",
            "assessment_id",
            "score",
            "grade",
            "grade_label",
            "street_rank",
            "promoted",
            "settled_at",
        ]

    def get_from_level_name(self, obj: LadderChange) -> str:
        return conf.level_name(obj.from_level)

    def get_to_level_name(self, obj: LadderChange) -> str:
        return conf.level_name(obj.to_level)


class WorkforceWorkerSerializer(serializers.ModelSerializer[WorkerProfile]):
    kind = _text(WorkerKind)
    route = _text(Route)
    worker = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True, help_text=gettext_lazy("网格编码"))
    ladder_level_name = serializers.SerializerMethodField()

    class Meta:
        model = WorkerProfile
        fields = [
            "id",
            "worker",
            "name",
            "grid",
            "kind",
            "route",
            "start_date",
            "ladder_level",
            "ladder_level_name",
            "is_active",
        ]

    def get_ladder_level_name(self, obj: WorkerProfile) -> str:
        return conf.level_name(obj.ladder_level)


class WorkforceWorkerDetailSerializer(WorkforceWorkerSerializer):
    ladder_history = WorkforceLadderChangeSerializer(source="ladder_changes", many=True, read_only=True)

    class Meta(WorkforceWorkerSerializer.Meta):
        fields = [*WorkforceWorkerSerializer.Meta.fields, "ladder_history"]


class WorkforcePayLineSerializer(serializers.Serializer[Any]):
    worker = serializers.CharField()
    name = serializers.CharField()
    grid = serializers.CharField()
    month = serializers.DateField()
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    coefficient = serializers.DecimalField(max_digits=6, decimal_places=2)
    kind_factor = serializers.DecimalField(max_digits=6, decimal_places=2)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    base_part = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    score_part = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    records_part = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=gettext_lazy("合计；未评定时为 null")
    )


PAY_FIELDS = (
    "month",
    "level",
    "level_name",
    "coefficient",
    "kind_factor",
    "score",
    "base_part",
    "score_part",
    "records_part",
    "total",
)


class WorkforceSunkStaffSerializer(serializers.ModelSerializer[SunkStaff]):
    grid = serializers.CharField(source="grid.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = SunkStaff
        fields = ["id", "grid", "unit", "unit_name", "user", "name", "duty", "start_date", "end_date"]


class WorkforceTaskEventSerializer(serializers.ModelSerializer[SpecialTaskEvent]):
    step_label = serializers.SerializerMethodField(help_text=gettext_lazy("操作名称"))
    from_status = _text(TaskStatus)
    to_status = _text(TaskStatus)

    class Meta:
        model = SpecialTaskEvent
        fields = ["action", "step_label", "from_status", "to_status", "at", "actor_name", "note"]

    def get_step_label(self, obj: SpecialTaskEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class WorkforceTaskSerializer(serializers.ModelSerializer[SpecialTask]):
    kind = _text(TaskKind)
    status = _text(TaskStatus)
    grid = serializers.CharField(source="grid.code", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)
    overdue = serializers.SerializerMethodField(help_text=gettext_lazy("是否逾期"))

    class Meta:
        model = SpecialTask
        fields = [
            "id",
            "kind",
            "title",
            "grid",
            "assignee",
            "status",
            "deadline_days",
            "deadline",
            "overdue",
            "assigned_at",
            "accepted_at",
            "reported_at",
            "done_at",
        ]

    def get_overdue(self, obj: SpecialTask) -> bool:
        return is_overdue(obj)


class WorkforceTaskDetailSerializer(WorkforceTaskSerializer):
    events = WorkforceTaskEventSerializer(many=True, read_only=True)

    class Meta(WorkforceTaskSerializer.Meta):
        fields = [*WorkforceTaskSerializer.Meta.fields, "description", "result", "events"]


class WorkforceTaskCreateSerializer(serializers.Serializer[Any]):
    grid = serializers.CharField(help_text=gettext_lazy("网格编码"))
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    assignee = serializers.CharField(
        required=False, allow_blank=True, help_text=gettext_lazy("承办网格员用户名（选填）")
    )
    deadline_days = serializers.IntegerField(min_value=1, help_text=gettext_lazy("时限（工作日）"))


class WorkforceTaskStepSerializer(serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=sorted(WORKFLOW.transitions), help_text=gettext_lazy("步骤名称"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    result = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class WorkforceRecordSerializer(serializers.ModelSerializer[WorkerRecord]):
    kind = _text(RecordKind)
    worker = serializers.CharField(source="worker.username", read_only=True)
    grid = serializers.CharField(source="grid.code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default=None)

    class Meta:
        model = WorkerRecord
        fields = ["id", "worker", "grid", "date", "kind", "title", "amount", "points", "reason", "recorded_by"]


class WorkforceRecordCreateSerializer(serializers.Serializer[Any]):
    worker = serializers.CharField(help_text=gettext_lazy("网格员用户名"))
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    title = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal(0), required=False, default=Decimal(0)
    )
    points = serializers.IntegerField(required=False, default=0)


class WorkforceAwardsSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.IntegerField()
    workers = serializers.IntegerField()
    by_title = serializers.ListField(child=serializers.ListField(), help_text=gettext_lazy("[名目, 人次]"))
    by_street = serializers.ListField(child=serializers.ListField(), help_text=gettext_lazy("[街道, 人次]"))


class _PeriodQuery(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


# --- viewsets ------------------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="五长一员角色"), retrieve=extend_schema(summary="五长一员角色详情"))
class WorkforceRoleViewSet(ListViewSet):
    serializer_class = WorkforceRoleSerializer
    queryset = WorkforceRole.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary


@extend_schema_view(list=extend_schema(summary="五长一员任职"), retrieve=extend_schema(summary="五长一员任职详情"))
class RoleAssignmentViewSet(ListViewSet):
    serializer_class = WorkforceAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet
    queryset = RoleAssignment.objects.select_related("role", "grid", "building", "user").order_by(
        "grid__path", "role__ordering", "id"
    )
    scope = TERRITORY


@extend_schema_view(
    list=extend_schema(summary="网格员档案"), retrieve=extend_schema(summary="网格员档案（含阶梯晋级记录）")
)
class WorkerProfileViewSet(ListViewSet):
    serializer_class = WorkforceWorkerSerializer
    filterset_class = WorkerProfileFilterSet
    queryset = WorkerProfile.objects.select_related("user", "grid").order_by("grid__path", "user_id")
    scope = TERRITORY

    def get_serializer_class(self) -> Any:
        return WorkforceWorkerSerializer if self.action != "retrieve" else WorkforceWorkerDetailSerializer

    @extend_schema(
        summary="月度绩效工资（按街道评定后的考评得分与配置的公式计算）",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.QUERY, description="YYYY-MM")],
        responses={200: WorkforcePayLineSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def pay(self, request: Request) -> Response:
        month = month_of(request.query_params.get("month"))
        lines = selectors.monthly_pay(self.get_queryset().filter(is_active=True), month)
        data = [
            {
                "worker": line.profile.user.username,
                "name": str(line.profile.user),
                "grid": line.profile.grid.code,
                **{k: getattr(line, k) for k in PAY_FIELDS},
            }
            for line in lines
        ]
        return Response(WorkforcePayLineSerializer(data, many=True).data)


@extend_schema_view(list=extend_schema(summary="阶梯等级变动记录"), retrieve=extend_schema(summary="阶梯等级变动详情"))
class LadderChangeViewSet(ListViewSet):
    serializer_class = WorkforceLadderChangeSerializer
    filterset_class = LadderChangeFilterSet
    queryset = LadderChange.objects.select_related("worker").order_by("-month", "worker_id")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="下沉人员"), retrieve=extend_schema(summary="下沉人员详情"))
class SunkStaffViewSet(ListViewSet):
    serializer_class = WorkforceSunkStaffSerializer
    filterset_class = SunkStaffFilterSet
    queryset = SunkStaff.objects.select_related("grid", "unit", "user").order_by("grid__path", "unit__code", "id")
    scope = TERRITORY


@extend_schema_view(
    list=extend_schema(summary="专项任务"), retrieve=extend_schema(summary="专项任务详情（含处置记录）")
)
class SpecialTaskViewSet(ListViewSet):
    serializer_class = WorkforceTaskSerializer
    filterset_class = SpecialTaskFilterSet
    queryset = SpecialTask.objects.select_related("grid", "assignee").order_by("-assigned_at", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[SpecialTask]) -> QuerySet[SpecialTask]:
        return qs.prefetch_related("events") if self.action != "list" else qs

    def get_serializer_class(self) -> Any:
        return WorkforceTaskSerializer if self.action == "list" else WorkforceTaskDetailSerializer

    def _detail(self, pk: int) -> dict[str, Any]:
        task = self.get_queryset().get(pk=pk)
        return dict(WorkforceTaskDetailSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="交办专项任务（社区、街道工作人员、指挥中心）",
        request=WorkforceTaskCreateSerializer,
        responses={201: WorkforceTaskDetailSerializer},
        filters=False,
    )
    def create(self, request: Request) -> Response:
        body = WorkforceTaskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        grid = Territory.objects.restrict(request.user).filter(code=d["grid"]).first()
        if grid is None:
            raise NotFound(_("找不到该网格"))
        assignee = None
        if d.get("assignee"):
            assignee = User.objects.filter(username=d["assignee"], is_active=True).first()
            if assignee is None:
                raise NotFound(_("找不到该网格员"))
        task = task_assign(
            actor=request.user,
            grid=grid,
            kind=d["kind"],
            title=d["title"],
            description=d.get("description", ""),
            assignee=assignee,
            deadline_days=d["deadline_days"],
        )
        return Response(self._detail(task.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="专项任务办理步骤（接收、反馈完成、确认办结、退回重办、撤销）",
        request=WorkforceTaskStepSerializer,
        responses={200: WorkforceTaskDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def step(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = WorkforceTaskStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        name = d.pop("name")
        task_transition(actor=request.user, task=task, name=name, **{k: v for k, v in d.items() if v})
        return Response(self._detail(task.pk))


@extend_schema_view(list=extend_schema(summary="奖惩与表彰"), retrieve=extend_schema(summary="奖惩与表彰详情"))
class WorkerRecordViewSet(ListViewSet):
    serializer_class = WorkforceRecordSerializer
    filterset_class = WorkerRecordFilterSet
    queryset = WorkerRecord.objects.select_related("worker", "grid", "recorded_by").order_by("-date", "-id")
    scope = TERRITORY

    @extend_schema(
        summary="登记奖惩或表彰（社区、街道工作人员）",
        request=WorkforceRecordCreateSerializer,
        responses={201: WorkforceRecordSerializer},
        filters=False,
    )
    def create(self, request: Request) -> Response:
        body = WorkforceRecordCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        worker = User.objects.filter(username=d["worker"]).first()
        if worker is None:
            raise NotFound(_("找不到该网格员"))
        record = record_create(
            actor=request.user,
            worker=worker,
            date=d["date"],
            kind=d["kind"],
            title=d["title"],
            reason=d["reason"],
            amount=d.get("amount") or 0,
            points=d.get("points") or 0,
        )
        return Response(WorkforceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="表彰统计（按名目、按街道；默认今年以来）",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY),
        ],
        responses={200: WorkforceAwardsSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def awards(self, request: Request) -> Response:
        query = _PeriodQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        start: dt.date = query.validated_data.get("start") or today.replace(month=1, day=1)
        end: dt.date = query.validated_data.get("end") or today
        tally = selectors.awards_tally(self.get_queryset(), start, end)
        return Response(WorkforceAwardsSerializer(tally).data)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("workforce-roles", WorkforceRoleViewSet, basename="workforce-role")
    router.register("workforce-assignments", RoleAssignmentViewSet, basename="workforce-assignment")
    router.register("workforce-workers", WorkerProfileViewSet, basename="workforce-worker")
    router.register("workforce-ladder", LadderChangeViewSet, basename="workforce-ladder")
    router.register("workforce-sunk-staff", SunkStaffViewSet, basename="workforce-sunk-staff")
    router.register("workforce-tasks", SpecialTaskViewSet, basename="workforce-task")
    router.register("workforce-records", WorkerRecordViewSet, basename="workforce-record")
