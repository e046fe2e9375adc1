"""Writes to the territory tree: GeoJSON import (validate everything, then write all or nothing) and export.

Import contract
---------------
``data`` is a GeoJSON FeatureCollection. Each feature carries ``properties``:

* ``code`` (digits; the length fixed by ``settings.WANGGE_CODE_SEGMENTS`` for its kind — 区 the first
  segment, 街道 the first two, …; 省/市 use 6-digit GB/T 2260 codes ending in 0000 / 00),
* ``name``, ``kind`` (a :class:`~wangge.territory.choices.TerritoryKind` value),
* ``parent_code`` (optional: by default the parent is the node whose code is the feature's code minus
  its last segment — for a district the city ``xxxx00`` or province ``xx0000`` — found in the file or
  the database, else the ``parent`` argument; districts, cities and provinces may be roots),
* ``is_synthetic`` (optional boolean; ``synthetic=True`` marks every node synthetic regardless),

and a Polygon or MultiPolygon ``geometry`` in ``crs`` (wgs84, gcj02 or bd09), converted to WGS-84
before any check. A feature whose code already exists updates that node (same kind, same parent).
Every problem of every feature is collected; if there is any, :class:`ValidationFailed` lists them
all (``details=[{"feature": index, "code": code, "reason": text}, ...]``) and nothing is written.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from wangge.core import audit, geo
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry
from wangge.territory import hooks, locator
from wangge.territory.choices import ALLOWED_CHILDREN, CODED_KINDS, TerritoryKind
from wangge.territory.models import Territory

# Kinds that may sit at the top of the tree (no parent).
ROOT_KINDS = frozenset({TerritoryKind.PROVINCE, TerritoryKind.CITY, TerritoryKind.DISTRICT})
# Share of a child's area allowed to lie outside its parent (digitising noise, datum round-off).
CHILD_OUTSIDE_TOLERANCE = 0.005
# GCJ-02 and BD-09 are only defined over China; coordinates outside this box are not plausible there.
CHINA_BOUNDS = (72.0, 0.8, 138.0, 56.0)

_KIND_LABELS = dict(TerritoryKind.choices)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)  # every code in the file, in file order
    created_codes: list[str] = field(default_factory=list)
    updated_codes: list[str] = field(default_factory=list)


@dataclass
class _Incoming:
    index: int
    code: str
    name: str
    kind: str
    parent_code: str | None  # explicit property
    synthetic: bool  # the feature's own is_synthetic property
    geometry: dict[str, Any]  # WGS-84 GeoJSON
    shape: BaseGeometry
    parent_key: str | None = None  # resolved parent code, None for a root
    resolved: bool = False  # the parent (or root status) is known
    depth: int = 0


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.bad: set[int] = set()

    def add(self, index: int | None, code: str | None, reason: str) -> None:
        self.items.append({"feature": index, "code": code, "reason": reason})
        if index is not None:
            self.bad.add(index)

    def __bool__(self) -> bool:
        return bool(self.items)


# --------------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------------


def code_length(kind: str) -> int | None:
    """The length of a code of ``kind`` under the configured segments; None when not configured."""
    if kind in (TerritoryKind.PROVINCE, TerritoryKind.CITY):
        return 6
    segments: Sequence[int] = settings.WANGGE_CODE_SEGMENTS
    position = CODED_KINDS.index(TerritoryKind(kind))
    if position >= len(segments):
        return None
    return sum(segments[: position + 1])


def implied_parent_codes(code: str, kind: str) -> list[str]:
    """Codes the parent would have, by the code structure, most specific first."""
    if kind == TerritoryKind.PROVINCE:
        return []
    if kind == TerritoryKind.CITY:
        return [code[:2] + "0000"]
    if kind == TerritoryKind.DISTRICT:
        return [code[:4] + "00", code[:2] + "0000"]
    segments: Sequence[int] = settings.WANGGE_CODE_SEGMENTS
    position = CODED_KINDS.index(TerritoryKind(kind))
    return [code[: sum(segments[:position])]]


def code_fits_parent(code: str, kind: str, parent_code: str, parent_kind: str) -> bool:
    if parent_kind == TerritoryKind.PROVINCE:
        return code[:2] == parent_code[:2]
    if parent_kind == TerritoryKind.CITY:
        return code[:4] == parent_code[:4]
    return code.startswith(parent_code) and len(code) > len(parent_code)


def _code_problem(code: str, kind: str) -> str | None:
    if not code.isdigit():
        return _("编码只能由数字组成 (code must be digits only)")
    expected = code_length(kind)
    if expected is None:
        return _("未为层级“%(kind)s”配置编码段 (no code segment configured for this kind)") % {
            "kind": _KIND_LABELS[kind]
        }
    if len(code) != expected:
        return _("%(kind)s编码应为 %(n)d 位，实际 %(m)d 位 (code length must be %(n)d for this kind)") % {
            "kind": _KIND_LABELS[kind],
            "n": expected,
            "m": len(code),
        }
    if kind == TerritoryKind.PROVINCE and not code.endswith("0000"):
        return _("省级编码应以 0000 结尾 (province codes end in 0000)")
    if kind == TerritoryKind.CITY and (not code.endswith("00") or code.endswith("0000")):
        return _("市级编码应以 00 结尾且不以 0000 结尾 (city codes end in 00 but not 0000)")
    return None


# --------------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------------


def _coordinate_problem(geometry: dict[str, Any], crs: str) -> str | None:
    """Coordinates must be finite lng/lat pairs; in GCJ-02/BD-09, inside China."""
    try:
        coords = shapely.get_coordinates(shape(geometry))
    except Exception as exc:  # malformed nesting, strings, too few points …
        return _("坐标格式错误 (malformed coordinates): %(e)s") % {"e": exc}
    if coords.size == 0:
        return _("几何为空 (empty geometry)")
    if not np.isfinite(coords).all():
        return _("坐标包含非数值 (coordinates are not finite numbers)")
    lng, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lng) > 180).any() or (np.abs(lat) > 90).any():
        return _("坐标超出经纬度范围，是否不是经纬度或经纬度顺序颠倒？(not lng/lat, or lat/lng swapped)")
    if crs in ("gcj02", "bd09"):
        minx, miny, maxx, maxy = CHINA_BOUNDS
        if (lng < minx).any() or (lng > maxx).any() or (lat < miny).any() or (lat > maxy).any():
            return _("%(crs)s 坐标应位于中国境内，请检查坐标系或经纬度顺序 (outside China for this datum)") % {
                "crs": crs.upper()
            }
    return None


def _label_point(geom: BaseGeometry) -> tuple[float, float]:
    """The centroid when it falls inside the polygon, else a point guaranteed inside it."""
    c = geom.centroid
    if not geom.covers(c):
        c = geom.representative_point()
    return float(c.x), float(c.y)


def _outside_share(child: BaseGeometry, parent: BaseGeometry) -> float:
    """Share of the child's area outside the parent (planar in degrees: a ratio, so datum-agnostic)."""
    if parent.covers(child):
        return 0.0
    area = child.area
    if area <= 0:
        return 0.0
    return float(shapely.difference(child, parent).area / area)


