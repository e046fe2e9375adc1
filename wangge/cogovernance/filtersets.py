"""Filters of the meetings, tasks and 分包, shared by the pages and the REST API. The queryset handed in is
already scoped; ``territory`` takes the code of any node the user may see and keeps what lies under it."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.cogovernance.choices import OPEN_TASK_STATUSES, AssignmentKind, MeetingKind, TaskStatus
from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


def _territory_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有"),
    )


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("议题"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("会议类型"), choices=MeetingKind.choices)
    territory = _territory_filter()
    date_from = django_filters.DateFilter(label=_("会议日期起"), field_name="held_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("会议日期止"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(title__icontains=value.strip()) if value.strip() else qs

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)


class TaskFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TaskStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")
    meeting = django_filters.NumberFilter(label=_("会议"), field_name="meeting_id")
    territory = _territory_filter()

    class Meta:
        model = FollowUpTask
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        # As ``deadlines.overdue_q`` (a sibling layer: filters do not import it).
        today = timezone.localdate()
        condition = Q(status__in=sorted(OPEN_TASK_STATUSES), deadline__lt=today)
        return qs.filter(condition) if value else qs.exclude(condition)

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(meeting__territory__path__startswith=value.path)


class AssignmentFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("分包类型"), choices=AssignmentKind.choices)
    is_active = django_filters.BooleanFilter(label=_("有效"))
    territory = _territory_filter()

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)
