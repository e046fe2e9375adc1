"""The one filter of warnings, shared by the list page and the API. The queryset handed in is already scoped
(``Warning.objects.restrict(user)``); filters only narrow it."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.emergency.choices import HazardType, Level, WarningStatus
from wangge.emergency.models import Warning, ancestor_paths
from wangge.territory.models import Territory


def _territories(request: Any) -> QuerySet[Territory]:
    return Territory.objects.restrict(getattr(request, "user", None)).only("pk", "code", "name", "path")


class WarningFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=WarningStatus.choices)
    hazard_type = django_filters.ChoiceFilter(label=_("预警类型"), choices=HazardType.choices)
    level = django_filters.ChoiceFilter(label=_("预警级别"), choices=Level.choices)
    territory = django_filters.ModelChoiceFilter(
        label=_("辖区"),
        queryset=_territories,
        to_field_name="code",
        method="filter_territory",
        help_text=_("辖区编码：该辖区及其上级发布的预警"),
    )
    issued_after = django_filters.DateFilter(label=_("发布日期起"), field_name="issued_at", lookup_expr="date__gte")
    issued_before = django_filters.DateFilter(label=_("发布日期止"), field_name="issued_at", lookup_expr="date__lte")

    class Meta:
        model = Warning
        fields = ["status", "hazard_type", "level", "territory", "issued_after", "issued_before"]

    def filter_territory(self, queryset: QuerySet[Warning], name: str, value: Territory | None) -> QuerySet[Warning]:
        if value is None:
            return queryset
        inner = Warning.objects.filter(areas__path__startswith=value.path) | Warning.objects.filter(
            areas__path__in=ancestor_paths(value.path)
        )
        return queryset.filter(pk__in=inner.values("pk"))
