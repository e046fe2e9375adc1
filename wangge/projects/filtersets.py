"""Filters of the project ledger, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``Project.objects.restrict(user)``); filters only narrow it.
``territory`` takes the code of any node the user may see and reaches every project under it; ``behind`` keeps
the projects behind schedule today (``schedule.behind_reasons``).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.projects.choices import ProjectStatus, ProjectType
from wangge.projects.models import Project, WeeklyEntry
from wangge.projects.schedule import behind_reasons
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("项目编号、名称或建设地点"))
    type = django_filters.MultipleChoiceFilter(distinct=False, label=_("项目类型"), choices=ProjectType.choices)
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=ProjectStatus.choices)
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有项目"),
    )
    behind = django_filters.BooleanFilter(label=_("进度滞后"), method="filter_behind")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("code", "code"), ("total_investment", "total_investment"), ("progress", "progress")),
        field_labels={"code": _("项目编号"), "total_investment": _("总投资"), "progress": _("形象进度")},
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(name__icontains=value) | Q(location__icontains=value))

    def filter_territory(self, qs: QuerySet[Project], name: str, value: Territory | None) -> QuerySet[Project]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)

    def filter_behind(self, qs: QuerySet[Project], name: str, value: bool | None) -> QuerySet[Project]:
        if value is None:
            return qs
        today = timezone.localdate()
        ids = [
            p.pk
            for p in qs.prefetch_related("milestones").only("pk", "status", "progress", "planned_start", "planned_end")
            if bool(behind_reasons(p, today, p.milestones.all())) == value
        ]
        return qs.filter(pk__in=ids)


class WeeklyEntryFilterSet(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("项目ID"), field_name="project_id")
    week_from = django_filters.DateFilter(label=_("周起"), field_name="week_start", lookup_expr="gte")
    week_to = django_filters.DateFilter(label=_("周止"), field_name="week_start", lookup_expr="lte")

    class Meta:
        model = WeeklyEntry
        fields: list[str] = []