def _stored_shape(node: Territory) -> BaseGeometry | None:
    if not node.geometry:
        return None
    try:
        geom = shape(node.geometry)
    except Exception:
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


def geometry_problem(geometry: Any, crs: str = "wgs84") -> str | None:
    """Why ``geometry`` cannot be a territory outline (type, coordinates, validity), or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        return _("几何类型应为 Polygon 或 MultiPolygon，实际为 %(t)s (not a Polygon/MultiPolygon)") % {"t": gtype}
    reason = _coordinate_problem(geometry, crs)
    if reason:
        return reason
    geom = shape(geo.transform_geometry(geometry, crs))
    if not geom.is_valid:
        return _("多边形无效（如自相交）：%(why)s (invalid polygon)") % {"why": explain_validity(geom)}
    if geom.is_empty or geom.area <= 0:
        return _("多边形面积为零 (polygon has no area)")
    return None


def geometry_fields(geometry: dict[str, Any] | None) -> dict[str, Any]:
    """The values derived from a WGS-84 outline: label point (centroid_lng/lat) and area_m2."""
    if not geometry:
        return {"centroid_lng": None, "centroid_lat": None, "area_m2": None}
    geom = shape(geometry)
    lng, lat = _label_point(geom)
    return {"centroid_lng": lng, "centroid_lat": lat, "area_m2": round(geo.geodesic_area_m2(geom), 2)}


def placement_problem(*, code: str, kind: str, parent: Territory | None) -> str | None:
    """Why a node of ``kind``/``code`` cannot sit under ``parent`` (None: at the top), or None."""
    if parent is None:
        if kind not in ROOT_KINDS:
            return _("“%(kind)s”不能作为顶级节点 (kind cannot be a root)") % {"kind": _KIND_LABELS.get(kind, kind)}
        return None
    if kind not in ALLOWED_CHILDREN.get(parent.kind, set()):
        return _("“%(kind)s”不能直接隶属于“%(pkind)s” %(p)s (kind not allowed under this parent)") % {
            "kind": _KIND_LABELS.get(kind, kind),
            "pkind": _KIND_LABELS.get(parent.kind, parent.kind),
            "p": parent.code,
        }
    if not code_fits_parent(code, kind, parent.code, parent.kind):
        return _("编码 %(c)s 应以上级编码 %(p)s 开头 (code not prefixed by its parent's code)") % {
            "c": code,
            "p": parent.code,
        }
    return None


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------


def _parse_features(data: Any, crs: str, problems: _Problems) -> list[_Incoming]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(None, None, _("文件不是 GeoJSON FeatureCollection (not a GeoJSON FeatureCollection)"))
        return []
    features = data.get("features")
    if not isinstance(features, list):
        problems.add(None, None, _("FeatureCollection 缺少 features 列表 (features must be a list)"))
        return []
    if not features:
        problems.add(None, None, _("文件中没有要素 (the file has no features)"))
        return []
    parsed: list[_Incoming] = []
    candidates: list[tuple[int, str, str, str, str | None, bool, bool, dict[str, Any]]] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            problems.add(index, None, _("要素格式错误 (feature is not an object)"))
            continue
        props = feature.get("properties") or {}
        raw_code = props.get("code")
        code = str(raw_code).strip() if raw_code not in (None, "") else ""
        name = str(props.get("name") or "").strip()
        kind = str(props.get("kind") or "").strip()
        raw_parent = props.get("parent_code")
        parent_code = str(raw_parent).strip() if raw_parent not in (None, "") else None
        failed = False
        if not code:
            problems.add(index, None, _("缺少编码 code (missing code)"))
            failed = True
        if not name:
            problems.add(index, code or None, _("缺少名称 name (missing name)"))
            failed = True
        elif len(name) > Territory._meta.get_field("name").max_length:  # type: ignore[operator]
            problems.add(index, code or None, _("名称过长，最多 100 字 (name too long)"))
            failed = True
        if kind not in TerritoryKind.values:
            problems.add(
                index,
                code or None,
                _("层级 kind 无效：%(kind)r，应为 %(allowed)s (unknown kind)")
                % {"kind": kind, "allowed": ", ".join(TerritoryKind.values)},
            )
            failed = True
        elif code:
            reason = _code_problem(code, kind)
            if reason:
                problems.add(index, code, reason)
                failed = True
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            gtype = geometry.get("type") if isinstance(geometry, dict) else None
            problems.add(
                index,
                code or None,
                _("几何类型应为 Polygon 或 MultiPolygon，实际为 %(t)s (not a Polygon/MultiPolygon)") % {"t": gtype},
            )
            continue
        reason = _coordinate_problem(geometry, crs)
        if reason:
            problems.add(index, code or None, reason)
            continue
        synthetic = props.get("is_synthetic") in (True, 1, "true", "True", "1")
        candidates.append((index, code, name, kind, parent_code, synthetic, failed, geometry))
    # One vectorised datum conversion for the whole file.
    converted = geo.transform_geometries([c[-1] for c in candidates], crs)
    for (index, code, name, kind, parent_code, synthetic, failed, _raw), wgs in zip(candidates, converted, strict=True):
        geom = shape(wgs)
        if not geom.is_valid:
            problems.add(
                index,
                code or None,
                _("多边形无效（如自相交）：%(why)s (invalid polygon)") % {"why": explain_validity(geom)},
            )
            continue
        if geom.is_empty or geom.area <= 0:
            problems.add(index, code or None, _("多边形面积为零 (polygon has no area)"))
            continue
        if failed:
            continue
        parsed.append(
            _Incoming(
                index=index,
                code=code,
                name=name,
                kind=kind,
                parent_code=parent_code,
                synthetic=synthetic,
                geometry=wgs,
                shape=geom,
            )
        )
    return parsed


class _Existing(dict[str, Territory]):
    """Stored nodes whose codes the file mentions, by code, with a count of them per parent path."""

    def __init__(self, nodes: Iterable[Territory]) -> None:
        super().__init__((t.code, t) for t in nodes)
        self.children_in_file = Counter(t.path[: -Territory.steplen] for t in self.values() if t.depth > 1)


@dataclass
class _ParentRef:
    """A parent node, either already stored or arriving in the same file."""

    code: str
    kind: str
    shape: BaseGeometry | None
    node: Territory | None = None
    incoming: _Incoming | None = None


def _resolve_parents(
    incoming: list[_Incoming],
    existing: dict[str, Territory],
    parent: Territory | None,
    problems: _Problems,
) -> dict[str, _ParentRef]:
    """Attach each feature to its parent; return every parent referenced, keyed by code."""
    by_code = {item.code: item for item in incoming}
    wanted: set[str] = set()
    for item in incoming:
        if item.parent_code:
            wanted.add(item.parent_code)
        wanted.update(implied_parent_codes(item.code, item.kind))
    stored = {t.code: t for t in Territory.objects.filter(code__in=wanted - set(by_code))}
    refs: dict[str, _ParentRef] = {}

    def ref_for(code: str) -> _ParentRef | None:
        if code in refs:
            return refs[code]
        if code in by_code:
            other = by_code[code]
            refs[code] = _ParentRef(
                code=code, kind=other.kind, shape=other.shape, incoming=other, node=existing.get(code)
            )
        elif code in stored:
            node = stored[code]
            refs[code] = _ParentRef(code=code, kind=node.kind, shape=_stored_shape(node), node=node)
        elif parent is not None and code == parent.code:
            refs[code] = _ParentRef(code=code, kind=parent.kind, shape=_stored_shape(parent), node=parent)
        else:
            return None
        return refs[code]

    for item in incoming:
        ref: _ParentRef | None = None
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
                % {"kind": _KIND_LABELS[item.kind], "pkind": _KIND_LABELS[ref.kind], "p": ref.code},
            )
        elif not code_fits_parent(item.code, item.kind, ref.code, ref.kind):
            problems.add(
                item.index,
                item.code,
                _("编码 %(c)s 应以上级编码 %(p)s 开头 (code not prefixed by its parent's code)")
                % {"c": item.code, "p": ref.code},
            )
    return refs


def _check_depths_and_scope(
    incoming: list[_Incoming],
    refs: dict[str, _ParentRef],
    parent: Territory | None,
    problems: _Problems,
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


def _check_existing(incoming: list[_Incoming], existing: dict[str, Territory], problems: _Problems) -> None:
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
                    "kind": _KIND_LABELS.get(node.kind, node.kind),
                    "p": stored_parent or "—",
                },
            )


def _stored_children_not_in_file(node: Territory, existing: _Existing) -> list[Territory]:
    """Stored children of ``node`` that the file does not mention (no query when it mentions them all)."""
    if node.numchild <= existing.children_in_file.get(node.path, 0):
        return []
    qs = Territory.objects.filter(path__startswith=node.path, depth=node.depth + 1, geometry__isnull=False)
    return [t for t in qs.only("code", "kind", "geometry", "path", "depth") if t.code not in existing]


def _check_containment(
    incoming: list[_Incoming],
    refs: dict[str, _ParentRef],
    existing: _Existing,
    problems: _Problems,
) -> None:
    for item in incoming:
        if not item.resolved or item.parent_key is None:
            continue
        parent_shape = refs[item.parent_key].shape
        if parent_shape is None:
            continue
        share = _outside_share(item.shape, parent_shape)
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
            child_shape = _stored_shape(child)
            if child_shape is None:
                continue
            share = _outside_share(child_shape, item.shape)
            if share > CHILD_OUTSIDE_TOLERANCE:
                problems.add(
                    item.index,
                    item.code,
                    _("现有下级 %(c)s 将有 %(s).2f%% 的面积超出新边界 (an existing child would fall outside)")
                    % {"c": child.code, "s": share * 100},
                )


def _check_siblings(
    incoming: list[_Incoming],
    refs: dict[str, _ParentRef],
    existing: _Existing,
    problems: _Problems,
) -> None:
    """Siblings may overlap by at most WANGGE_OVERLAP_TOLERANCE of the smaller one's area."""
    tolerance = float(settings.WANGGE_OVERLAP_TOLERANCE)
    # Siblings of one kind: at the top of the tree a city and its districts are both roots.
    groups: dict[tuple[str | None, str], list[_Incoming]] = defaultdict(list)
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
            node_shape = _stored_shape(node)
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


