"""Filters of the catalogue and the 办件 ledger, shared by the staff pages and the REST API.

The querysets handed in are already scoped (``Application.objects.restrict(user)``); filters only narrow them.
``q`` matches an application's code or applicant name, or an item's code or name; an applicant's ID number or
phone is found through its blind index (``applicant``), never by a scan of the stored values.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Unit
from wangge.core.crypto import blind_index
from wangge.core.validators import normalise_id_number, normalise_phone
from wangge.hall.choices import (
    ApplicationStatus,
    AssistanceKind,
    Channel,
    HallKind,
    HandlingMode,
    HandlingType,
    ItemKind,
    OnlineDepth,
)
from wangge.hall.models import Application, Assistance, Hall, Item, Window


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _departments(request: HttpRequest | None) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=Item.objects.values("department_id")).order_by("code")


def _halls(request: HttpRequest | None) -> QuerySet[Hall]:
    return Hall.objects.restrict(_user(request)).order_by("code")


def _windows(request: HttpRequest | None) -> QuerySet[Window]:
    return Window.objects.filter(hall__in=_halls(request)).select_related("hall").order_by("hall__code", "number")


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("事项"), method="filter_q", help_text=_("事项编码或名称"))
    department = django_filters.ModelChoiceFilter(label=_("实施部门"), queryset=_departments, to_field_name="code")
    kind = django_filters.ChoiceFilter(label=_("事项类型"), choices=ItemKind.choices)
    handling_type = django_filters.ChoiceFilter(label=_("办件类型"), choices=HandlingType.choices)
    mode = django_filters.ChoiceFilter(label=_("办理方式"), choices=HandlingMode.choices, method="filter_mode")
    online_depth = django_filters.MultipleChoiceFilter(label=_("网上办理深度"), choices=OnlineDepth.choices)
    waived = django_filters.BooleanFilter(label=_("有免提交材料"), method="filter_waived")
    active = django_filters.BooleanFilter(label=_("启用"), field_name="is_active")

    class Meta:
        model = Item
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        value = value.strip()
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else qs

    def filter_mode(self, qs: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        if not value:
            return qs
        # JSON containment is not portable to SQLite: the catalogue is small, so match in Python.
        ids = [pk for pk, modes in qs.values_list("pk", "modes") if value in (modes or [])]
        return qs.filter(pk__in=ids)

    def filter_waived(self, qs: QuerySet[Item], name: str, value: bool | None) -> QuerySet[Item]:
        if value is None:
            return qs
        waived = qs.filter(materials__is_waived=True).values("pk")
        return qs.filter(pk__in=waived) if value else qs.exclude(pk__in=waived)


class ApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("办件"), method="filter_q", help_text=_("办件编号、申请人或事项名称"))
    applicant = django_filters.CharFilter(
        label=_("证件号码或电话"), method="filter_applicant", help_text=_("完整的证件号码或联系电话")
    )
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=ApplicationStatus.choices)
    hall = django_filters.ModelChoiceFilter(label=_("大厅"), queryset=_halls, to_field_name="code")
    window = django_filters.ModelChoiceFilter(label=_("窗口"), queryset=_windows)
    department = django_filters.ModelChoiceFilter(label=_("实施部门"), queryset=_departments, to_field_name="code")
    item = django_filters.CharFilter(label=_("事项编码"), field_name="item__code")
    channel = django_filters.ChoiceFilter(label=_("申请渠道"), choices=Channel.choices)
    overdue = django_filters.BooleanFilter(label=_("超期"), field_name="is_overdue")
    date_from = django_filters.DateFilter(label=_("收件日期起"), field_name="received_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("收件日期止"), field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__icontains=value) | Q(applicant_name__icontains=value) | Q(item__name__icontains=value))

    def filter_applicant(self, qs: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(applicant_id_index=blind_index(normalise_id_number(value)))
            | Q(applicant_phone_index=blind_index(normalise_phone(value)))
        )


class HallFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=HallKind.choices)

    class Meta:
        model = Hall
        fields: list[str] = []


class AssistanceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("方式"), choices=AssistanceKind.choices)
    hall = django_filters.ModelChoiceFilter(label=_("大厅"), queryset=_halls, to_field_name="code")
    date_from = django_filters.DateFilter(label=_("服务日期起"), field_name="at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("服务日期止"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = Assistance
        fields: list[str] = []
