"""Filters of the public legal service registers, shared by the pages and the REST API.

The querysets handed in are already scoped (``restrict(user)``); filters only narrow them. ``territory`` takes
the code of any node the user may see and reaches every row under it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.legalservice.choices import (
    AidMatter,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)
from wangge.legalservice.models import (
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.territory.models import Territory


def _territories(request: HttpRequest | None) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


def _territory_filter(path_field: str) -> django_filters.ModelChoiceFilter:
    def method(qs: QuerySet[Any], name: str, value: Territory | None) -> QuerySet[Any]:
        return qs if value is None else qs.filter(**{f"{path_field}__startswith": value.path})

    return django_filters.ModelChoiceFilter(
        label=_("辖区编码"),
        queryset=_territories,
        to_field_name="code",
        method=method,
        help_text=_("任一辖区编码：含其下所有记录"),
        widget=forms.TextInput,
    )


class _Search(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q")
    search_fields: tuple[str, ...] = ()

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return qs.filter(q)


class LegalAdviserFilterSet(_Search):
    search_fields = ("name", "law_firm", "licence_no")
    territory = _territory_filter("served__community__path")
    is_active = django_filters.BooleanFilter(label=_("在任"))

    class Meta:
        model = LegalAdviser
        fields: list[str] = []

    @property
    def qs(self) -> Any:
        return super().qs.distinct()


class AdviserServiceFilterSet(django_filters.FilterSet):
    territory = _territory_filter("community__path")
    adviser = django_filters.NumberFilter(label=_("法律顾问"), field_name="adviser_id")
    kind = django_filters.MultipleChoiceFilter(label=_("服务类型"), choices=ServiceKind.choices)
    date_from = django_filters.DateFilter(label=_("日期起"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期止"), field_name="date", lookup_expr="lte")

    class Meta:
        model = AdviserService
        fields: list[str] = []


class LegalLiterateFilterSet(_Search):
    search_fields = ("name", "identity")
    territory = _territory_filter("grid__path")
    is_active = django_filters.BooleanFilter(label=_("在册"))
    trained_from = django_filters.DateFilter(label=_("培训日期起"), field_name="trained_on", lookup_expr="gte")
    trained_to = django_filters.DateFilter(label=_("培训日期止"), field_name="trained_on", lookup_expr="lte")

    class Meta:
        model = LegalLiterate
        fields: list[str] = []


class LiaisonFilterSet(_Search):
    search_fields = ("person_name", "institution")
    territory = _territory_filter("community__path")
    role = django_filters.MultipleChoiceFilter(label=_("身份"), choices=LiaisonRole.choices)
    current = django_filters.BooleanFilter(label=_("当前在岗"), method="filter_current")

    class Meta:
        model = Liaison
        fields: list[str] = []

    def filter_current(self, qs: QuerySet[Liaison], name: str, value: bool | None) -> QuerySet[Liaison]:
        if value is None:
            return qs
        # As ``selectors.active_liaisons`` (a sibling layer: filters do not import the selectors).
        day = timezone.localdate()
        running = Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        return qs.filter(running) if value else qs.exclude(running)


class LegalAidPointFilterSet(_Search):
    search_fields = ("name", "address")
    territory = _territory_filter("territory__path")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=AidPointKind.choices)

    class Meta:
        model = LegalAidPoint
        fields: list[str] = []


class LegalAidCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("案件编号或申请人"), method="filter_q")
    territory = _territory_filter("territory__path")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=AidStatus.choices)
    matter = django_filters.ChoiceFilter(label=_("事项类型"), choices=AidMatter.choices)
    point = django_filters.NumberFilter(label=_("受理站点"), field_name="point_id", widget=forms.HiddenInput)
    review_overdue = django_filters.BooleanFilter(label=_("审查超期"), method="filter_overdue")
    received_from = django_filters.DateFilter(label=_("申请日期起"), field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(label=_("申请日期止"), field_name="received_at", lookup_expr="date__lte")

    class Meta:
        model = LegalAidCase
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[LegalAidCase], name: str, value: str) -> QuerySet[LegalAidCase]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code__iexact=value) | Q(applicant_name__icontains=value))

    def filter_overdue(self, qs: QuerySet[LegalAidCase], name: str, value: bool | None) -> QuerySet[LegalAidCase]:
        if value is None:
            return qs
        # As ``selectors.is_review_overdue``.
        condition = Q(status=AidStatus.APPLIED, review_due_at__lt=timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)


class ConsultationFilterSet(_Search):
    search_fields = ("topic", "answered_by")
    territory = _territory_filter("territory__path")
    channel = django_filters.ChoiceFilter(label=_("咨询方式"), choices=ConsultChannel.choices)
    matter = django_filters.ChoiceFilter(label=_("事项类型"), choices=AidMatter.choices)
    referral = django_filters.ChoiceFilter(label=_("转介"), choices=[(v, label) for v, label in Referral.choices if v])
    date_from = django_filters.DateFilter(label=_("日期起"), field_name="consulted_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期止"), field_name="consulted_on", lookup_expr="lte")

    class Meta:
        model = Consultation
        fields: list[str] = []
