"""Read-side queries over the territory tree."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Count, Q

from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

KIND_ORDER: list[str] = list(TerritoryKind.values)  # province … building, top to bottom


def territory_ancestors(node: Territory, *, include_self: bool = True) -> list[Territory]:
    """The chain from the root down to ``node``."""
    step = Territory.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path), step)]
    chain = list(Territory.objects.filter(path__in=prefixes).order_by("depth"))
    return [*chain, node] if include_self else chain


def territory_summary(root: Territory) -> dict[str, Any]:
    """Counts for the subtree under ``root``, the root itself included.

    ``counts`` has one entry for the root's kind and for every kind below it (zero included), so
    the root is counted under its own kind. ``grid_workers`` is the number of distinct users holding
    the grid-worker role on any node of the subtree. ``points_by_type`` has every point type key,
    with the number of points located in the subtree.
    """
    subtree = Territory.objects.filter(path__startswith=root.path)
    found = dict(subtree.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    start = KIND_ORDER.index(root.kind) if root.kind in KIND_ORDER else 0
    counts = {kind: int(found.get(kind, 0)) for kind in KIND_ORDER[start:]}
    for kind, n in found.items():  # kinds out of the usual order still show
        counts.setdefault(kind, int(n))

    RoleGrant = apps.get_model("accounts", "RoleGrant")
    grid_workers = (
        RoleGrant.objects.filter(role="grid_worker", territory__path__startswith=root.path)
        .order_by()
        .values("user_id")
        .distinct()
        .count()
    )
    PointType = apps.get_model("places", "PointType")
    points_by_type = dict(
        PointType.objects.order_by("ordering", "key")
        .annotate(n=Count("points", filter=Q(points__territory__path__startswith=root.path)))
        .values_list("key", "n")
    )
    return {
        "code": root.code,
        "name": root.name,
        "kind": root.kind,
        "counts": counts,
        "grid_workers": grid_workers,
        "points_by_type": points_by_type,
    }


def territory_outline_context(node: Territory) -> dict[str, Any]:
    """The outlines drawn under a node being re-drawn, in WGS-84: its parent (``role`` "parent") and its
    siblings ("sibling"; at the top of the tree, the roots of its kind)."""
    parent = Territory.objects.get_parent(node) if node.pk else None
    nodes: list[tuple[Territory, str]] = [(parent, "parent")] if parent is not None else []
    siblings = Territory.objects.get_children(parent) if parent is not None else Territory.objects.get_root_nodes()
    if parent is None:
        siblings = siblings.filter(kind=node.kind)
    nodes.extend((s, "sibling") for s in siblings.exclude(pk=node.pk).exclude(geometry=None))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": t.code, "name": t.name, "kind": t.kind, "role": role},
                "geometry": t.geometry,
            }
            for t, role in nodes
            if t.geometry
        ],
    }
