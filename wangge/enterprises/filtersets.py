"""Filters of 助企包联, shared by the staff pages and the REST API. The queryset handed in is already scoped; filters
only narrow it. ``territory`` takes the code of any node the user may see and reaches everything under it."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wangge.enterprises.choices import Industry, LiaisonLevel, Scale, ServiceDayKind
from wangge.enterprises.models import Enterprise, FinancingEvent, Liaison, ServiceDay, Visit
from wangge.territory.models import Territory


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number within the range of a database key (anything else is a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**53)
        super().__init__(*args, **kwargs)


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


class _TerritoryMixin(django_filters.FilterSet):
    territory_path = "grid__path"
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下全部"),
    )

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(**{f"{self.territory_path}__startswith": value.path})


class EnterpriseFilterSet(_TerritoryMixin):
    q = django_filters.CharFilter(label=_("企业"), method="filter_q", help_text=_("名称或统一社会信用代码"))
    industry = django_filters.ChoiceFilter(label=_("行业"), choices=Industry.choices)
    scale = django_filters.MultipleChoiceFilter(distinct=False, label=_("规模"), choices=Scale.choices)
    unliaised = django_filters.BooleanFilter(label=_("未落实包联干部"), method="filter_unliaised")

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(credit_code__iexact=value) | Q(name__icontains=value))

    def filter_unliaised(self, qs: QuerySet[Enterprise], name: str, value: bool | None) -> QuerySet[Enterprise]:
        if value is None:
            return qs
        with_cadre = Liaison.objects.filter(level=LiaisonLevel.CADRE, is_active=True).values("enterprise_id")
        return qs.exclude(pk__in=with_cadre) if value else qs.filter(pk__in=with_cadre)


class LiaisonFilterSet(_TerritoryMixin):
    territory_path = "enterprise__grid__path"
    level = django_filters.ChoiceFilter(label=_("包联层级"), choices=LiaisonLevel.choices)
    enterprise = IdFilter(label=_("企业"), field_name="enterprise_id", help_text=_("企业 ID"))
    cadre = IdFilter(label=_("包联人"), field_name="cadre_id", help_text=_("包联人 ID"))
    active = django_filters.BooleanFilter(label=_("有效"), field_name="is_active")

    class Meta:
        model = Liaison
        fields: list[str] = []


class VisitFilterSet(_TerritoryMixin):
    territory_path = "enterprise__grid__path"
    enterprise = IdFilter(label=_("企业"), field_name="enterprise_id", help_text=_("企业 ID"))
    date_from = django_filters.DateFilter(label=_("走访日期起"), field_name="visited_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("走访日期止"), field_name="visited_on", lookup_expr="lte")
    with_problems = django_filters.BooleanFilter(label=_("有反映问题"), method="filter_problems")

    class Meta:
        model = Visit
        fields: list[str] = []

    def filter_problems(self, qs: QuerySet[Visit], name: str, value: bool | None) -> QuerySet[Visit]:
        if value is None:
            return qs
        return qs.filter(problem_count__gt=0) if value else qs.filter(problem_count=0)


class ServiceDayFilterSet(_TerritoryMixin):
    territory_path = "territory__path"
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ServiceDayKind.choices)
    date_from = django_filters.DateFilter(label=_("举办日期起"), field_name="held_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("举办日期止"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = ServiceDay
        fields: list[str] = []


class FinancingEventFilterSet(_TerritoryMixin):
    territory_path = "territory__path"
    date_from = django_filters.DateFilter(label=_("举办日期起"), field_name="held_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("举办日期止"), field_name="held_on", lookup_expr="lte")
    online = django_filters.BooleanFilter(label=_("线上直播"))

    class Meta:
        model = FinancingEvent
        fields: list[str] = []
