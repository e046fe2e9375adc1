"""Filters of the dispute ledger and the mediation register, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``Dispute.objects.restrict(user)``); filters only narrow it.
``territory`` takes the code of any node the user may see and reaches every dispute in the grids under it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.mediation.choices import (
    OPEN_STATUSES,
    CauseClass,
    DisputeSource,
    DisputeStatus,
    MediatorKind,
    OrganisationKind,
    RiskLevel,
    Track,
)
from wangge.mediation.models import Dispute, DisputeType, MediationOrganisation, Mediator
from wangge.territory.models import Territory


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(_user(request)).only("pk", "code", "name", "path")


def _types(request: HttpRequest | None) -> QuerySet[DisputeType]:
    return DisputeType.objects.order_by("ordering", "key")


def _organisations(request: HttpRequest | None) -> QuerySet[MediationOrganisation]:
    return MediationOrganisation.objects.restrict(_user(request)).order_by("kind", "name")


class DisputeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("纠纷编号、概要或当事人姓名"))
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=DisputeStatus.choices)
    open = django_filters.BooleanFilter(label=_("未办结"), method="filter_open")
    cause_class = django_filters.ChoiceFilter(label=_("成因类别"), choices=CauseClass.choices)
    type = django_filters.ModelChoiceFilter(
        label=_("纠纷类型"), queryset=_types, to_field_name="key", help_text=_("纠纷类型键")
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=DisputeSource.choices)
    track = django_filters.ChoiceFilter(label=_("调解类型"), choices=Track.choices)
    risk_level = django_filters.ChoiceFilter(label=_("风险等级"), choices=RiskLevel.choices)
    supervised = django_filters.BooleanFilter(label=_("督办中"))
    overdue = django_filters.BooleanFilter(label=_("超期未结"), method="filter_overdue")
    organisation = django_filters.ModelChoiceFilter(label=_("调解组织"), queryset=_organisations)
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("任一辖区编码：含其下所有网格的纠纷"),
    )
    found_from = django_filters.DateFilter(label=_("发现日期起"), field_name="found_at", lookup_expr="date__gte")
    found_to = django_filters.DateFilter(label=_("发现日期止"), field_name="found_at", lookup_expr="date__lte")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("found_at", "found_at"), ("due_at", "due_at"), ("code", "code")),
        field_labels={"found_at": _("发现时间"), "due_at": _("调解期限"), "code": _("纠纷编号")},
    )

    class Meta:
        model = Dispute
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(title__icontains=value) | Q(parties__name=value)).distinct()

    def filter_open(self, qs: QuerySet[Dispute], name: str, value: bool | None) -> QuerySet[Dispute]:
        if value is None:
            return qs
        condition = Q(status__in=sorted(OPEN_STATUSES))
        return qs.filter(condition) if value else qs.exclude(condition)

    def filter_overdue(self, qs: QuerySet[Dispute], name: str, value: bool | None) -> QuerySet[Dispute]:
        if value is None:
            return qs
        # As ``selectors.is_overdue`` (a sibling layer: filters do not import the selectors).
        condition = Q(status=DisputeStatus.MEDIATING, due_at__lt=timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)

    def filter_territory(self, qs: QuerySet[Dispute], name: str, value: Territory | None) -> QuerySet[Dispute]:
        return qs if value is None else qs.filter(grid__path__startswith=value.path)


class OrganisationFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrganisationKind.choices)
    is_active = django_filters.BooleanFilter(label=_("启用"))
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"), queryset=_territories, to_field_name="code", method="filter_territory"
    )

    class Meta:
        model = MediationOrganisation
        fields: list[str] = []

    def filter_territory(
        self, qs: QuerySet[MediationOrganisation], name: str, value: Territory | None
    ) -> QuerySet[MediationOrganisation]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)


class MediatorFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("调解员类型"), choices=MediatorKind.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("调解组织"), queryset=_organisations)
    is_active = django_filters.BooleanFilter(label=_("在岗"))

    class Meta:
        model = Mediator
        fields: list[str] = []
