"""Filters of the party organisations and members, shared by the pages and the REST API. The queryset handed in
is already scoped; ``territory`` takes the code of any node the user may see and keeps what lies under it."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.party.choices import MemberRole, OrgLevel
from wangge.party.models import CadreArea, PartyMember, PartyOrganisation
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


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="filter_q")
    org_level = django_filters.ChoiceFilter(label=_("层级"), choices=OrgLevel.choices, field_name="level")
    territory = _territory_filter()

    class Meta:
        model = PartyOrganisation
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(name__icontains=value.strip()) if value.strip() else qs

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("职务"), choices=MemberRole.choices)
    organisation = django_filters.NumberFilter(label=_("党组织"), field_name="organisation_id")
    is_active = django_filters.BooleanFilter(label=_("在册"))
    territory = _territory_filter()

    class Meta:
        model = PartyMember
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(resident__name__icontains=value.strip())) if value.strip() else qs

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(organisation__territory__path__startswith=value.path)


class CadreAreaFilterSet(django_filters.FilterSet):
    territory = _territory_filter()

    class Meta:
        model = CadreArea
        fields: list[str] = []

    def filter_territory(self, qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(territory__path__startswith=value.path)
