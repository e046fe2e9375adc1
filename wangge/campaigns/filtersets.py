"""Filters of campaigns, their findings and their remediation quantities, shared by the pages and the REST API.
The querysets handed in are already scoped; filters only narrow them."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.choices import CampaignKind, CampaignStatus
from wangge.campaigns.models import Campaign, CampaignFinding, QuantityItem, RemediationQuantity
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


def _items(request: HttpRequest | None) -> QuerySet[QuantityItem]:
    return QuantityItem.objects.order_by("ordering", "key")


class CampaignFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("专项编号或名称"))
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=CampaignStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("专项类别"), choices=CampaignKind.choices)
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("辖区编码：整治范围在该辖区内或覆盖该辖区的专项"),
    )
    active_on = django_filters.DateFilter(label=_("某日在期"), method="filter_active_on")

    class Meta:
        model = Campaign
        fields = ["q", "status", "kind", "territory", "active_on"]

    def filter_q(self, qs: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        value = value.strip()
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else qs

    def filter_territory(self, qs: QuerySet[Campaign], name: str, value: Any) -> QuerySet[Campaign]:
        if value is None:
            return qs
        ancestors = [value.path[:i] for i in range(Territory.steplen, len(value.path) + 1, Territory.steplen)]
        return qs.filter(Q(territory__path__startswith=value.path) | Q(territory__path__in=ancestors))

    def filter_active_on(self, qs: QuerySet[Campaign], name: str, value: Any) -> QuerySet[Campaign]:
        return qs.filter(start_date__lte=value, end_date__gte=value) if value else qs


class CampaignFindingFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("专项 id"))
    has_problem = django_filters.BooleanFilter(label=_("发现问题"))
    point = django_filters.CharFilter(field_name="point__code", label=_("点位编码"))

    class Meta:
        model = CampaignFinding
        fields = ["campaign", "has_problem", "point"]


class RemediationQuantityFilterSet(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("专项 id"))
    item = django_filters.ModelChoiceFilter(
        label=_("整治项目"), queryset=_items, to_field_name="key", help_text=_("整治项目键")
    )
    work_order = django_filters.NumberFilter(field_name="work_order_id", label=_("工单 id"))

    class Meta:
        model = RemediationQuantity
        fields = ["campaign", "item", "work_order"]
