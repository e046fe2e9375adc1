"""Filters of 志愿服务与岗位, one per model, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``Model.objects.restrict(user)``); filters only narrow it.
``territory`` takes the code of any node the user may see and reaches every row under it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.territory.models import Territory
from wangge.volunteers.choices import HoursStatus, PostKind, VolunteerStatus
from wangge.volunteers.models import Activity, CheckIn, Post, RosterSlot, ServiceHours, Team, Volunteer, VolunteerRole


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(_user(request)).only("pk", "code", "name", "path")


def _roles(request: HttpRequest | None) -> QuerySet[VolunteerRole]:
    return VolunteerRole.objects.order_by("ordering", "key")


def _teams(request: HttpRequest | None) -> QuerySet[Team]:
    return Team.objects.restrict(_user(request)).only("pk", "name").order_by("name")


def _posts(request: HttpRequest | None) -> QuerySet[Post]:
    return Post.objects.restrict(_user(request)).only("pk", "code", "name").order_by("code")


def _territory_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有记录"),
    )


class _Territorial(django_filters.FilterSet):
    territory_field = "territory__path"

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(**{f"{self.territory_field}__startswith": value.path})


class VolunteerFilterSet(_Territorial):
    q = django_filters.CharFilter(label=_("姓名"), method="filter_q", help_text=_("姓名（包含）"))
    role = django_filters.ModelChoiceFilter(
        label=_("角色"), queryset=_roles, to_field_name="key", field_name="roles", help_text=_("角色键")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=VolunteerStatus.choices)
    team = django_filters.ModelChoiceFilter(label=_("队伍"), queryset=_teams, field_name="teams")
    territory = _territory_filter()

    class Meta:
        model = Volunteer
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        value = value.strip()
        return qs.filter(name__icontains=value) if value else qs


class TeamFilterSet(_Territorial):
    q = django_filters.CharFilter(label=_("队伍名称"), field_name="name", lookup_expr="icontains")
    territory = _territory_filter()

    class Meta:
        model = Team
        fields: list[str] = []


class ActivityFilterSet(_Territorial):
    q = django_filters.CharFilter(label=_("活动名称"), field_name="title", lookup_expr="icontains")
    team = django_filters.ModelChoiceFilter(label=_("队伍"), queryset=_teams)
    territory = _territory_filter()
    date_from = django_filters.DateFilter(label=_("活动日期起"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("活动日期止"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Activity
        fields: list[str] = []


class ServiceHoursFilterSet(_Territorial):
    territory_field = "activity__territory__path"
    status = django_filters.ChoiceFilter(label=_("状态"), choices=HoursStatus.choices)
    team = django_filters.ModelChoiceFilter(label=_("队伍"), queryset=_teams, field_name="activity__team")
    volunteer = django_filters.NumberFilter(label=_("志愿者"), field_name="volunteer_id", help_text=_("志愿者 ID"))
    territory = _territory_filter()
    date_from = django_filters.DateFilter(label=_("活动日期起"), field_name="activity__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("活动日期止"), field_name="activity__date", lookup_expr="lte")

    class Meta:
        model = ServiceHours
        fields: list[str] = []


class PostFilterSet(_Territorial):
    q = django_filters.CharFilter(label=_("岗位"), method="filter_q", help_text=_("岗位编码或名称"))
    kind = django_filters.ChoiceFilter(label=_("岗位类型"), choices=PostKind.choices)
    territory = _territory_filter()

    class Meta:
        model = Post
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        value = value.strip()
        return qs.filter(Q(code__iexact=value) | Q(name__icontains=value)) if value else qs


class RosterSlotFilterSet(_Territorial):
    territory_field = "post__territory__path"
    post = django_filters.ModelChoiceFilter(label=_("岗位"), queryset=_posts)
    volunteer = django_filters.NumberFilter(label=_("志愿者"), field_name="volunteer_id", help_text=_("志愿者 ID"))
    territory = _territory_filter()
    date_from = django_filters.DateFilter(label=_("日期起"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期止"), field_name="date", lookup_expr="lte")

    class Meta:
        model = RosterSlot
        fields: list[str] = []


class CheckInFilterSet(_Territorial):
    territory_field = "post__territory__path"
    post = django_filters.ModelChoiceFilter(label=_("岗位"), queryset=_posts)
    territory = _territory_filter()
    late = django_filters.BooleanFilter(label=_("迟到"), field_name="is_late")
    far = django_filters.BooleanFilter(label=_("位置偏离"), field_name="far_from_post")
    date_from = django_filters.DateFilter(label=_("日期起"), field_name="at__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期止"), field_name="at__date", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields: list[str] = []
