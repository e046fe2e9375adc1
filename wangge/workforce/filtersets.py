"""One FilterSet per listed model, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.workforce.choices import RecordKind, Route, TaskKind, TaskStatus, WorkerKind
from wangge.workforce.models import LadderChange, RoleAssignment, SpecialTask, SunkStaff, WorkerProfile, WorkerRecord
from wangge.workforce.rules import in_force_q, overdue_q


class _Under(django_filters.CharFilter):
    """Rows under a territory node, given by its code."""

    def __init__(self, path_field: str, **kwargs: Any) -> None:
        self.path_field = path_field
        super().__init__(label=_("辖区编码"), **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        from wangge.territory.models import Territory

        node = Territory.objects.filter(code=value).first()
        return qs.filter(**{f"{self.path_field}__startswith": node.path}) if node else qs.none()


class WorkerProfileFilterSet(django_filters.FilterSet):
    territory = _Under("grid__path")
    kind = django_filters.ChoiceFilter(choices=WorkerKind.choices, label=_("专兼职"))
    route = django_filters.ChoiceFilter(choices=Route.choices, label=_("招录途径"))
    ladder_level = django_filters.NumberFilter(label=_("阶梯等级"))
    q = django_filters.CharFilter(method="search", label=_("姓名"))

    class Meta:
        model = WorkerProfile
        fields = ["territory", "kind", "route", "ladder_level", "is_active", "q"]

    def search(self, qs: QuerySet[WorkerProfile], name: str, value: str) -> QuerySet[WorkerProfile]:
        return qs.filter(user__display_name__icontains=value) if value else qs


class RoleAssignmentFilterSet(django_filters.FilterSet):
    territory = _Under("grid__path")
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("网格编号"))
    role = django_filters.CharFilter(field_name="role__key", label=_("角色键"))
    on = django_filters.DateFilter(method="in_force", label=_("在任日期"))

    class Meta:
        model = RoleAssignment
        fields = ["territory", "role", "grid"]

    def in_force(self, qs: QuerySet[RoleAssignment], name: str, value: Any) -> QuerySet[RoleAssignment]:
        return qs.filter(in_force_q(value)) if value else qs


class SunkStaffFilterSet(django_filters.FilterSet):
    territory = _Under("grid__path")
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("网格编号"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("派出单位编号"))
    on = django_filters.DateFilter(method="in_force", label=_("下沉日期"))

    class Meta:
        model = SunkStaff
        fields = ["territory", "grid", "unit"]

    def in_force(self, qs: QuerySet[SunkStaff], name: str, value: Any) -> QuerySet[SunkStaff]:
        return qs.filter(in_force_q(value)) if value else qs


class SpecialTaskFilterSet(django_filters.FilterSet):
    territory = _Under("grid__path")
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("专项类别"))
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("状态"))
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("仅看逾期"))
    assignee = django_filters.NumberFilter(field_name="assignee_id", label=_("承办网格员编号"))

    class Meta:
        model = SpecialTask
        fields = ["territory", "kind", "status", "assignee", "overdue"]

    def only_overdue(self, qs: QuerySet[SpecialTask], name: str, value: Any) -> QuerySet[SpecialTask]:
        return qs.filter(overdue_q()) if value else qs


class LadderChangeFilterSet(django_filters.FilterSet):
    territory = _Under("profile__grid__path")
    month = django_filters.DateFilter(label=_("考评月份（该月第一天）"))
    worker = django_filters.NumberFilter(field_name="worker_id", label=_("网格员编号"))

    class Meta:
        model = LadderChange
        fields = ["territory", "worker", "month", "move"]


class WorkerRecordFilterSet(django_filters.FilterSet):
    territory = _Under("grid__path")
    kind = django_filters.ChoiceFilter(choices=RecordKind.choices, label=_("类别"))
    start = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    end = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))
    worker = django_filters.NumberFilter(field_name="worker_id", label=_("网格员编号"))

    class Meta:
        model = WorkerRecord
        fields = ["territory", "kind", "worker", "start", "end"]
