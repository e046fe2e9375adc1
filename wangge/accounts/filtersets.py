"""Filters of units and staff, shared by the registry pages and the REST API.

The querysets handed in are already scoped (``restrict(user)``); filters only narrow them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit, User


def _units(request: HttpRequest | None) -> QuerySet[Unit]:
    return Unit.objects.restrict(getattr(request, "user", None)).order_by("code")


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编码或名称"), method="filter_q")
    kind = django_filters.MultipleChoiceFilter(distinct=False, label=_("类型"), choices=UnitKind.choices)
    is_active = django_filters.BooleanFilter(label=_("启用"))
    territory = django_filters.CharFilter(
        label=_("辖区编码"), field_name="territory__code", lookup_expr="startswith", help_text=_("编码前缀")
    )
    parent = django_filters.ModelChoiceFilter(label=_("上级单位"), queryset=_units)
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("code", "code"), ("name", "name"), ("kind", "kind")),
        field_labels={"code": _("编码"), "name": _("名称"), "kind": _("类型")},
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        return queryset.filter(Q(code__startswith=v) | Q(name__icontains=v)) if v else queryset


class StaffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("账号或姓名"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="filter_role")
    unit = django_filters.ModelChoiceFilter(label=_("所属单位"), queryset=_units)
    territory = django_filters.CharFilter(
        label=_("授权辖区编码"), method="filter_territory", help_text=_("编码前缀：授权节点在其下的人员")
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("username", "username"), ("display_name", "display_name")),
        field_labels={"username": _("账号"), "display_name": _("姓名")},
    )

    class Meta:
        model = User
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        return queryset.filter(Q(username__startswith=v) | Q(display_name__icontains=v)) if v else queryset

    def filter_role(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # A subquery, so a user with several grants is listed once.
        return queryset.filter(pk__in=User.objects.filter(grants__role=value).values("pk")) if value else queryset

    def filter_territory(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        code = value.strip()
        if not code:
            return queryset
        holders = User.objects.filter(grants__territory__code__startswith=code).values("pk")
        return queryset.filter(pk__in=holders)
