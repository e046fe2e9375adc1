"""Filters of 一表 templates and filled forms, shared by the pages and the REST API.

The querysets handed in are already scoped (``FormSubmission.objects.restrict(user)``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.surveys.choices import FormTarget
from wangge.surveys.models import FormSubmission, FormTemplate


class FormTemplateFilterSet(django_filters.FilterSet):
    target = django_filters.ChoiceFilter(label=_("关联对象"), choices=FormTarget.choices)
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = FormTemplate
        fields: list[str] = []


class FormSubmissionFilterSet(django_filters.FilterSet):
    template = django_filters.CharFilter(label=_("表单"), field_name="template__key", help_text=_("表单键"))
    grid = django_filters.CharFilter(
        label=_("网格/辖区编码"),
        field_name="grid__code",
        lookup_expr="startswith",
        help_text=_("编码前缀，含其下全部网格"),
    )
    household = django_filters.NumberFilter(label=_("户"), field_name="household_id")
    building = django_filters.NumberFilter(label=_("楼栋"), field_name="building_id")
    merchant = django_filters.NumberFilter(label=_("商户/单位"), field_name="merchant_id")
    resident = django_filters.NumberFilter(label=_("居民"), field_name="resident_id")
    submitted_after = django_filters.DateFilter(
        label=_("填报日期起"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_before = django_filters.DateFilter(
        label=_("填报日期止"), field_name="submitted_at", lookup_expr="date__lte"
    )
    has_case = django_filters.BooleanFilter(label=_("已转立工单"), method="filter_has_case")
    mine = django_filters.BooleanFilter(label=_("只看我填报的"), method="filter_mine")

    class Meta:
        model = FormSubmission
        fields: list[str] = []

    def filter_has_case(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(work_order__isnull=not value)

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(submitted_by_id=user.pk)
