"""Filters of the rounds, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``Round.objects.restrict(user)``); filters only narrow it.
``territory`` takes the code of any node the user may see and reaches every round in the grids under it;
``missed`` keeps the rounds marked missed or still pending after they closed (as ``selectors.missed_q``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.inspections.choices import Frequency, RoundStatus
from wangge.inspections.models import Round
from wangge.places.models import PointType
from wangge.territory.models import Territory


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(_user(request)).only("pk", "code", "name", "path")


def _types(request: HttpRequest | None) -> QuerySet[PointType]:
    return PointType.objects.order_by("ordering", "key")


class RoundFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("点位"), method="filter_q", help_text=_("点位编码或名称"))
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=RoundStatus.choices)
    point_type = django_filters.ModelChoiceFilter(
        label=_("点位类型"), queryset=_types, to_field_name="key", field_name="point__type", help_text=_("点位类型键")
    )
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有网格的巡查任务"),
    )
    frequency = django_filters.ChoiceFilter(label=_("频次"), choices=Frequency.choices)
    date_from = django_filters.DateFilter(label=_("周期截止日起"), field_name="period_end", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("周期截止日止"), field_name="period_end", lookup_expr="lte")
    late = django_filters.BooleanFilter(label=_("逾期提交"), field_name="is_late")
    far = django_filters.BooleanFilter(label=_("位置偏离"), field_name="far_from_point")
    failed = django_filters.BooleanFilter(label=_("有不合格项"), method="filter_failed")
    missed = django_filters.BooleanFilter(label=_("漏巡"), method="filter_missed")

    class Meta:
        model = Round
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Round], name: str, value: str) -> QuerySet[Round]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(point__code__iexact=value) | Q(point__name__icontains=value))

    def filter_territory(self, qs: QuerySet[Round], name: str, value: Territory | None) -> QuerySet[Round]:
        return qs if value is None else qs.filter(grid__path__startswith=value.path)

    def filter_failed(self, qs: QuerySet[Round], name: str, value: bool | None) -> QuerySet[Round]:
        if value is None:
            return qs
        return qs.filter(failed_items__gt=0) if value else qs.filter(failed_items=0)

    def filter_missed(self, qs: QuerySet[Round], name: str, value: bool | None) -> QuerySet[Round]:
        if value is None:
            return qs
        # As ``selectors.missed_q`` (a sibling layer: filters do not import the selectors).
        condition = Q(status=RoundStatus.MISSED) | Q(status=RoundStatus.PENDING, closes_at__lt=timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)
