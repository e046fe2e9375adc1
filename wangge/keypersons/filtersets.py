"""Filters of the 重点人员 ledger and of its access log, shared by the pages and the REST API.

The querysets handed in are already restricted (``keypersons.selectors.visible_key_persons`` and
``access_log``); "overdue" is the schedule's one definition (``keypersons.schedule.overdue_q``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wangge.keypersons import schedule
from wangge.keypersons.choices import AccessAction, AttentionLevel, KeyPersonStatus
from wangge.keypersons.models import KeyPerson, KeyPersonAccess, KeyPersonCategory


@extend_schema_field(OpenApiTypes.STR)
class CategoryKeyFilter(django_filters.ModelChoiceFilter):
    """A category by its key (``?category=drug_user``)."""


class KeyPersonFilterSet(django_filters.FilterSet):
    category = CategoryKeyFilter(
        label=_("类别"),
        field_name="category",
        queryset=KeyPersonCategory.objects.all(),
        to_field_name="key",
        help_text=_("类别键"),
    )
    level = django_filters.ChoiceFilter(label=_("关注等级"), choices=AttentionLevel.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=KeyPersonStatus.choices)
    overdue = django_filters.BooleanFilter(
        label=_("走访逾期"), method="filter_overdue", help_text=_("true：仅在管且已过下次走访期限的")
    )
    grid = django_filters.CharFilter(
        label=_("辖区编码"), field_name="grid__code", lookup_expr="startswith", help_text=_("编码前缀，含其下全部网格")
    )

    class Meta:
        model = KeyPerson
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[KeyPerson], name: str, value: bool | None) -> QuerySet[KeyPerson]:
        if value is None:
            return qs
        q = schedule.overdue_q()
        return qs.filter(q) if value else qs.exclude(q)


class KeyPersonCategoryFilterSet(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = KeyPersonCategory
        fields: list[str] = []


class AccessLogFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("账号"), field_name="user_name", lookup_expr="iexact")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=AccessAction.choices)
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")
    key_person = django_filters.NumberFilter(label=_("对象编号"), method="filter_key_person")

    class Meta:
        model = KeyPersonAccess
        fields: list[str] = []

    def filter_key_person(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Entries naming this key person id among theirs (JSON containment is not portable: matched in
        Python over the ids of the already-filtered entries)."""
        if value is None:
            return qs
        wanted = int(value)
        ids = [pk for pk, kp_ids in qs.values_list("pk", "key_person_ids") if wanted in (kp_ids or [])]
        return qs.filter(pk__in=ids)
