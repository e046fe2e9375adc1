"""REST endpoints of 项目台账 (``wangge.projects``), registered on the API router by wangge.api.urls through
``register``: the projects (scoped to the requester's territories and the lead unit's members; list, detail,
create, update), their workflow steps, their problems (POST opens a work order through the one intake), the
rollup and the weekly summary of a territory, and the weekly progress entries (list, create or update the week's
entry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.accounts.models import Unit
from wangge.api.base import TERRITORY
from wangge.api.serializers.workorders import AvailableTransitionSerializer
from wangge.api.views.common import ListViewSet
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.errors import NotFound
from wangge.core.geo import to_wgs84
from wangge.projects.choices import ProjectType
from wangge.projects.filtersets import ProjectFilterSet, WeeklyEntryFilterSet
from wangge.projects.models import Milestone, Project, ProjectProblem, WeeklyEntry
from wangge.projects.schedule import behind_reasons, planned_progress
from wangge.projects.selectors import project_rollup, project_week_summary
from wangge.projects.services import (
    project_create,
    project_problem_raise,
    project_transition,
    project_update,
    weekly_entry_save,
)
from wangge.projects.workflow import WORKFLOW, available
from wangge.territory.models import Territory

CRS_CHOICES = [("wgs84", "wgs84"), ("gcj02", "gcj02"), ("bd09", "bd09")]
CRS_HELP = _("坐标系：wgs84（GPS）、gcj02（高德/腾讯）或 bd09（百度）")


# --- serializers -----------------------------------------------------------------------------------------------


class ComponentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    quantity = serializers.FloatField(required=False, allow_null=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)


class MilestoneSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    planned_date = serializers.DateField()
    done_date = serializers.DateField(required=False, allow_null=True)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    territory: serializers.SlugRelatedField[Territory] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("所属辖区编码")
    )
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    lead_unit: serializers.SlugRelatedField[Unit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("牵头单位编码")
    )
    type = serializers.CharField(
        read_only=True, help_text=_("项目类型：road 道路、livelihood 民生实事、key 审批项目/重点项目、other 其他")
    )
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text=_("状态：planning 谋划、building 在建、completed 完工、accepted 验收、suspended 暂停")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    behind = serializers.SerializerMethodField(help_text=_("进度滞后的原因；空表示未滞后"))

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "type",
            "type_label",
            "territory",
            "territory_name",
            "location",
            "length_m",
            "total_investment",
            "invested",
            "progress",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "lead_unit",
            "status",
            "status_label",
            "behind",
        ]

    def get_behind(self, obj: Project) -> list[str]:
        return behind_reasons(obj, timezone.localdate(), obj.milestones.all())


class ProblemLinkSerializer(serializers.ModelSerializer[ProjectProblem]):
    tracking_code = serializers.CharField(source="work_order.tracking_code", read_only=True)
    title = serializers.CharField(source="work_order.title", read_only=True)
    status = serializers.CharField(source="work_order.status", read_only=True)
    status_label = serializers.CharField(source="work_order.get_status_display", read_only=True)

    class Meta:
        model = ProjectProblem
        fields = ["id", "work_order", "tracking_code", "title", "status", "status_label", "lng", "lat", "raised_at"]


class MilestoneOutSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = ["name", "planned_date", "done_date"]


class ProjectDetailSerializer(ProjectSerializer):
    geometry = serializers.JSONField(read_only=True, help_text=_("GeoJSON 线或面（WGS-84）"))
    components = ComponentSerializer(many=True, read_only=True)
    milestones = MilestoneOutSerializer(many=True, read_only=True)
    co_units: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    problems = ProblemLinkSerializer(many=True, read_only=True)
    planned_progress = serializers.SerializerMethodField(help_text=_("线性计划进度（%）"))

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "geometry",
            "components",
            "description",
            "milestones",
            "co_units",
            "suspend_reason",
            "accepted_at",
            "problems",
            "planned_progress",
        ]

    def get_planned_progress(self, obj: Project) -> int | None:
        return planned_progress(obj, timezone.localdate())


class _ScopedSlug(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A related object by code, among those the requester sees (others read as not existing)."""

    def get_queryset(self) -> Any:
        qs: Any = super().get_queryset()
        request = self.context.get("request")
        return qs.restrict(getattr(request, "user", None))


