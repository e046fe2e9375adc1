"""Filters of the meetings and their tasks, shared by the staff pages and the REST API. The queryset handed in is
already scoped (``restrict(user)``); filters only narrow it."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Unit
from wangge.meetings.choices import MeetingKind, MeetingStatus, TaskStatus
from wangge.meetings.deadlines import open_q, overdue_q
from wangge.meetings.models import Meeting, Task
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


def _units(request: HttpRequest | None) -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).order_by("code")


class MeetingFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("会议类型"), choices=MeetingKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MeetingStatus.choices)
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"), queryset=_territories, to_field_name="code", method="filter_territory", help_text=_("辖区编码")
    )
    held_from = django_filters.DateFilter(label=_("会议日期起"), field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(label=_("会议日期止"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields: list[str] = []

    def filter_territory(self, qs: QuerySet[Meeting], name: str, value: Territory | None) -> QuerySet[Meeting]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("交办编号、议题或要求"))
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=TaskStatus.choices)
    open = django_filters.BooleanFilter(label=_("未办结"), method="filter_open")
    overdue = django_filters.BooleanFilter(label=_("超期"), method="filter_overdue")
    unit = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=_units, help_text=_("单位 id"))
    meeting = django_filters.NumberFilter(label=_("会议"), field_name="meeting_id", help_text=_("会议 id"))
    deadline_from = django_filters.DateFilter(label=_("时限起"), field_name="deadline", lookup_expr="gte")
    deadline_to = django_filters.DateFilter(label=_("时限止"), field_name="deadline", lookup_expr="lte")

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(issue__title__icontains=value) | Q(requirement__icontains=value))

    def filter_open(self, qs: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return qs
        return qs.filter(open_q()) if value else qs.exclude(open_q())

    def filter_overdue(self, qs: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return qs
        condition = overdue_q(timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)
