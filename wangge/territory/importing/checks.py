"""The checks that need the whole file and the stored tree: duplicate codes, parents (in the file, in the
database or the given parent), depth and scope, codes already taken, containment in the parent, overlap
between siblings. Each adds to the problems; none writes."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from wangge.territory.choices import ALLOWED_CHILDREN
from wangge.territory.importing.reading import Incoming, Problems
from wangge.territory.models import Territory
from wangge.territory.outlines import outside_share, stored_shape
from wangge.territory.rules import KIND_LABELS, ROOT_KINDS, code_fits_parent, implied_parent_codes

# Share of a child's area allowed to lie outside its parent (digitising noise, datum round-off).
CHILD_OUTSIDE_TOLERANCE = 0.005


def check_duplicates(incoming: list[Incoming], problems: Problems) -> list[Incoming]:
    """The features whose code does not appear earlier in the file."""
    first: dict[str, int] = {}
    unique: list[Incoming] = []
    for item in incoming:
        if item.code in first:
            problems.add(
                item.index,
                item.code,
                _("编码 %(c)s 在文件中重复（首次出现于第 %(i)d 个要素）(duplicate code in file)")
                % {"c": item.code, "i": first[item.code]},
            )
            continue
        first[item.code] = item.index
        unique.append(item)
    return unique


class Existing(dict[str, Territory]):
    """Stored nodes whose codes the file mentions, by code, with a count of them per parent path."""

    def __init__(self, nodes: Iterable[Territory]) -> None:
        super().__init__((t.code, t) for t in nodes)
        self.children_in_file = Counter(t.path[: -Territory.steplen] for t in self.values() if t.depth > 1)


@dataclass
class ParentRef:
    """A parent node, either already stored or arriving in the same file."""

    code: str
    kind: str
    shape: BaseGeometry | None
    node: Territory | None = None
    incoming: Incoming | None = None


def resolve_parents(
    incoming: list[Incoming],
    existing: dict[str, Territory],
    parent: Territory | None,
    problems: Problems,
) -> dict[str, ParentRef]:
    """Attach each feature to its parent; return every parent referenced, keyed by code."""
    by_code = {item.code: item for item in incoming}
    wanted: set[str] = set()
    for item in incoming:
        if item.parent_code:
            wanted.add(item.parent_code)
        wanted.update(implied_parent_codes(item.code, item.kind))
    stored = {t.code: t for t in Territory.objects.filter(code__in=wanted - set(by_code))}
    refs: dict[str, ParentRef] = {}

    def ref_for(code: str) -> ParentRef | None:
        if code in refs:
            return refs[code]
        if code in by_code:
            other = by_code[code]
            refs[code] = ParentRef(
                code=code, kind=other.kind, shape=other.shape, incoming=other, node=existing.get(code)
            )
        elif code in stored:
            node = stored[code]
            refs[code] = ParentRef(code=code, kind=node.kind, shape=stored_shape(node), node=node)
        elif parent is not None and code == parent.code:
            refs[code] = ParentRef(code=code, kind=parent.kind, shape=stored_shape(parent), node=parent)
        else:
            return None
        return refs[code]

    for item in incoming:
        ref: ParentRef | None = None
        if item.parent_code:
            ref = ref_for(item.parent_code)
            if ref is None:
                problems.add(
                    item.index,
                    item.code,
                    _("上级编码 %(p)s 不存在 (parent unknown)") % {"p": item.parent_code},
                )
                continue
        else:
            for candidate in implied_parent_codes(item.code, item.kind):
                if candidate == item.code:  # e.g. a district coded like a city (xxxx00)
                    continue
                ref = ref_for(candidate)
                if ref is not None:
                    break
            if ref is None and parent is not None:
                ref = ref_for(parent.code)
            if ref is None and item.kind not in ROOT_KINDS:
                expected = implied_parent_codes(item.code, item.kind)
                problems.add(
                    item.index,
                    item.code,
                    _("找不到上级节点（应为编码 %(p)s）(parent unknown)") % {"p": expected[0] if expected else "?"},
                )
                continue
        if ref is not None and ref.code == item.code:
            problems.add(item.index, item.code, _("节点不能以自身为上级 (a node cannot be its own parent)"))
            continue
        item.parent_key = ref.code if ref is not None else None
        item.resolved = True
        if ref is None:
            continue
        if item.kind not in ALLOWED_CHILDREN.get(ref.kind, set()):
            problems.add(
                item.index,
                item.code,
                _("“%(kind)s”不能直接隶属于“%(pkind)s” %(p)s (kind not allowed under this parent)")
                % {"kind": KIND_LABELS[item.kind], "pkind": KIND_LABELS[ref.kind], "p": ref.code},
            )
        elif not code_fits_parent(item.code, item.kind, ref.code, ref.kind):
            problems.add(
                item.index,
                item.code,
                _("编码 %(c)s 应以上级编码 %(p)s 开头 (code not prefixed by its parent's code)")
                % {"c": item.code, "p": ref.code},
            )
    return refs


def check_depths_and_scope(
    incoming: list[Incoming],
    refs: dict[str, ParentRef],
    parent: Territory | None,
    problems: Problems,
) -> None:
    """Compute each feature's tree depth; refuse cycles, and features outside ``parent``'s subtree."""
    for item in incoming:
        if not item.resolved:
            continue
        depth, key, seen = 1, item.parent_key, {item.code}
        inside_parent = parent is None
        anchor: Territory | None = None
        while key is not None:
            if key in seen:
                problems.add(item.index, item.code, _("上级关系成环 (parent chain loops)"))
                break
            seen.add(key)
            if parent is not None and key == parent.code:
                inside_parent = True
            ref = refs[key]
            if ref.incoming is None:
                anchor = ref.node
                break
            depth += 1
            key = ref.incoming.parent_key
        if anchor is not None:
            depth += anchor.depth
            if parent is not None and anchor.path.startswith(parent.path):
                inside_parent = True
        item.depth = depth
        if not inside_parent:
            problems.add(
                item.index,
                item.code,
                _("不在指定的上级 %(p)s 之下 (not under the given parent)") % {"p": parent.code if parent else ""},
            )


def check_existing(incoming: list[Incoming], existing: dict[str, Territory], problems: Problems) -> None:
    """A code already stored must be the same node: same kind, same parent."""
    parent_paths = {t.path[: -Territory.steplen] for t in existing.values() if t.depth > 1}
    parent_codes = dict(Territory.objects.filter(path__in=parent_paths).values_list("path", "code"))
    for item in incoming:
        node = existing.get(item.code)
        if node is None or not item.resolved:
            continue
        stored_parent = parent_codes.get(node.path[: -Territory.steplen]) if node.depth > 1 else None
        if node.kind != item.kind or stored_parent != item.parent_key:
            problems.add(
                item.index,
                item.code,
                _("编码 %(c)s 已被另一节点使用：%(name)s（%(kind)s，上级 %(p)s）(duplicate code)")
                % {
                    "c": item.code,
                    "name": node.name,
                    "kind": KIND_LABELS.get(node.kind, node.kind),
                    "p": stored_parent or "—",
                },
            )


def _stored_children_not_in_file(node: Territory, existing: Existing) -> list[Territory]:
    """Stored children of ``node`` that the file does not mention (no query when it mentions them all)."""
    if node.numchild <= existing.children_in_file.get(node.path, 0):
        return []
    qs = Territory.objects.filter(path__startswith=node.path, depth=node.depth + 1, geometry__isnull=False)
    return [t for t in qs.only("code", "kind", "geometry", "path", "depth") if t.code not in existing]


def check_containment(
    incoming: list[Incoming],
    refs: dict[str, ParentRef],
    existing: Existing,
    problems: Problems,
) -> None:
    for item in incoming:
        if not item.resolved or item.parent_key is None:
            continue
        parent_shape = refs[item.parent_key].shape
        if parent_shape is None:
            continue
        share = outside_share(item.shape, parent_shape)
        if share > CHILD_OUTSIDE_TOLERANCE:
            problems.add(
                item.index,
                item.code,
                _("超出上级 %(p)s 的范围：%(s).2f%% 的面积在上级之外 (child not inside parent)")
                % {"p": item.parent_key, "s": share * 100},
            )
    # Stored children that the file does not mention must stay inside their parent's new outline.
    updated = [item for item in incoming if item.code in existing and item.index not in problems.bad]
    for item in updated:
        children = _stored_children_not_in_file(existing[item.code], existing)
        for child in children:
            child_shape = stored_shape(child)
            if child_shape is None:
                continue
            share = outside_share(child_shape, item.shape)
            if share > CHILD_OUTSIDE_TOLERANCE:
                problems.add(
                    item.index,
                    item.code,
                    _("现有下级 %(c)s 将有 %(s).2f%% 的面积超出新边界 (an existing child would fall outside)")
                    % {"c": child.code, "s": share * 100},
                )


def check_siblings(
    incoming: list[Incoming],
    refs: dict[str, ParentRef],
    existing: Existing,
    problems: Problems,
) -> None:
    """Siblings may overlap by at most WANGGE_OVERLAP_TOLERANCE of the smaller one's area."""
    tolerance = float(settings.WANGGE_OVERLAP_TOLERANCE)
    # Siblings of one kind: at the top of the tree a city and its districts are both roots.
    groups: dict[tuple[str | None, str], list[Incoming]] = defaultdict(list)
    for item in incoming:
        if item.resolved:
            groups[item.parent_key, item.kind].append(item)
    in_file = {item.code for item in incoming}
    for (parent_key, kind), items in groups.items():
        # Stored siblings not in the file keep their outlines and count as neighbours.
        ref = refs.get(parent_key) if parent_key is not None else None
        if parent_key is None:
            stored_siblings = [t for t in Territory.objects.filter(depth=1, kind=kind) if t.code not in in_file]
        elif ref is not None and ref.node is not None:
            stored_siblings = [t for t in _stored_children_not_in_file(ref.node, existing) if t.kind == kind]
        else:
            stored_siblings = []
        labels: list[tuple[int | None, str]] = [(item.index, item.code) for item in items]
        shapes: list[BaseGeometry] = [item.shape for item in items]
        for node in stored_siblings:
            node_shape = stored_shape(node)
            if node_shape is not None:
                labels.append((None, node.code))
                shapes.append(node_shape)
        if len(shapes) < 2:
            continue
        geoms = np.array(shapes, dtype=object)
        tree = STRtree(geoms)
        left, right = tree.query(geoms[: len(items)], predicate="intersects")
        keep = left != right
        left, right = left[keep], right[keep]
        # Each pair once: for two file features keep (small, large) index order.
        both_incoming = right < len(items)
        keep = ~both_incoming | (left < right)
        left, right = left[keep], right[keep]
        if left.size == 0:
            continue
        overlap = shapely.area(shapely.intersection(geoms[left], geoms[right]))
        areas = shapely.area(geoms)
        share = overlap / np.minimum(areas[left], areas[right])
        for a, b, s in zip(left.tolist(), right.tolist(), share.tolist(), strict=True):
            if s <= tolerance or math.isnan(s):
                continue
            for me, other in ((a, b), (b, a)):
                index, code = labels[me]
                if index is None:
                    continue
                problems.add(
                    index,
                    code,
                    _("与同级 %(o)s 重叠 %(s).2f%%，超过允许的 %(t).2f%% (overlaps a sibling)")
                    % {"o": labels[other][1], "s": s * 100, "t": tolerance * 100},
                )
