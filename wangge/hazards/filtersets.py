"""Filters of the hazard ledger, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``HazardFinding.objects.restrict(user)``); filters only narrow it.
``territory`` takes the code of any node the user may see and reaches every finding in the grids under it;
``overdue`` keeps the findings still open or awaiting their check after their deadline.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.hazards.choices import OPEN_STATUSES, HazardStatus
from wangge.hazards.models import HazardFinding, HazardType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _grids(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(_user(request)).filter(kind=TerritoryKind.GRID).order_by("path")


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(_user(request)).only("pk", "code", "name", "path")


def _types(request: HttpRequest | None) -> QuerySet[HazardType]:
    return HazardType.objects.order_by("ordering", "key")


class HazardTypeFilterSet(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = HazardType
        fields = ["is_active"]


class HazardFindingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("隐患编号、描述或地址"))
    type = django_filters.ModelChoiceFilter(
        label=_("隐患类型"), queryset=_types, to_field_name="key", help_text=_("隐患类型键")
    )
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=HazardStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("超期未整改"), method="filter_overdue")
    grid = django_filters.ModelChoiceFilter(
        label=_("网格"), queryset=_grids, to_field_name="code", help_text=_("网格编码")
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有网格的隐患"),
    )
    found_from = django_filters.DateFilter(label=_("发现日期起"), field_name="found_at", lookup_expr="date__gte")
    found_to = django_filters.DateFilter(label=_("发现日期止"), field_name="found_at", lookup_expr="date__lte")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("found_at", "found_at"), ("due_at", "due_at"), ("code", "code")),
        field_labels={"found_at": _("发现时间"), "due_at": _("整改期限"), "code": _("隐患编号")},
    )

    class Meta:
        model = HazardFinding
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[HazardFinding], name: str, value: str) -> QuerySet[HazardFinding]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(title__icontains=value) | Q(address__icontains=value))

    def filter_overdue(self, qs: QuerySet[HazardFinding], name: str, value: bool | None) -> QuerySet[HazardFinding]:
        if value is None:
            return qs
        # As ``selectors.overdue_q`` (a sibling layer: filters do not import the selectors).
        condition = Q(status__in=sorted(OPEN_STATUSES), due_at__lt=timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)

    def filter_territory(
        self, qs: QuerySet[HazardFinding], name: str, value: Territory | None
    ) -> QuerySet[HazardFinding]:
        return qs if value is None else qs.filter(grid__path__startswith=value.path)
