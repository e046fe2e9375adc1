"""Routing: which unit a case goes to, by rule on the territory, the category's default unit, or its handling
class."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Sum

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.core.caches import ProcessCache
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import Category, RoutingRule


def _routing_stamp() -> tuple[Any, ...]:
    return tuple(
        RoutingRule.objects.order_by().aggregate(n=Count("id"), top=Max("id"), cats=Sum("category_id")).values()
    )


# The categories that have routing rules, so intake skips the rule query for all the others. Looked at again
# at most every ``WANGGE_ROUTING_RECHECK_SECONDS`` (2 s, like the calendar and the locator): a new rule reaches
# every process within that time.
routed_categories: ProcessCache[frozenset[int]] = ProcessCache(
    "workorders.routed_categories",
    lambda _stamp: frozenset(RoutingRule.objects.values_list("category_id", flat=True).distinct()),
    fingerprint=_routing_stamp,
    recheck_seconds=lambda: float(getattr(settings, "WANGGE_ROUTING_RECHECK_SECONDS", 2.0)),
)


def forget_routing() -> None:
    """Look at the routing rules again on the next suggestion (after this process changed them)."""
    routed_categories.forget()


def suggest_unit(*, category: Category | None, territory: Territory | None) -> Unit | None:
    """Routing: the rule on the deepest territory covering the case, else the category's default unit,
    else by handling class (A → the community committee, B → the street office)."""
    if category is None:
        return None
    if territory is not None and category.pk in routed_categories.get():
        prefixes = [territory.path[:i] for i in range(4, len(territory.path) + 1, 4)]
        rule = (
            RoutingRule.objects.filter(category=category, territory__path__in=prefixes, unit__is_active=True)
            .select_related("unit")
            .order_by("-territory__depth", "priority")
            .first()
        )
        if rule is not None:
            return rule.unit
    if category.default_unit_code:
        # The key names a unit directly, or the district's unit of that kind ("410403-cgj").
        codes = [category.default_unit_code]
        if territory is not None:
            district = ancestor_of_kind(territory, TerritoryKind.DISTRICT)
            if district is not None:
                codes.insert(0, f"{district.code}-{category.default_unit_code}")
        for code in codes:
            unit = Unit.objects.filter(code=code, is_active=True).first()
            if unit is not None:
                return unit
    if territory is not None and category.handling_class in {"A", "B"}:
        kind, node_kind = (
            (UnitKind.COMMUNITY_COMMITTEE, TerritoryKind.COMMUNITY)
            if category.handling_class == "A"
            else (UnitKind.STREET_OFFICE, TerritoryKind.STREET)
        )
        node = ancestor_of_kind(territory, node_kind)
        if node is not None:
            return Unit.objects.filter(kind=kind, territory=node, is_active=True).first()
    return None


def ancestor_of_kind(node: Territory, kind: str) -> Territory | None:
    from wangge.territory import locator

    if node.kind == kind:
        return node
    nodes = locator.chain(node)
    if nodes is not None:
        return next((n for n in nodes[:-1] if n.kind == kind), None)
    prefixes = [node.path[:i] for i in range(4, len(node.path), 4)]
    ancestor: Territory | None = Territory.objects.filter(path__in=prefixes, kind=kind).first()
    return ancestor
