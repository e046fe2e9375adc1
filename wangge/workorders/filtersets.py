"""Filters of the work-order list, shared by the staff pages and the REST API.

The queryset handed in is already scoped (``WorkOrder.objects.restrict(user)``); filters only narrow it.
Territory filters take codes: ``grid``/``community``/``street`` name one node of that level (a choice among
the nodes the user may see), ``territory`` is a code prefix that reaches every case located under it.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Unit
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import escalation
from wangge.workorders.choices import (
    AppealType,
    CategoryKind,
    Channel,
    ClockState,
    HandlingClass,
    ResolutionMode,
    Status,
    SupervisionLevel,
    Urgency,
)
from wangge.workorders.clocks import clock_q, deadline_overdue
from wangge.workorders.models import Category, WorkOrder

SUPERVISION_CHOICES = [(v, label) for v, label in SupervisionLevel.choices if v]


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _territories(kind: str) -> Any:
    def queryset(request: HttpRequest | None) -> QuerySet[Territory]:
        return Territory.objects.restrict(_user(request)).filter(kind=kind).only("pk", "code", "name")

    return queryset


def _categories(request: HttpRequest | None) -> QuerySet[Category]:
    return Category.objects.filter(category_set__is_active=True).order_by("code")


def _units(request: HttpRequest | None) -> QuerySet[Unit]:
    # Cases are dispatched to every unit of the platform; the name of a unit is no secret.
    return Unit.objects.order_by("code")


class WorkOrderFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键字"), method="filter_q", help_text=_("查询码、标题或地址"))
    tracking_code = django_filters.CharFilter(label=_("查询码"), lookup_expr="iexact")
    status = django_filters.MultipleChoiceFilter(distinct=False, label=_("状态"), choices=Status.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("分类"),
        queryset=_categories,
        method="filter_category",
        help_text=_("当前字典中的分类；大类包含其下小类"),
    )
    category_code = django_filters.CharFilter(
        label=_("分类编码"), field_name="category__code", lookup_expr="startswith", help_text=_("编码前缀")
    )
    assigned_unit = django_filters.ModelChoiceFilter(label=_("承办单位"), queryset=_units)
    grid = django_filters.ModelChoiceFilter(
        label=_("网格"), queryset=_territories(TerritoryKind.GRID), to_field_name="code", help_text=_("网格编码")
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"),
        queryset=_territories(TerritoryKind.COMMUNITY),
        to_field_name="code",
        help_text=_("社区/村编码"),
    )
    street = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"),
        queryset=_territories(TerritoryKind.STREET),
        to_field_name="code",
        help_text=_("街道/乡镇编码"),
    )
    territory = django_filters.CharFilter(
        label=_("辖区编码"), method="filter_territory", help_text=_("辖区编码前缀，含其下全部辖区")
    )
    channel = django_filters.MultipleChoiceFilter(distinct=False, label=_("来源渠道"), choices=Channel.choices)
    appeal_type = django_filters.MultipleChoiceFilter(distinct=False, label=_("诉求类型"), choices=AppealType.choices)
    urgency = django_filters.ChoiceFilter(label=_("紧急程度"), choices=Urgency.choices)
    enterprise_related = django_filters.BooleanFilter(label=_("涉企"), help_text=_("助企包联等涉企诉求"))
    handling_class = django_filters.ChoiceFilter(label=_("办理类别"), choices=HandlingClass.choices)
    resolution_mode = django_filters.ChoiceFilter(label=_("解决方式"), choices=ResolutionMode.choices)
    supervision = django_filters.MultipleChoiceFilter(distinct=False, label=_("督办"), choices=SUPERVISION_CHOICES)
    escalation_level = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("自动升级"),
        choices=escalation.level_choices,
        help_text=_("0 未升级；其余为 WANGGE_ESCALATION_STEPS 的等级（催办、超期催办、黄牌、红牌）"),
    )
    clock = django_filters.ChoiceFilter(label=_("时限状态"), choices=ClockState.choices, method="filter_clock")
    overdue = django_filters.BooleanFilter(
        label=_("超期"), method="filter_overdue", help_text=_("未结工单中办结时限已过、尚未反馈的")
    )
    received_from = django_filters.DateFilter(label=_("受理日期从"), field_name="received_at", lookup_expr="date__gte")
    received_to = django_filters.DateFilter(label=_("受理日期至"), field_name="received_at", lookup_expr="date__lte")
    closed_from = django_filters.DateFilter(label=_("结案日期从"), field_name="closed_at", lookup_expr="date__gte")
    closed_to = django_filters.DateFilter(label=_("结案日期至"), field_name="closed_at", lookup_expr="date__lte")
    due_from = django_filters.DateFilter(label=_("办结时限从"), field_name="due_at", lookup_expr="date__gte")
    due_to = django_filters.DateFilter(label=_("办结时限至"), field_name="due_at", lookup_expr="date__lte")
    ordering = django_filters.OrderingFilter(
        label=_("排序"),
        fields=(
            ("received_at", "received_at"),
            ("due_at", "due_at"),
            ("step_due_at", "step_due_at"),
            ("closed_at", "closed_at"),
            ("status", "status"),
            ("tracking_code", "tracking_code"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "received_at": _("受理时间"),
            "due_at": _("办结时限"),
            "step_due_at": _("本环节时限"),
            "closed_at": _("结案时间"),
            "status": _("状态"),
            "tracking_code": _("查询码"),
            "updated_at": _("更新时间"),
        },
    )

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(tracking_code__iexact=value) | Q(title__icontains=value) | Q(address__icontains=value))

    def filter_category(self, queryset: QuerySet[WorkOrder], name: str, value: Category | None) -> QuerySet[WorkOrder]:
        if value is None:
            return queryset
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def filter_territory(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        code = value.strip()
        if not code:
            return queryset
        # A case without a located node sits at district level: it matches prefixes of the district code.
        return queryset.filter(
            Q(territory__code__startswith=code) | Q(territory__isnull=True, district__code__startswith=code)
        )

    def filter_clock(self, queryset: QuerySet[WorkOrder], name: str, value: str) -> QuerySet[WorkOrder]:
        return queryset.filter(clock_q(value, timezone.now())) if value else queryset

    def filter_overdue(self, queryset: QuerySet[WorkOrder], name: str, value: bool | None) -> QuerySet[WorkOrder]:
        if value is None:
            return queryset
        q = deadline_overdue(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)


class CategoryFilterSet(django_filters.FilterSet):
    """Filters of the category dictionary (the API lists the active version unless ``version`` is given)."""

    q = django_filters.CharFilter(label=_("编码或名称"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("分类体系"), choices=CategoryKind.choices)
    parent = django_filters.NumberFilter(label=_("上级分类"), field_name="parent_id")
    top = django_filters.BooleanFilter(
        label=_("仅大类"), field_name="parent", lookup_expr="isnull", help_text=_("true：只列大类")
    )
    handling_class = django_filters.ChoiceFilter(label=_("办理类别"), choices=HandlingClass.choices)
    resolution_mode = django_filters.ChoiceFilter(label=_("解决方式"), choices=ResolutionMode.choices)
    is_active = django_filters.BooleanFilter(label=_("启用"))
    version = django_filters.NumberFilter(
        label=_("字典版本"), field_name="category_set__version", help_text=_("缺省为当前生效版本")
    )

    class Meta:
        model = Category
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        v = value.strip()
        return queryset.filter(Q(code__startswith=v) | Q(name__icontains=v)) if v else queryset
