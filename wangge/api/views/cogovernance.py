"""REST endpoints of 共商共治 (``wangge.cogovernance``), registered on the API router by wangge.api.urls through
``register``: the meetings with their resolutions and follow-up tasks, the tasks (filtered, ``overdue`` as the
one definition) and their steps (办结, 撤销, 重新落实), the 红色物业 小区 with their figures, and the 分包."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.cogovernance.choices import AssignmentKind, MeetingKind, Reviewer, TaskStatus
from wangge.cogovernance.deadlines import is_overdue
from wangge.cogovernance.filtersets import AssignmentFilterSet, MeetingFilterSet, TaskFilterSet
from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting, PropertyReview, RedProperty, Resolution
from wangge.cogovernance.selectors import property_figures
from wangge.cogovernance.services import task_transition
from wangge.cogovernance.workflow import TRANSITIONS


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class CogovResolutionSerializer(serializers.ModelSerializer[Resolution]):
    class Meta:
        model = Resolution
        fields = ["number", "text"]


class CogovTaskSerializer(serializers.ModelSerializer[FollowUpTask]):
    status = serializers.CharField(read_only=True, help_text=_values(TaskStatus))
    resolution = serializers.IntegerField(source="resolution.number", read_only=True, default=None)
    overdue = serializers.SerializerMethodField(help_text=gettext_lazy("落实中且已过办结时限当日"))

    class Meta:
        model = FollowUpTask
        fields = [
            "id",
            "meeting",
            "resolution",
            "title",
            "owner_name",
            "deadline",
            "deadline_days",
            "status",
            "overdue",
            "done_at",
            "result",
        ]

    def get_overdue(self, obj: FollowUpTask) -> bool:
        return is_overdue(obj, timezone.now())


class CogovMeetingSerializer(serializers.ModelSerializer[Meeting]):
    kind = serializers.CharField(read_only=True, help_text=_values(MeetingKind))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    territory = serializers.CharField(source="territory.code", read_only=True)
    estate = serializers.CharField(source="estate.name", read_only=True, default=None)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_label", "title", "territory", "estate", "held_on", "location", "attendance"]


class CogovMeetingDetailSerializer(CogovMeetingSerializer):
    resolutions = CogovResolutionSerializer(many=True, read_only=True)
    tasks = CogovTaskSerializer(many=True, read_only=True)
    participants = serializers.ListField(source="participant_list", child=serializers.CharField(), read_only=True)

    class Meta(CogovMeetingSerializer.Meta):
        fields = [*CogovMeetingSerializer.Meta.fields, "agenda", "participants", "summary", "resolutions", "tasks"]


class CogovTaskStepSerializer(serializers.Serializer[Any]):
    step = serializers.ChoiceField(
        choices=sorted(TRANSITIONS), help_text=gettext_lazy("complete=办结；cancel=撤销；reopen=重新落实")
    )
    result = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=gettext_lazy("办结时的落实情况")
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=gettext_lazy("撤销或重新落实的原因")
    )


class CogovReviewSerializer(serializers.ModelSerializer[PropertyReview]):
    reviewer = serializers.CharField(read_only=True, help_text=_values(Reviewer))

    class Meta:
        model = PropertyReview
        fields = ["period", "held_on", "reviewer", "score", "note"]


class CogovPropertySerializer(serializers.ModelSerializer[RedProperty]):
    estate = serializers.CharField(source="estate.code", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    figures = serializers.SerializerMethodField(
        help_text=gettext_lazy("亮牌评价数、平均星级、好评率，最近一期述职评议均分")
    )

    class Meta:
        model = RedProperty
        fields = [
            "id",
            "estate",
            "estate_name",
            "company",
            "company_branch",
            "manager_name",
            "owners_committee",
            "committee_chair",
            "figures",
        ]

    def get_figures(self, obj: RedProperty) -> dict[str, Any]:
        f = property_figures(obj)
        return {
            "ratings": f["ratings"],
            "stars": f["stars"],
            "good_share": f["good_share"],
            "review_period": f["review_period"],
            "review_mean": float(f["review_mean"]) if f["review_mean"] is not None else None,
        }


class CogovAssignmentSerializer(serializers.ModelSerializer[Assignment]):
    kind = serializers.CharField(read_only=True, help_text=_values(AssignmentKind))
    territory = serializers.CharField(source="territory.code", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    point = serializers.CharField(source="point.code", read_only=True, default=None)
    point_name = serializers.CharField(source="point.name", read_only=True, default=None)
    unit = serializers.CharField(source="unit.name", read_only=True, default=None)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "kind",
            "territory",
            "territory_name",
            "point",
            "point_name",
            "line",
            "leader_name",
            "leader_title",
            "unit",
            "unit_name",
            "duty",
            "since",
            "is_active",
        ]


@extend_schema_view(
    list=extend_schema(summary="共商会议列表"), retrieve=extend_schema(summary="共商会议详情（含决议与落实事项）")
)
class CogovMeetingViewSet(ListViewSet):
    filterset_class = MeetingFilterSet
    serializer_class = CogovMeetingSerializer
    queryset = Meeting.objects.select_related("territory", "estate").order_by("-held_on", "-id")
    scope = TERRITORY

    def refine_queryset(self, qs: Any) -> Any:
        return qs if self.action == "list" else qs.prefetch_related("resolutions", "tasks__resolution")

    def get_serializer_class(self) -> Any:
        return CogovMeetingSerializer if self.action == "list" else CogovMeetingDetailSerializer


@extend_schema_view(list=extend_schema(summary="落实事项列表"), retrieve=extend_schema(summary="落实事项详情"))
class CogovTaskViewSet(ListViewSet):
    filterset_class = TaskFilterSet
    serializer_class = CogovTaskSerializer
    queryset = FollowUpTask.objects.select_related("meeting", "meeting__territory", "resolution").order_by(
        "deadline", "id"
    )
    scope = TERRITORY

    @extend_schema(
        summary="落实事项的一步：办结、撤销或重新落实",
        request=CogovTaskStepSerializer,
        responses={200: CogovTaskSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def step(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = CogovTaskStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        name = d.pop("step")
        done = task_transition(actor=request.user, task=task, name=name, **{k: v for k, v in d.items() if v})
        return Response(CogovTaskSerializer(done, context=self.get_serializer_context()).data)


@extend_schema_view(list=extend_schema(summary="红色物业小区列表"), retrieve=extend_schema(summary="红色物业小区详情"))
class CogovPropertyViewSet(ListViewSet):
    serializer_class = CogovPropertySerializer
    queryset = RedProperty.objects.select_related("estate").order_by("estate__code")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="分包责任列表"), retrieve=extend_schema(summary="分包责任详情"))
class CogovAssignmentViewSet(ListViewSet):
    filterset_class = AssignmentFilterSet
    serializer_class = CogovAssignmentSerializer
    queryset = Assignment.objects.select_related("territory", "point", "unit").order_by("kind", "territory__path", "id")
    scope = TERRITORY


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("cogov-meetings", CogovMeetingViewSet, basename="cogov-meeting")
    router.register("cogov-tasks", CogovTaskViewSet, basename="cogov-task")
    router.register("cogov-properties", CogovPropertyViewSet, basename="cogov-property")
    router.register("cogov-assignments", CogovAssignmentViewSet, basename="cogov-assignment")
