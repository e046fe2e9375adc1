"""REST endpoints of 调度会与交办 (``wangge.meetings``), registered on the API router by wangge.api.urls through
``register``: the meetings (scoped to the requester's territory subtree; list, detail with issues and tasks,
create), and the tasks (交办事项; a unit's handler sees its unit's) with their history and the workflow steps
(``GET``/``POST …/transitions/``, payload generated from ``meetings.workflow``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.models import Unit, User
from wangge.api.base import TERRITORY
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.workflow import Input
from wangge.meetings.choices import IssueSource, MeetingKind, MeetingStatus, TaskStatus
from wangge.meetings.deadlines import is_overdue
from wangge.meetings.filtersets import MeetingFilterSet, TaskFilterSet
from wangge.meetings.models import Issue, Meeting, Task, TaskEvent
from wangge.meetings.services import meeting_create, task_transition
from wangge.meetings.workflow import TASK_EVENT_LABELS, TASK_WORKFLOW, available
from wangge.territory.models import Territory


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class MeetingTaskSerializer(serializers.ModelSerializer[Task]):
    status = _text(TaskStatus)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issue_title = serializers.CharField(source="issue.title", read_only=True)
    meeting_date = serializers.DateField(source="meeting.held_on", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=gettext_lazy("超期：办结时限当日结束（北京时间）仍未核销"))

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "meeting",
            "meeting_date",
            "issue",
            "issue_title",
            "unit",
            "unit_name",
            "requirement",
            "deadline",
            "deadline_days",
            "status",
            "overdue",
            "assigned_at",
            "signed_at",
            "reported_at",
            "closed_at",
            "result",
            "return_reason",
        ]

    def get_overdue(self, obj: Task) -> bool:
        return is_overdue(obj, timezone.now())


class TaskEventSerializer(serializers.ModelSerializer[TaskEvent]):
    from_status = _text(TaskStatus)
    to_status = _text(TaskStatus)
    step_label = serializers.SerializerMethodField(help_text=gettext_lazy("操作名称"))
    photos = serializers.SerializerMethodField(help_text=gettext_lazy("照片 id"))

    class Meta:
        model = TaskEvent
        fields = ["action", "step_label", "from_status", "to_status", "at", "actor_name", "note", "data", "photos"]

    def get_step_label(self, obj: TaskEvent) -> str:
        return str(TASK_EVENT_LABELS.get(obj.action, obj.action))

    def get_photos(self, obj: TaskEvent) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class MeetingTaskDetailSerializer(MeetingTaskSerializer):
    events = TaskEventSerializer(many=True, read_only=True)

    class Meta(MeetingTaskSerializer.Meta):
        fields = [*MeetingTaskSerializer.Meta.fields, "events"]


class MeetingIssueSerializer(serializers.ModelSerializer[Issue]):
    source = _text(IssueSource)  # type: ignore[assignment]
    work_order = serializers.CharField(
        source="work_order.tracking_code", read_only=True, default=None, help_text=gettext_lazy("来源工单查询码")
    )
    territory = serializers.CharField(source="territory.code", read_only=True, default=None)

    class Meta:
        model = Issue
        fields = ["id", "number", "title", "description", "source", "work_order", "territory", "location", "decision"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    kind = _text(MeetingKind)
    status = _text(MeetingStatus)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "territory",
            "territory_name",
            "held_on",
            "starts_at",
            "place",
            "chair_name",
            "status",
            "finalised_at",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    issues = MeetingIssueSerializer(many=True, read_only=True)
    tasks = serializers.SerializerMethodField(help_text=gettext_lazy("请求者可见的交办事项"))
    units = serializers.SerializerMethodField(help_text=gettext_lazy("参会单位 id"))
    attendees = serializers.SerializerMethodField(help_text=gettext_lazy("参会人员"))

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "units",
            "attendees",
            "other_attendees",
            "decisions",
            "minutes",
            "issues",
            "tasks",
        ]

    def get_units(self, obj: Meeting) -> list[int]:
        return [u.pk for u in obj.units.all()]

    def get_attendees(self, obj: Meeting) -> list[dict[str, Any]]:
        return [{"id": u.pk, "name": str(u)} for u in obj.attendees.all()]

    @extend_schema_field(MeetingTaskSerializer(many=True))
    def get_tasks(self, obj: Meeting) -> list[dict[str, Any]]:
        request = self.context.get("request")
        qs: QuerySet[Task] = (
            Task.objects.restrict(getattr(request, "user", None))
            .filter(meeting=obj)
            .select_related("unit", "issue", "meeting")
        )
        return list(MeetingTaskSerializer(qs.order_by("issue__number", "id"), many=True, context=self.context).data)


class MeetingCreateSerializer(serializers.Serializer[Any]):
    territory = serializers.SlugRelatedField(
        slug_field="code", queryset=Territory.objects.all(), help_text=gettext_lazy("区或街道编码")
    )
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False, default=MeetingKind.DAILY)
    starts_at = serializers.TimeField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chair_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), many=True, required=False, help_text=gettext_lazy("参会单位 id")
    )
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), many=True, required=False, help_text=gettext_lazy("参会人员（工作人员 id）")
    )
    other_attendees = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["territory"].queryset = Territory.objects.restrict(user)  # type: ignore[attr-defined]
        self.fields["attendees"].child_relation.queryset = User.objects.restrict(user)  # type: ignore[attr-defined]


def _unit_field(i: Input) -> serializers.Field:
    return serializers.IntegerField(required=False, allow_null=True, help_text=str(i.help or i.label))


MeetingTaskTransitionSerializer = payload_serializer(
    TASK_WORKFLOW,
    refs={"unit": _unit_field},
    name="MeetingTaskTransitionRequest",
    doc="交办事项的一个步骤：name 为操作名，其余为该步骤的输入。",
)


@extend_schema_view(
    list=extend_schema(summary="调度会列表"),
    retrieve=extend_schema(summary="调度会详情（含议题与交办事项）"),
    create=extend_schema(
        summary="新建调度会（草稿）", request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer}
    ),
)
class MeetingViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = MeetingFilterSet
    serializer_class = MeetingSerializer
    queryset = Meeting.objects.select_related("territory").order_by("-held_on", "-starts_at", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(
            Prefetch("issues", queryset=Issue.objects.select_related("work_order", "territory")), "units"
        )

    def get_serializer_class(self) -> Any:
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = MeetingCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        meeting = meeting_create(actor=request.user, **body.validated_data)
        data = MeetingDetailSerializer(self.get_queryset().get(pk=meeting.pk), context=self.get_serializer_context())
        return Response(data.data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="交办事项列表"), retrieve=extend_schema(summary="交办事项详情（含处置记录）")
)
class MeetingTaskViewSet(ListViewSet):
    filterset_class = TaskFilterSet
    serializer_class = MeetingTaskSerializer
    queryset = Task.objects.select_related("unit", "issue", "meeting__territory").order_by("deadline", "id")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Task]) -> QuerySet[Task]:
        if self.action == "list":
            return qs
        return qs.prefetch_related(Prefetch("events", queryset=TaskEvent.objects.prefetch_related("photos")))

    def get_serializer_class(self) -> Any:
        return MeetingTaskSerializer if self.action == "list" else MeetingTaskDetailSerializer

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的交办操作",
        responses=AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行交办操作（签收、退回、进展反馈、反馈办结、核销、退回重办、改派、撤销）",
        request=MeetingTaskTransitionSerializer,
        responses={200: MeetingTaskDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, task)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = MeetingTaskTransitionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = {
            k: v for k, v in body.validated_data.items() if k in request.data and k not in ("name", "expected_version")
        }
        task_transition(actor=request.user, task=task, name=body.validated_data["name"], **payload)
        fresh = self.get_queryset().filter(pk=task.pk).first()
        detail = MeetingTaskDetailSerializer(fresh or task, context=self.get_serializer_context())
        return Response(detail.data)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("meeting-tasks", MeetingTaskViewSet, basename="meeting-task")