class ProjectWriteSerializer(serializers.Serializer[Any]):
    """Input of ``project_create`` / ``project_update`` (on update only the fields sent change)."""

    code = serializers.CharField(max_length=32, required=False, allow_blank=True, help_text=_("留空自动生成"))
    name = serializers.CharField(max_length=200)
    type = serializers.CharField(max_length=16, help_text=_("项目类型：road、livelihood、key、other"))
    territory = _ScopedSlug(slug_field="code", queryset=Territory.objects.all(), help_text=_("所属辖区编码"))
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    geometry = serializers.JSONField(
        required=False, allow_null=True, help_text=_("GeoJSON 线或面（几何、Feature 或 FeatureCollection）")
    )
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_HELP)

    def validate_type(self, value: str) -> str:
        if value not in ProjectType.values:
            raise serializers.ValidationError(_("未知的项目类型"), code="invalid_choice")
        return value

    length_m = serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0, required=False, allow_null=True)
    components = ComponentSerializer(many=True, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, help_text=_("万元"))
    invested = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text=_("万元")
    )
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    planned_start = serializers.DateField(required=False, allow_null=True)
    planned_end = serializers.DateField(required=False, allow_null=True)
    actual_start = serializers.DateField(required=False, allow_null=True)
    actual_end = serializers.DateField(required=False, allow_null=True)
    milestones = MilestoneSerializer(many=True, required=False)
    lead_unit = _ScopedSlug(slug_field="code", queryset=Unit.objects.all(), required=False, allow_null=True)
    co_units = _ScopedSlug(slug_field="code", queryset=Unit.objects.all(), many=True, required=False)


class WeeklyEntrySerializer(serializers.ModelSerializer[WeeklyEntry]):
    week_label = serializers.CharField(read_only=True)

    class Meta:
        model = WeeklyEntry
        fields = [
            "id",
            "project",
            "week_start",
            "iso_year",
            "iso_week",
            "week_label",
            "progress",
            "invested",
            "work_done",
            "next_plan",
            "problems",
            "decrease_reason",
            "reported_by_name",
            "reported_at",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.INT)
class _ScopedPk(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Project.objects.restrict(getattr(request, "user", None))


class WeeklyEntryWriteSerializer(serializers.Serializer[Any]):
    """Input of ``weekly_entry_save``: the week's entry is created, or updated in place within the week."""

    project = _ScopedPk(help_text=_("项目 id"))
    week = serializers.DateField(required=False, help_text=_("该周任一天；默认本周"))
    progress = serializers.IntegerField(min_value=0, max_value=100)
    invested = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text=_("累计完成投资（万元）")
    )
    work_done = serializers.CharField(max_length=5000)
    next_plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    problems = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    decrease_reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text=_("进度或投资低于上周时必填")
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=6)


class ProblemWriteSerializer(serializers.Serializer[Any]):
    """A problem on the project: a work order through the one intake, placed at ``lng``/``lat`` or, without them,
    on the project's line or polygon."""

    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=5000)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_HELP)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=6)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lng") is None) != (attrs.get("lat") is None):
            raise serializers.ValidationError({"lat": [_("经度和纬度须同时提供")]}, code="coordinates_incomplete")
        crs = attrs.pop("crs", "wgs84")
        if attrs.get("lng") is not None:
            attrs["lng"], attrs["lat"] = to_wgs84(attrs["lng"], attrs["lat"], crs)
        return attrs


