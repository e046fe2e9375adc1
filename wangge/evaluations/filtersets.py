"""Filters of ratings, rectifications, appeals and callback tasks, shared by the staff pages and the REST API.

The querysets handed in are already scoped (``restrict(user)``); filters only narrow them.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.evaluations.choices import (
    OPEN_RECTIFICATION,
    AppealStatus,
    CallbackReason,
    CallbackStatus,
    EvaluationChannel,
    Rating,
    RectificationSource,
    RectificationStatus,
)
from wangge.evaluations.models import Appeal, CallbackTask, Evaluation, Rectification
from wangge.hall.models import Hall


def _halls(request: HttpRequest | None) -> QuerySet[Hall]:
    return Hall.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name").order_by("code")


def _hall_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("大厅"), queryset=_halls, to_field_name="code", field_name="hall", help_text=_("大厅编码")
    )


class EvaluationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("办件编号"), field_name="application__code", lookup_expr="iexact")
    hall = _hall_filter()
    rating = django_filters.MultipleChoiceFilter(label=_("评价等级"), choices=Rating.choices, field_name="level")
    bad = django_filters.BooleanFilter(label=_("差评"), field_name="is_bad")
    real_name = django_filters.BooleanFilter(label=_("实名"), field_name="is_real_name")
    excluded = django_filters.BooleanFilter(label=_("申诉成立已剔除"), field_name="excluded")
    channel = django_filters.ChoiceFilter(label=_("评价渠道"), choices=EvaluationChannel.choices)
    date_from = django_filters.DateFilter(label=_("评价日期起"), field_name="rated_at__date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("评价日期止"), field_name="rated_at__date", lookup_expr="lte")

    class Meta:
        model = Evaluation
        fields: list[str] = []


class RectificationFilterSet(django_filters.FilterSet):
    hall = _hall_filter()
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=RectificationStatus.choices)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=RectificationSource.choices)
    open = django_filters.BooleanFilter(label=_("在办"), method="filter_open")
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")

    class Meta:
        model = Rectification
        fields: list[str] = []

    def filter_open(self, qs: QuerySet[Rectification], name: str, value: bool | None) -> QuerySet[Rectification]:
        if value is None:
            return qs
        cond = Q(status__in=sorted(OPEN_RECTIFICATION))
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_overdue(self, qs: QuerySet[Rectification], name: str, value: bool | None) -> QuerySet[Rectification]:
        if value is None:
            return qs
        # As ``selectors.is_overdue`` (a sibling layer: filters do not import the selectors).
        cond = Q(status__in=sorted(OPEN_RECTIFICATION), due_at__lt=timezone.now())
        return qs.filter(cond) if value else qs.exclude(cond)


class AppealFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AppealStatus.choices)

    class Meta:
        model = Appeal
        fields: list[str] = []


class CallbackTaskFilterSet(django_filters.FilterSet):
    hall = _hall_filter()
    draw = django_filters.NumberFilter(label=_("抽样"), field_name="draw_id", min_value=1, max_value=2**31 - 1)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CallbackStatus.choices)
    reason = django_filters.ChoiceFilter(label=_("回访原因"), choices=CallbackReason.choices)

    class Meta:
        model = CallbackTask
        fields: list[str] = []
