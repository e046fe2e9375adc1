"""Writing a checked file into the tree in one transaction: new nodes get treebeard paths and are bulk-created,
changed nodes bulk-updated, each with its audit entry; the locator and path caches are told."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core import audit, geo
from wangge.core.actors import user_of
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry
from wangge.territory import hooks, locator
from wangge.territory.importing.checks import Existing
from wangge.territory.importing.reading import Incoming
from wangge.territory.models import Territory
from wangge.territory.outlines import label_point


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)  # every code in the file, in file order
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)


def allocate_paths(new_items: list[Incoming], nodes: dict[str, Territory]) -> list[Territory]:
    """Give each new node a treebeard path, keeping siblings ordered by code (node_order_by).

    New children are appended after the parent's last stored child when their codes sort after it
    (always so in a fresh import); otherwise they go in one by one through treebeard's sorted insert,
    which shifts the later siblings. Parents are handled before children, and a stored parent is
    re-read when its first new child is placed, so its path reflects any earlier shift. Returns the
    nodes still to be bulk-created.
    """
    steplen = Territory.steplen
    new_codes = {item.code for item in new_items}
    first_new_child: dict[str | None, str] = {}
    child_count: dict[str, int] = defaultdict(int)
    for item in new_items:
        key = item.parent_key
        if key not in first_new_child or item.code < first_new_child[key]:
            first_new_child[key] = item.code
        if key is not None:
            child_count[key] += 1
    in_db: set[str] = set()  # parents whose row exists while paths are handed out
    state: dict[str | None, tuple[Territory | None, int]] = {}  # parent -> (node, next position or -1)
    pending: list[Territory] = []
    increments: dict[int, int] = defaultdict(int)

    for item in sorted(new_items, key=lambda i: (i.depth, i.code)):
        key = item.parent_key
        if key not in state:
            if key is not None and key in new_codes:
                state[key] = (nodes[key], 1)
            else:
                parent_node = None if key is None else Territory.objects.select_for_update().get(code=key)
                if parent_node is None:
                    siblings = Territory.objects.filter(depth=1)
                else:
                    in_db.add(parent_node.code)
                    siblings = Territory.objects.filter(path__startswith=parent_node.path, depth=parent_node.depth + 1)
                last = siblings.order_by("-path").values_list("path", "code").first()
                if last is not None and first_new_child[key] < last[1]:
                    state[key] = (parent_node, -1)
                else:
                    state[key] = (parent_node, Territory._str2int(last[0][-steplen:]) + 1 if last else 1)
        parent_node, pos = state[key]
        node = nodes[item.code]
        if pos == -1:
            if parent_node is None:
                node = Territory.objects.add_root(instance=node)
            else:
                node = Territory.objects.add_child(parent_node, instance=node)
            nodes[item.code] = node
            in_db.add(item.code)
            continue
        state[key] = (parent_node, pos + 1)
        node.depth = 1 if parent_node is None else parent_node.depth + 1
        node.path = Territory._get_path(parent_node.path if parent_node else None, node.depth, pos)
        node.numchild = child_count.get(item.code, 0)
        if len(node.path) > Territory._meta.get_field("path").max_length:  # type: ignore[operator]
            raise ValidationFailed(_("辖区树过深 (territory tree too deep)"))
        pending.append(node)
        if parent_node is not None and key in in_db:
            increments[parent_node.pk] += 1
    for pk, n in increments.items():
        Territory.objects.filter(pk=pk).update(numchild=F("numchild") + n)
    return pending


def node_geometry(item: Incoming) -> dict[str, Any]:
    lng, lat = label_point(item.shape)
    return {
        "geometry": item.geometry,
        "centroid_lng": lng,
        "centroid_lat": lat,
        "area_m2": round(geo.geodesic_area_m2(item.shape), 2),
    }


def audit_nodes(actor: Any, entries: list[tuple[Territory, dict[str, Any] | None, str]]) -> None:
    """One audit entry per created or updated node, written in one bulk insert.

    The rows are exactly what :func:`wangge.core.audit.record` writes (same fields, same snapshot and
    diff helpers); only the insert is batched, so an import of hundreds of nodes stays fast.
    """
    actor_obj = user_of(actor)
    actor_name = str(getattr(actor, "username", "") or actor)[:150]
    rows = []
    for node, before, action in entries:
        after = audit.snapshot(node)
        if before is not None:
            before, after = audit.diff(before, after)
        rows.append(
            AuditEntry(
                actor=actor_obj,
                actor_name=actor_name,
                action=action,
                app_label=node._meta.app_label,
                model=node._meta.model_name or "",
                object_id=str(node.pk),
                object_repr=str(node)[:200],
                before=before,
                after=after,
            )
        )
    AuditEntry.objects.bulk_create(rows, batch_size=500)


def write_nodes(
    *,
    actor: Any,
    incoming: list[Incoming],
    existing: Existing,
    crs: str,
    parent: Territory | None,
    synthetic: bool,
) -> ImportResult:
    """Create or update every checked feature in one transaction; unchanged nodes are left alone."""
    with transaction.atomic():
        now = timezone.now()
        nodes: dict[str, Territory] = {}
        new_items: list[Incoming] = []
        updated: list[tuple[Territory, dict[str, Any] | None]] = []
        unchanged = 0
        for item in incoming:
            values = {"name": item.name, "is_synthetic": synthetic or item.synthetic, **node_geometry(item)}
            node = existing.get(item.code)
            if node is None:
                nodes[item.code] = Territory(code=item.code, kind=item.kind, **values)
                new_items.append(item)
                continue
            nodes[item.code] = node
            if all(getattr(node, k) == v for k, v in values.items()):
                unchanged += 1
                continue
            before = audit.snapshot(node)
            for k, v in values.items():
                setattr(node, k, v)
            node.updated_at = now
            updated.append((node, before))
        pending = allocate_paths(new_items, nodes)
        for node in pending:
            node.updated_at = now
        created_nodes = Territory.objects.bulk_create(pending, batch_size=500)
        if updated:
            Territory.objects.bulk_update(
                [node for node, _before in updated],
                ["name", "is_synthetic", "geometry", "centroid_lng", "centroid_lat", "area_m2", "updated_at"],
                batch_size=500,
            )
        created_codes = [item.code for item in sorted(new_items, key=lambda i: i.index)]
        fresh = {n.code: n for n in created_nodes if n.pk is not None}
        if len(fresh) < len(created_nodes):  # backends that do not return ids from bulk_create
            fresh = {n.code: n for n in Territory.objects.filter(code__in=[n.code for n in created_nodes])}
        entries = [(fresh.get(code) or nodes[code], None, "territory.import.create") for code in created_codes] + [
            (node, before, "territory.import.update") for node, before in updated
        ]
        audit_nodes(actor, entries)
        updated_codes = [node.code for node, _before in updated]
        audit.record(
            actor=actor,
            action="territory.import",
            obj=parent,
            note=(
                f"crs={crs} synthetic={synthetic} features={len(incoming)} created={len(created_codes)} "
                f"updated={len(updated_codes)} unchanged={unchanged}"
            ),
        )
        if created_codes:
            hooks.paths_changed()  # a sorted insert may have renumbered later siblings' paths
        locator.invalidate()
        transaction.on_commit(locator.invalidate)
    return ImportResult(
        created=len(created_codes),
        updated=len(updated_codes),
        unchanged=unchanged,
        codes=[item.code for item in incoming],
        created_codes=created_codes,
        updated_codes=updated_codes,
    )