def _check_duplicates(incoming: list[_Incoming], problems: _Problems) -> list[_Incoming]:
    first: dict[str, int] = {}
    unique: list[_Incoming] = []
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


def _allocate_paths(new_items: list[_Incoming], nodes: dict[str, Territory]) -> list[Territory]:
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


def _geometry_fields(item: _Incoming) -> dict[str, Any]:
    lng, lat = _label_point(item.shape)
    return {
        "geometry": item.geometry,
        "centroid_lng": lng,
        "centroid_lat": lat,
        "area_m2": round(geo.geodesic_area_m2(item.shape), 2),
    }


def _audit_nodes(actor: Any, entries: list[tuple[Territory, dict[str, Any] | None, str]]) -> None:
    """One audit entry per created or updated node, written in one bulk insert.

    The rows are exactly what :func:`wangge.core.audit.record` writes (same fields, same snapshot and
    diff helpers); only the insert is batched, so an import of hundreds of nodes stays fast.
    """
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    actor_name = str(getattr(actor, "username", "") or (actor or "system"))[:150]
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


def territory_import_geojson(
    *,
    actor: Any,
    data: dict[str, Any],
    crs: str,
    parent: Territory | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Validate a FeatureCollection of territory nodes completely, then create or update them all."""
    if crs not in geo.CRS_CHOICES:
        raise ValidationFailed(
            _("不支持的坐标系 %(crs)s (unknown crs)") % {"crs": crs},
            details=[{"feature": None, "code": None, "reason": _("坐标系应为 wgs84、gcj02 或 bd09")}],
        )
    problems = _Problems()
    parsed = _parse_features(data, crs, problems)
    incoming = _check_duplicates(parsed, problems)
    existing = _Existing(Territory.objects.filter(code__in=[i.code for i in incoming]))
    refs = _resolve_parents(incoming, existing, parent, problems)
    _check_depths_and_scope(incoming, refs, parent, problems)
    _check_existing(incoming, existing, problems)
    _check_containment(incoming, refs, existing, problems)
    _check_siblings(incoming, refs, existing, problems)
    if problems:
        details = sorted(problems.items, key=lambda d: (d["feature"] is not None, d["feature"] or 0))
        raise ValidationFailed(
            _("导入被拒绝：%(n)d 处问题，未写入任何数据 (import refused, nothing written)") % {"n": len(details)},
            details=details,
        )

    with transaction.atomic():
        now = timezone.now()
        nodes: dict[str, Territory] = {}
        new_items: list[_Incoming] = []
        updated: list[tuple[Territory, dict[str, Any] | None]] = []
        unchanged = 0
        for item in incoming:
            values = {"name": item.name, "is_synthetic": synthetic or item.synthetic, **_geometry_fields(item)}
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
        pending = _allocate_paths(new_items, nodes)
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
        _audit_nodes(actor, entries)
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


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


def territory_export_geojson(
    *, root: Territory, crs: str = "wgs84", kinds: Iterable[str] | None = None
) -> dict[str, Any]:
    """The subtree under ``root`` (root included) as a FeatureCollection in ``crs``.

    Properties: code, name, kind, parent_code, area_m2, is_synthetic — the import format, so an
    export imports back unchanged.
    """
    if crs not in geo.CRS_CHOICES:
        raise ValidationFailed(_("不支持的坐标系 %(crs)s (unknown crs)") % {"crs": crs})
    wanted = set(kinds) if kinds else None
    rows = list(
        Territory.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values_list("path", "code", "name", "kind", "area_m2", "is_synthetic", "geometry")
    )
    code_by_path = {row[0]: row[1] for row in rows}
    root_parent_code = None
    if root.depth > 1:
        root_parent_code = (
            Territory.objects.filter(path=root.path[: -Territory.steplen]).values_list("code", flat=True).first()
        )
    features = []
    for path, code, name, kind, area_m2, is_synthetic, geometry in rows:
        if wanted is not None and kind not in wanted:
            continue
        parent_code = root_parent_code if path == root.path else code_by_path.get(path[: -Territory.steplen])
        if geometry and crs != "wgs84":
            geometry = geo.transform_geometry_from_wgs84(geometry, crs)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent_code": parent_code,
                    "area_m2": area_m2,
                    "is_synthetic": is_synthetic,
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "crs_name": crs, "features": features}