class RollupQuerySerializer(serializers.Serializer[Any]):
    territory = serializers.CharField(required=False, max_length=32, help_text=_("辖区编码；默认您可见的最高一级"))
    as_of = serializers.DateField(required=False, help_text=_("统计日期；默认今天"))
    week = serializers.DateField(required=False, help_text=_("该周任一天；默认本周（周通报）"))


ProjectTransitionRequestSerializer = payload_serializer(
    WORKFLOW,
    refs={},
    name="ProjectTransitionRequestSerializer",
    doc="One step of a project (start, complete, accept, suspend, resume). Which fields: ``GET …/transitions/``.",
    version_help=_("可不填（项目以状态判断是否已被他人处理）"),
)

_FIGURES = inline_serializer(
    "ProjectFigures",
    {
        "count": serializers.IntegerField(),
        "total_investment": serializers.CharField(),
        "invested": serializers.CharField(),
        "invested_pct": serializers.FloatField(allow_null=True),
        "average_progress": serializers.FloatField(allow_null=True),
        "started": serializers.IntegerField(),
        "finished": serializers.IntegerField(),
        "behind": serializers.IntegerField(),
        "by_status": serializers.DictField(child=serializers.IntegerField()),
    },
)
RollupSerializer = inline_serializer(
    "ProjectRollup",
    {
        "territory": serializers.DictField(),
        "as_of": serializers.DateField(),
        "behind_points": serializers.IntegerField(),
        "totals": _FIGURES,
        "by_type": serializers.ListField(child=serializers.DictField()),
        "by_territory": serializers.ListField(child=serializers.DictField()),
    },
)
WeekSummarySerializer = inline_serializer(
    "ProjectWeekSummary",
    {
        "territory": serializers.DictField(),
        "week_start": serializers.DateField(),
        "week_end": serializers.DateField(),
        "week_label": serializers.CharField(),
        "expected": serializers.IntegerField(),
        "entries": serializers.ListField(child=serializers.DictField()),
        "missing": serializers.ListField(child=serializers.DictField()),
        "behind": serializers.ListField(child=serializers.DictField()),
        "totals": _FIGURES,
    },
)


# --- viewsets --------------------------------------------------------------------------------------------------


def _node(request: Request, code: str | None) -> Territory:
    nodes = Territory.objects.restrict(request.user)
    node: Territory | None = nodes.filter(code=code).first() if code else nodes.order_by("depth", "path").first()
    if node is None:
        raise NotFound(str(_("辖区不存在")))
    return node


