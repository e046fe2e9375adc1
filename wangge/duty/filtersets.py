"""Filters of 值班备勤 and 防汛备汛, one per model, shared by the staff pages and the REST API.

The querysets handed in are already scoped; filters only narrow them. ``territory`` takes the code of any node
the user may see and reaches every row of the nodes under it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.duty.choices import DepotKind, PlanKind, TeamKind
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyRoster,
    DutyShift,
    EmergencyPlan,
    RescueTeam,
    StockTake,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    user = getattr(request, "user", None)
    return (
        Territory.objects.restrict(user)
        .filter(kind__in=[TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY])
        .order_by("path")
        .only("pk", "code", "name", "path")
    )


def _rosters(request: HttpRequest | None) -> QuerySet[DutyRoster]:
    return DutyRoster.objects.restrict(getattr(request, "user", None)).order_by("territory__path", "name")


def _depots(request: HttpRequest | None) -> QuerySet[Depot]:
    return Depot.objects.restrict(getattr(request, "user", None)).order_by("territory__path", "name")


class _TerritoryFilterSet(django_filters.FilterSet):
    territory_field = "territory"
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("辖区编码：含其下级"),
    )

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(**{f"{self.territory_field}__path__startswith": value.path})


class DutyRosterFilterSet(_TerritoryFilterSet):
    class Meta:
        model = DutyRoster
        fields = ["territory"]


class DutyShiftFilterSet(_TerritoryFilterSet):
    territory_field = "roster__territory"
    roster = django_filters.ModelChoiceFilter(label=_("值班表"), queryset=_rosters)
    day_from = django_filters.DateFilter(label=_("起始日期"), field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(label=_("截止日期"), field_name="day", lookup_expr="lte")

    class Meta:
        model = DutyShift
        fields = ["roster", "territory", "day_from", "day_to"]


class DepotFilterSet(_TerritoryFilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("名称、地址或保管人"))
    kind = django_filters.ChoiceFilter(label=_("储备点类型"), choices=DepotKind.choices)

    class Meta:
        model = Depot
        fields = ["q", "kind", "territory"]

    def filter_q(self, qs: QuerySet[Depot], name: str, value: str) -> QuerySet[Depot]:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(address__icontains=value) | Q(custodian_name__icontains=value))


class StockTakeFilterSet(django_filters.FilterSet):
    depot = django_filters.ModelChoiceFilter(label=_("储备点"), queryset=_depots)
    taken_from = django_filters.DateFilter(label=_("起始日期"), field_name="taken_on", lookup_expr="gte")
    taken_to = django_filters.DateFilter(label=_("截止日期"), field_name="taken_on", lookup_expr="lte")

    class Meta:
        model = StockTake
        fields = ["depot", "taken_from", "taken_to"]


class RescueTeamFilterSet(_TerritoryFilterSet):
    kind = django_filters.ChoiceFilter(label=_("队伍类型"), choices=TeamKind.choices)

    class Meta:
        model = RescueTeam
        fields = ["kind", "territory"]


class EmergencyPlanFilterSet(_TerritoryFilterSet):
    kind = django_filters.ChoiceFilter(label=_("预案类型"), choices=PlanKind.choices)

    class Meta:
        model = EmergencyPlan
        fields = ["kind", "territory"]


class DrillFilterSet(_TerritoryFilterSet):
    held_from = django_filters.DateFilter(label=_("起始日期"), field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(label=_("截止日期"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Drill
        fields = ["territory", "held_from", "held_to"]


class ConsultationFilterSet(_TerritoryFilterSet):
    held_from = django_filters.DateFilter(label=_("起始日期"), field_name="held_at", lookup_expr="date__gte")
    held_to = django_filters.DateFilter(label=_("截止日期"), field_name="held_at", lookup_expr="date__lte")

    class Meta:
        model = Consultation
        fields = ["territory", "held_from", "held_to"]
