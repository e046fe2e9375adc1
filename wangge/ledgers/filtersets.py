"""Filters of the 基础台账, shared by the ledger pages and the REST API.

The queryset handed in is already scoped (``Model.objects.restrict(user)``), so a filter can only narrow what
the reader may see. ``territory`` takes the code of any node and keeps the rows of its whole subtree. The
protected numbers are matched exactly, through the blind index of the normalised value (``id_number``,
``phone``); nothing else searches them.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wangge.core.crypto import blind_index
from wangge.core.validators import normalise_id_number, normalise_phone
from wangge.ledgers.choices import (
    Gender,
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    RecordStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from wangge.ledgers.models import Building, Estate, Household, Merchant, Resident, ResidentTag
from wangge.territory.models import Territory


def _subtree(queryset: QuerySet[Any], path_field: str, code: str) -> QuerySet[Any]:
    """Rows whose node lies under the node with ``code`` (none when no node has it)."""
    code = code.strip()
    if not code:
        return queryset
    path = Territory.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": path})


class TerritoryCodeFilter(django_filters.CharFilter):
    """A node's code: the rows of its whole subtree."""

    def __init__(self, path_field: str = "grid__path", **kwargs: Any) -> None:
        kwargs.setdefault("label", _("辖区编码"))
        kwargs.setdefault("help_text", _("区、街道、社区或网格的编码，含其下全部网格"))
        super().__init__(**kwargs)
        self.path_field = path_field

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return _subtree(qs, self.path_field, value) if value else qs


@extend_schema_field(OpenApiTypes.STR)
class TagKeyFilter(django_filters.ModelMultipleChoiceFilter):
    """Resident tags by key (``?tag=dibao&tag=veteran``: any of them); documented as strings."""


class ResidentTagFilterSet(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = ResidentTag
        fields: list[str] = []


class EstateFilterSet(django_filters.FilterSet):
    territory = TerritoryCodeFilter(path_field="community__path")
    q = django_filters.CharFilter(label=_("名称、编码或地址"), method="filter_q")

    class Meta:
        model = Estate
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        if not v:
            return queryset
        return queryset.filter(Q(name__icontains=v) | Q(code__startswith=v) | Q(address__icontains=v))


class BuildingFilterSet(django_filters.FilterSet):
    territory = TerritoryCodeFilter()
    estate = django_filters.NumberFilter(label=_("小区"), field_name="estate_id")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RecordStatus.choices)
    q = django_filters.CharFilter(label=_("名称、编码或地址"), method="filter_q")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("code", "code"), ("name", "name"), ("updated_at", "updated_at")),
        field_labels={"code": _("编码"), "name": _("名称"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Building
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        if not v:
            return queryset
        return queryset.filter(
            Q(name__icontains=v) | Q(code__startswith=v) | Q(address__icontains=v) | Q(head_name__icontains=v)
        )


class HouseholdFilterSet(django_filters.FilterSet):
    territory = TerritoryCodeFilter()
    building = django_filters.NumberFilter(label=_("楼栋"), field_name="building_id")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RecordStatus.choices)
    use = django_filters.ChoiceFilter(label=_("房屋用途"), choices=HouseholdUse.choices)
    q = django_filters.CharFilter(label=_("编码、地址或户主姓名"), method="filter_q")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("code", "code"), ("address", "address"), ("last_visited_at", "last_visited_at")),
        field_labels={"code": _("编码"), "address": _("地址"), "last_visited_at": _("最近走访")},
    )

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        if not v:
            return queryset
        return queryset.filter(Q(code__startswith=v) | Q(address__icontains=v) | Q(head__name__icontains=v))


class ResidentFilterSet(django_filters.FilterSet):
    territory = TerritoryCodeFilter()
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ResidentStatus.choices)
    residence_type = django_filters.ChoiceFilter(label=_("人口类型"), choices=ResidenceType.choices)
    relation = django_filters.ChoiceFilter(label=_("与户主关系"), choices=Relation.choices)
    gender = django_filters.ChoiceFilter(label=_("性别"), choices=Gender.choices)
    tag = TagKeyFilter(
        label=_("人员类别"),
        field_name="tags__key",
        to_field_name="key",
        queryset=ResidentTag.objects.all(),
        distinct=True,
        help_text=_("标签键，可多选（任一）"),
    )
    building = django_filters.NumberFilter(label=_("楼栋"), field_name="household__building_id")
    household = django_filters.NumberFilter(label=_("户"), field_name="household_id")
    id_number = django_filters.CharFilter(
        label=_("公民身份号码"), method="filter_id_number", help_text=_("完整号码，精确匹配")
    )
    phone = django_filters.CharFilter(label=_("联系电话"), method="filter_phone", help_text=_("完整号码，精确匹配"))
    q = django_filters.CharFilter(label=_("姓名"), method="filter_q", help_text=_("姓名包含"))
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("birth_date", "birth_date"), ("updated_at", "updated_at")),
        field_labels={"name": _("姓名"), "birth_date": _("出生日期"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Resident
        fields: list[str] = []

    def filter_id_number(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        number = normalise_id_number(value)
        return queryset.filter(id_number_index=blind_index(number)) if number else queryset

    def filter_phone(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        phone = normalise_phone(value)
        return queryset.filter(phone_index=blind_index(phone)) if phone else queryset

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        return queryset.filter(name__icontains=v) if v else queryset


class MerchantFilterSet(django_filters.FilterSet):
    territory = TerritoryCodeFilter()
    status = django_filters.ChoiceFilter(label=_("经营状态"), choices=MerchantStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=MerchantKind.choices)
    building = django_filters.NumberFilter(label=_("楼栋"), field_name="building_id")
    credit_code = django_filters.CharFilter(label=_("统一社会信用代码"), method="filter_credit_code")
    phone = django_filters.CharFilter(label=_("联系电话"), method="filter_phone", help_text=_("完整号码，精确匹配"))
    q = django_filters.CharFilter(label=_("名称、负责人或地址"), method="filter_q")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(("name", "name"), ("licence_expires", "licence_expires"), ("updated_at", "updated_at")),
        field_labels={"name": _("名称"), "licence_expires": _("执照有效期"), "updated_at": _("更新时间")},
    )

    class Meta:
        model = Merchant
        fields: list[str] = []

    def filter_credit_code(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        code = value.strip().upper()
        return queryset.filter(credit_code=code) if code else queryset

    def filter_phone(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        phone = normalise_phone(value)
        return queryset.filter(contact_phone_index=blind_index(phone)) if phone else queryset

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        if not v:
            return queryset
        return queryset.filter(Q(name__icontains=v) | Q(responsible_person__icontains=v) | Q(address__icontains=v))
