"""Filters of the territory tree, shared by the registry pages and the REST API.

``parent`` lists the children of one node (walk the tree a level at a time); ``within`` reaches a whole
subtree by code prefix. The queryset handed in is already scoped (``Territory.objects.restrict(user)``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


def _visible(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None))


class TerritoryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编码或名称"), method="filter_q")
    kind = django_filters.MultipleChoiceFilter(distinct=False, label=_("层级"), choices=TerritoryKind.choices)
    parent = django_filters.ModelChoiceFilter(
        label=_("上级节点"), queryset=_visible, method="filter_parent", help_text=_("列出该节点的直接下级")
    )
    within = django_filters.CharFilter(
        label=_("辖区编码"), field_name="code", lookup_expr="startswith", help_text=_("编码前缀，含其下全部节点")
    )
    depth = django_filters.NumberFilter(label=_("树深度"), field_name="depth")
    is_synthetic = django_filters.BooleanFilter(label=_("演示合成"))
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("path", "path"), ("code", "code"), ("name", "name"), ("area_m2", "area_m2")),
        field_labels={"path": _("树序"), "code": _("编码"), "name": _("名称"), "area_m2": _("面积")},
    )

    class Meta:
        model = Territory
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        return queryset.filter(Q(code__startswith=v) | Q(name__icontains=v)) if v else queryset

    def filter_parent(self, queryset: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(path__startswith=value.path, depth=value.depth + 1)
