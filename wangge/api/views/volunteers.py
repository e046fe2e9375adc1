"""REST endpoints of 志愿服务与岗位 (``wangge.volunteers``), registered on the API router by wangge.api.urls through
``register``: the roles (a dictionary), the volunteers, teams, activities, service hours (with confirming and
rejecting), posts, roster slots (with the check-in on a slot) and check-ins — each scoped to the requester's
territory and filtered by the app's one FilterSet per model — and the figures of a territory node. A
volunteer's mobile number is shown masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound
from wangge.core.validators import mask_phone
from wangge.territory.models import Territory
from wangge.volunteers.choices import HoursStatus, PostKind, VolunteerStatus
from wangge.volunteers.filtersets import (
    ActivityFilterSet,
    CheckInFilterSet,
    PostFilterSet,
    RosterSlotFilterSet,
    ServiceHoursFilterSet,
    TeamFilterSet,
    VolunteerFilterSet,
)
from wangge.volunteers.models import (
    Activity,
    CheckIn,
    Post,
    RosterSlot,
    ServiceHours,
    Team,
    Volunteer,
    VolunteerRole,
)
from wangge.volunteers.selectors import volunteer_figures
from wangge.volunteers.services import check_in_record, hours_decide


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


def _text(choices: Any, **kw: Any) -> serializers.CharField:
    return serializers.CharField(read_only=True, help_text=_values(choices), **kw)


class VolunteerRoleSerializer(serializers.ModelSerializer[VolunteerRole]):
    class Meta:
        model = VolunteerRole
        fields = ["key", "name", "description", "ordering", "is_active"]


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    status = _text(VolunteerStatus)
    phone = serializers.SerializerMethodField(help_text=gettext_lazy("手机号（脱敏）"))
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    roles: serializers.SlugRelatedField[VolunteerRole] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text=gettext_lazy("角色键")
    )
    from_resident = serializers.SerializerMethodField(help_text=gettext_lazy("是否来自居民台账"))

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "phone",
            "territory",
            "territory_name",
            "roles",
            "status",
            "joined_on",
            "left_on",
            "from_resident",
        ]

    def get_phone(self, obj: Volunteer) -> str:
        return mask_phone(obj.phone)

    def get_from_resident(self, obj: Volunteer) -> bool:
        return obj.resident_id is not None


class TeamSerializer(serializers.ModelSerializer[Team]):
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    leader_name = serializers.CharField(source="leader.name", read_only=True, default=None)
    members: serializers.PrimaryKeyRelatedField[Volunteer] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=gettext_lazy("队员 ID")
    )

    class Meta:
        model = Team
        fields = ["id", "name", "territory", "territory_name", "leader", "leader_name", "members", "is_active", "note"]


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    team_name = serializers.CharField(source="team.name", read_only=True)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    role = serializers.CharField(source="role.key", read_only=True, default=None, help_text=gettext_lazy("服务类别键"))

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "team",
            "team_name",
            "territory",
            "role",
            "date",
            "start_time",
            "end_time",
            "place",
            "description",
        ]


class ServiceHoursSerializer(serializers.ModelSerializer[ServiceHours]):
    status = _text(HoursStatus)
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    date = serializers.DateField(source="activity.date", read_only=True)
    team = serializers.IntegerField(source="activity.team_id", read_only=True)

    class Meta:
        model = ServiceHours
        fields = [
            "id",
            "activity",
            "activity_title",
            "date",
            "team",
            "volunteer",
            "volunteer_name",
            "hours",
            "status",
            "decided_at",
            "decided_by_name",
            "note",
        ]


class ServiceHoursDecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PostSerializer(serializers.ModelSerializer[Post]):
    kind = _text(PostKind)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("网格编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    point = serializers.CharField(source="point.code", read_only=True, default=None, help_text=gettext_lazy("点位编码"))

    class Meta:
        model = Post
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "lng",
            "lat",
            "address",
            "territory",
            "territory_name",
            "point",
            "team",
            "usual_hours",
            "is_active",
        ]


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    post_name = serializers.CharField(source="post.name", read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "slot",
            "post",
            "post_name",
            "volunteer",
            "volunteer_name",
            "at",
            "lng",
            "lat",
            "accuracy_m",
            "distance_m",
            "is_late",
            "late_minutes",
            "far_from_post",
            "no_position",
            "recorded_by_name",
        ]


class RosterSlotSerializer(serializers.ModelSerializer[RosterSlot]):
    post_name = serializers.CharField(source="post.name", read_only=True)
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    check_in = serializers.SerializerMethodField(help_text=gettext_lazy("到岗签到（未签到为 null）"))

    class Meta:
        model = RosterSlot
        fields = [
            "id",
            "post",
            "post_name",
            "volunteer",
            "volunteer_name",
            "date",
            "start_time",
            "end_time",
            "check_in",
        ]

    @extend_schema_field(CheckInSerializer(allow_null=True))
    def get_check_in(self, obj: RosterSlot) -> dict[str, Any] | None:
        c = obj.check_in if hasattr(obj, "check_in") else None
        return dict(CheckInSerializer(c).data) if c is not None else None


class CheckInRequestSerializer(serializers.Serializer[Any]):
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    crs = serializers.ChoiceField(
        choices=["wgs84", "gcj02", "bd09"], required=False, default="wgs84", help_text=gettext_lazy("坐标系")
    )
    accuracy = serializers.FloatField(
        required=False, allow_null=True, min_value=0, help_text=gettext_lazy("定位精度（米）")
    )


class FiguresQuerySerializer(serializers.Serializer[Any]):
    territory = serializers.CharField(required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


@extend_schema_view(list=extend_schema(summary="志愿者角色"), retrieve=extend_schema(summary="志愿者角色详情"))
class VolunteerRoleViewSet(ListViewSet):
    serializer_class = VolunteerRoleSerializer
    queryset = VolunteerRole.objects.order_by("ordering", "key")
    scope = SHARED  # a dictionary
    lookup_field = "key"


@extend_schema_view(list=extend_schema(summary="志愿者列表"), retrieve=extend_schema(summary="志愿者详情"))
class VolunteerViewSet(ListViewSet):
    filterset_class = VolunteerFilterSet
    serializer_class = VolunteerSerializer
    queryset = Volunteer.objects.select_related("territory").prefetch_related("roles").order_by("territory_id", "id")
    scope = TERRITORY

    @extend_schema(
        summary="志愿服务统计（按角色、活跃、服务时长、按队伍、志愿者反映及办结、岗位到岗率）",
        parameters=[
            OpenApiParameter("territory", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter("start", OpenApiTypes.DATE, OpenApiParameter.QUERY),
            OpenApiParameter("end", OpenApiTypes.DATE, OpenApiParameter.QUERY),
        ],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request: Request) -> Response:
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        visible = Territory.objects.restrict(request.user)
        code = query.validated_data.get("territory")
        node = visible.filter(code=code).first() if code else visible.order_by("depth", "path").first()
        if node is None:
            raise NotFound(_("辖区不存在"))
        end: dt.date = query.validated_data.get("end") or timezone.localdate()
        start: dt.date = query.validated_data.get("start") or end.replace(day=1)
        return Response(volunteer_figures(node, start, end))


@extend_schema_view(list=extend_schema(summary="志愿服务队列表"), retrieve=extend_schema(summary="志愿服务队详情"))
class TeamViewSet(ListViewSet):
    filterset_class = TeamFilterSet
    serializer_class = TeamSerializer
    queryset = Team.objects.select_related("territory", "leader").prefetch_related("members").order_by("name", "id")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="志愿服务活动列表"), retrieve=extend_schema(summary="志愿服务活动详情"))
class ActivityViewSet(ListViewSet):
    filterset_class = ActivityFilterSet
    serializer_class = ActivitySerializer
    queryset = Activity.objects.select_related("team", "territory", "role").order_by("-date", "-start_time", "id")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="服务时长列表"), retrieve=extend_schema(summary="服务时长详情"))
class ServiceHoursViewSet(ListViewSet):
    filterset_class = ServiceHoursFilterSet
    serializer_class = ServiceHoursSerializer
    queryset = ServiceHours.objects.select_related("activity", "volunteer").order_by("-activity__date", "id")
    scope = TERRITORY

    def _decide(self, request: Request, confirm: bool) -> Response:
        row = self.get_object()
        body = ServiceHoursDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = hours_decide(actor=request.user, hours=row, confirm=confirm, note=body.validated_data.get("note", ""))
        return Response(ServiceHoursSerializer(done).data)

    @extend_schema(
        summary="确认服务时长（队长或管理该辖区的工作人员）",
        request=ServiceHoursDecisionSerializer,
        responses={200: ServiceHoursSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, True)

    @extend_schema(
        summary="不予确认服务时长",
        request=ServiceHoursDecisionSerializer,
        responses={200: ServiceHoursSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, False)


@extend_schema_view(
    list=extend_schema(summary="岗位列表（护学岗、交通文明岗）"), retrieve=extend_schema(summary="岗位详情")
)
class PostViewSet(ListViewSet):
    filterset_class = PostFilterSet
    serializer_class = PostSerializer
    queryset = Post.objects.select_related("territory", "point").order_by("code")
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="排班列表"), retrieve=extend_schema(summary="排班详情（含到岗签到）"))
class RosterSlotViewSet(ListViewSet):
    filterset_class = RosterSlotFilterSet
    serializer_class = RosterSlotSerializer
    queryset = RosterSlot.objects.select_related("post", "volunteer", "check_in").order_by("date", "start_time", "id")
    scope = TERRITORY

    @extend_schema(
        summary="代志愿者到岗签到（记录位置；迟到、位置偏离只标记）",
        request=CheckInRequestSerializer,
        responses={200: CheckInSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="check-in", filter_backends=[], pagination_class=None)
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        slot = self.get_object()
        body = CheckInRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        c = check_in_record(
            actor=request.user,
            slot=slot,
            lng=d.get("lng"),
            lat=d.get("lat"),
            crs=d.get("crs") or "wgs84",
            accuracy=d.get("accuracy"),
        )
        return Response(CheckInSerializer(c).data)


@extend_schema_view(list=extend_schema(summary="到岗签到列表"), retrieve=extend_schema(summary="到岗签到详情"))
class CheckInViewSet(ListViewSet):
    filterset_class = CheckInFilterSet
    serializer_class = CheckInSerializer
    queryset = CheckIn.objects.select_related("post", "volunteer").order_by("-at", "-id")
    scope = TERRITORY


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("volunteer-roles", VolunteerRoleViewSet, basename="volunteer-role")
    router.register("volunteers", VolunteerViewSet, basename="volunteer")
    router.register("volunteer-teams", TeamViewSet, basename="volunteer-team")
    router.register("volunteer-activities", ActivityViewSet, basename="volunteer-activity")
    router.register("volunteer-hours", ServiceHoursViewSet, basename="volunteer-hours")
    router.register("volunteer-posts", PostViewSet, basename="volunteer-post")
    router.register("volunteer-slots", RosterSlotViewSet, basename="volunteer-slot")
    router.register("volunteer-check-ins", CheckInViewSet, basename="volunteer-check-in")