@extend_schema_view(
    list=extend_schema(summary="项目列表"),
    retrieve=extend_schema(summary="项目详情（含节点、线位和问题工单）"),
    create=extend_schema(summary="登记项目", request=ProjectWriteSerializer, responses={201: ProjectDetailSerializer}),
    update=extend_schema(summary="修改项目", request=ProjectWriteSerializer, responses=ProjectDetailSerializer),
    partial_update=extend_schema(
        summary="修改项目（部分字段）", request=ProjectWriteSerializer, responses=ProjectDetailSerializer
    ),
)
class ProjectViewSet(ListViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    filterset_class = ProjectFilterSet
    serializer_class = ProjectSerializer
    queryset = Project.objects.select_related("territory", "lead_unit").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("ordering", "id"))
    )
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        if self.action == "list":
            return qs.order_by("type", "code")
        return qs.prefetch_related(
            "co_units", Prefetch("problems", queryset=ProjectProblem.objects.select_related("work_order"))
        )

    def get_serializer_class(self) -> Any:
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def _detail(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=project.pk)
        return Response(ProjectDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ProjectWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["components"] = [dict(c) for c in data.get("components", [])]
        data["milestones"] = [dict(m) for m in data.get("milestones", [])]
        project = project_create(actor=request.user, **data)
        return self._detail(project, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        partial = kwargs.get("partial", False)
        body = ProjectWriteSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k in request.data or not partial}
        data.pop("code", None)
        crs = data.pop("crs", "wgs84")
        if "components" in data:
            data["components"] = [dict(c) for c in data["components"]]
        milestones = [dict(m) for m in data.pop("milestones")] if "milestones" in data else None
        co_units = data.pop("co_units", None)
        updated = project_update(
            actor=request.user, project=project, crs=crs, milestones=milestones, co_units=co_units, **data
        )
        return self._detail(updated)

    @extend_schema(methods=["GET"], summary="当前可执行的项目操作", responses=AvailableTransitionSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="执行项目操作（开工、完工、验收、暂停、恢复）",
        request=ProjectTransitionRequestSerializer,
        responses={200: ProjectDetailSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in available(request.user, project)
            ]
            return Response(AvailableTransitionSerializer(rows, many=True).data)
        body = ProjectTransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = {
            k: v for k, v in body.validated_data.items() if k in request.data and k not in ("name", "expected_version")
        }
        project_transition(actor=request.user, project=project, name=body.validated_data["name"], **payload)
        return self._detail(project)

    @extend_schema(methods=["GET"], summary="项目的问题工单", responses=ProblemLinkSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="项目问题转立工单（统一受理）",
        request={"application/json": ProblemWriteSerializer, "multipart/form-data": ProblemWriteSerializer},
        responses={201: ProblemLinkSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def problems(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        if request.method == "GET":
            rows = project.problems.select_related("work_order").order_by("-raised_at")
            return Response(ProblemLinkSerializer(rows, many=True).data)
        body = ProblemWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        link = project_problem_raise(actor=request.user, project=project, **body.validated_data)
        return Response(ProblemLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="项目汇总（按类型、按下级辖区）",
        parameters=[
            OpenApiParameter("territory", OpenApiTypes.STR, description="辖区编码；默认您可见的最高一级"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期；默认今天"),
        ],
        responses=RollupSerializer,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def rollup(self, request: Request) -> Response:
        query = RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        node = _node(request, query.validated_data.get("territory"))
        as_of: dt.date = query.validated_data.get("as_of") or timezone.localdate()
        return Response(project_rollup(node, as_of, qs=self.get_queryset()))

    @extend_schema(
        summary="项目周通报（本周填报、在建未填报、进度滞后）",
        parameters=[
            OpenApiParameter("territory", OpenApiTypes.STR, description="辖区编码；默认您可见的最高一级"),
            OpenApiParameter("week", OpenApiTypes.DATE, description="该周任一天；默认本周"),
        ],
        responses=WeekSummarySerializer,
    )
    @action(detail=False, methods=["get"], url_path="week-summary", filter_backends=[], pagination_class=None)
    def week_summary(self, request: Request) -> Response:
        query = RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        node = _node(request, query.validated_data.get("territory"))
        week: dt.date = query.validated_data.get("week") or timezone.localdate()
        return Response(project_week_summary(node, week, qs=self.get_queryset()))


@extend_schema_view(
    list=extend_schema(summary="项目周进度列表"),
    retrieve=extend_schema(summary="项目周进度详情"),
    create=extend_schema(
        summary="填报周进度（同一周再次提交即更新）",
        request={"application/json": WeeklyEntryWriteSerializer, "multipart/form-data": WeeklyEntryWriteSerializer},
        responses={201: WeeklyEntrySerializer, 200: WeeklyEntrySerializer},
    ),
)
class WeeklyEntryViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = WeeklyEntryFilterSet
    serializer_class = WeeklyEntrySerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = WeeklyEntry.objects.order_by("project_id", "-week_start")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = WeeklyEntryWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.setdefault("week", timezone.localdate())
        entry, created = weekly_entry_save(actor=request.user, **data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(WeeklyEntrySerializer(entry).data, status=code)


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("projects", ProjectViewSet, basename="project")
    router.register("project-entries", WeeklyEntryViewSet, basename="project-entry")
