"""Point → territory lookup: the deepest node whose polygon holds the point (属地兜底 included).

The index lives in memory, one per process: every node that has a polygon, grouped by tree depth,
each depth in its own shapely ``STRtree`` over prepared polygons. A lookup walks the depths from
the deepest (楼栋, 网格) up to the district, so a point in an area no grid covers falls back to the
community, the street, the district. The first depth with a hit is the answer; among siblings that
share the point (a common border, or an overlap within tolerance) the first in tree order (by path)
wins, so answers are deterministic and equal between ``locate`` and ``locate_many``.

Staleness: the index is a ``wangge.core.caches.ProcessCache`` (``index_cache``). ``invalidate()`` drops
this process's index and bumps a counter in Django's cache, so other processes sharing that cache (Redis
in production) notice at their next check. Independently of the cache, each process compares a cheap
database stamp (row count, max id, max ``updated_at``) at most every ``WANGGE_LOCATOR_RECHECK_SECONDS``
(default 2 s) and rebuilds when it moved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from shapely import STRtree

from wangge.core import geo
from wangge.core.caches import ProcessCache
from wangge.core.geo import FloatArray
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

CACHE_KEY = "wangge:territory:locator:version"
NOT_FOUND = -1

# Fields copied into the index so that ``locate`` can hand back a Territory without a query.
# ``geometry`` and ``attributes`` stay deferred: reading them on the returned instance loads them.
_INSTANCE_FIELDS = (
    "id",
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "kind",
    "centroid_lng",
    "centroid_lat",
    "area_m2",
    "is_synthetic",
    "updated_at",
)


@dataclass(frozen=True)
class _Level:
    depth: int
    tree: STRtree
    geoms: npt.NDArray[Any]
    ids: npt.NDArray[np.int64]


class LocatorIndex:
    """Polygons grouped by tree depth, deepest first, each depth in its own STRtree.

    Pure shapely/numpy: build one from any (id, depth, polygon) triples, e.g. in a benchmark.
    """

    def __init__(
        self,
        ids: Sequence[int],
        depths: Sequence[int],
        geoms: Sequence[Any],
        *,
        rows: dict[int, tuple[Any, ...]] | None = None,
        stamp: tuple[Any, ...] = (),
        cache_version: Any = None,
    ) -> None:
        by_depth: dict[int, tuple[list[Any], list[int]]] = {}
        for node_id, depth, geom in zip(ids, depths, geoms, strict=True):
            level_geoms, level_ids = by_depth.setdefault(int(depth), ([], []))
            level_geoms.append(geom)
            level_ids.append(int(node_id))
        levels = []
        for depth in sorted(by_depth, reverse=True):
            level_geoms, level_ids = by_depth[depth]
            array = np.array(level_geoms, dtype=object)
            shapely.prepare(array)
            levels.append(
                _Level(depth=depth, tree=STRtree(array), geoms=array, ids=np.array(level_ids, dtype=np.int64))
            )
        self.levels: tuple[_Level, ...] = tuple(levels)
        # One tree over every level for single lookups: its index order is (depth descending, then
        # the order within the level), so the first hit in index order is the one locate_ids picks.
        if levels:
            self._geoms = np.concatenate([lv.geoms for lv in levels])
            self._ids = np.concatenate([lv.ids for lv in levels])
        else:
            self._geoms = np.array([], dtype=object)
            self._ids = np.array([], dtype=np.int64)
        self._tree = STRtree(self._geoms)
        self._geom_list: list[Any] = self._geoms.tolist()
        self._id_list: list[int] = self._ids.tolist()
        self.rows: dict[int, tuple[Any, ...]] = rows or {}
        self.by_path: dict[str, int] = {row[1]: node_id for node_id, row in self.rows.items()}
        self.stamp = stamp
        self.cache_version = cache_version

    def __len__(self) -> int:
        return sum(len(level.ids) for level in self.levels)

    def locate_id(self, lng: float, lat: float) -> int | None:
        """Id of the deepest polygon holding the WGS-84 point (first in index order among equals)."""
        point = shapely.Point(lng, lat)
        geoms = self._geom_list
        # Bounding-box candidates from one tree, then the exact test on prepared polygons.
        for i in sorted(self._tree.query(point).tolist()):
            if geoms[i].intersects(point):
                return self._id_list[i]
        return None

    def locate_ids(self, lngs: FloatArray, lats: FloatArray) -> npt.NDArray[np.int64]:
        """Vectorised :meth:`locate_id` over WGS-84 arrays; ``NOT_FOUND`` (-1) where nothing holds a point.

        Depth by depth from the deepest, only for points still unplaced: bounding-box candidates
        from the level's tree, then one vectorised ``intersects`` on the prepared polygons (far
        cheaper than the tree's own predicate, which cannot use the polygons' prepared form).
        """
        result = np.full(lngs.shape[0], NOT_FOUND, dtype=np.int64)
        if lngs.size == 0:
            return result
        points = shapely.points(lngs, lats)
        pending = np.arange(lngs.shape[0])
        for level in self.levels:
            if pending.size == 0:
                break
            src, hit = level.tree.query(points[pending])
            if src.size == 0:
                continue
            inside = shapely.intersects(level.geoms[hit], points[pending[src]])
            src, hit = src[inside], hit[inside]
            if src.size == 0:
                continue
            # First in index order per point: sort by (point, tree index), keep each point's first hit.
            order = np.lexsort((hit, src))
            src, hit = src[order], hit[order]
            first = np.ones(src.size, dtype=bool)
            first[1:] = src[1:] != src[:-1]
            result[pending[src[first]]] = level.ids[hit[first]]
            pending = pending[result[pending] == NOT_FOUND]
        return result


def _recheck_seconds() -> float:
    return float(getattr(settings, "WANGGE_LOCATOR_RECHECK_SECONDS", 2.0))


def _db_stamp() -> tuple[Any, ...]:
    agg = Territory.objects.order_by().aggregate(n=Count("id"), max_id=Max("id"), changed=Max("updated_at"))
    return (agg["n"], agg["max_id"], agg["changed"])


def _cache_version() -> Any:
    try:
        return cache.get(CACHE_KEY)
    except Exception:  # a cache outage must not stop lookups; the database stamp still guards
        return None


def _geometry_from_json(value: Any) -> Any:
    if not value:
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        geom = shapely.from_geojson(text)
    except shapely.errors.GEOSException:
        return None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def _fingerprint() -> tuple[Any, tuple[Any, ...]]:
    """The shared cache's version (bumped by ``invalidate()`` in any process) and the database stamp."""
    return (_cache_version(), _db_stamp())


def _build(fingerprint: tuple[Any, tuple[Any, ...]]) -> LocatorIndex:
    version, stamp = fingerprint
    ids: list[int] = []
    depths: list[int] = []
    geoms: list[Any] = []
    rows: dict[int, tuple[Any, ...]] = {}
    qs = Territory.objects.order_by("path").exclude(geometry__isnull=True)
    for values in qs.values_list(*_INSTANCE_FIELDS, "geometry").iterator(chunk_size=2000):
        geom = _geometry_from_json(values[-1])
        if geom is None:
            continue
        rows[values[0]] = tuple(values[:-1])
        ids.append(values[0])
        depths.append(values[2])
        geoms.append(geom)
    return LocatorIndex(ids, depths, geoms, rows=rows, stamp=stamp, cache_version=version)


# The process's index (``peek()`` gives the one in use without a check, e.g. to a benchmark).
index_cache: ProcessCache[LocatorIndex] = ProcessCache(
    "territory.locator", _build, fingerprint=_fingerprint, recheck_seconds=_recheck_seconds
)


def _get_index() -> LocatorIndex:
    return index_cache.get()


def invalidate() -> None:
    """Drop the cached index here, and tell other processes through the shared cache."""
    index_cache.forget()
    try:
        try:
            cache.incr(CACHE_KEY)
        except ValueError:
            cache.set(CACHE_KEY, 1, timeout=None)
    except Exception:  # the database stamp still catches the change within the recheck interval
        pass


def warm() -> None:
    """Build the index now (e.g. at process start) instead of on the first lookup."""
    _get_index()


# --------------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------------


def locate_id(lng: float, lat: float, crs: str = "wgs84") -> int | None:
    """Id of the deepest node containing the point, or None. No database query once the index is warm."""
    if crs != "wgs84":
        lng, lat = geo.to_wgs84(lng, lat, crs)
    return _get_index().locate_id(lng, lat)


def _instance(index: LocatorIndex, node_id: int) -> Territory:
    # A fresh instance each call: callers may modify it without touching the cache.
    return Territory.from_db("default", list(_INSTANCE_FIELDS), list(index.rows[node_id]))


def locate(lng: float, lat: float, crs: str = "wgs84") -> Territory | None:
    """The deepest node containing the point (楼栋 or 网格; else the community, street, district)."""
    node_id = locate_id(lng, lat, crs)
    if node_id is None:
        return None
    index = index_cache.peek() or _get_index()
    if node_id not in index.rows:  # rebuilt in between; fall back to the database
        return Territory.objects.filter(pk=node_id).first()
    return _instance(index, node_id)


def chain(node: Territory) -> list[Territory] | None:
    """``node``'s ancestors and ``node`` itself, root first, from the index (no query).

    None when one of them is not in the index (a node without a polygon) or the index no longer
    matches ``node`` (rebuilt after a renumbering): the caller then asks the database.
    """
    index = _get_index()
    step = Territory.steplen
    ids = [index.by_path.get(node.path[:i]) for i in range(step, len(node.path) + 1, step)]
    if not ids or ids[-1] != node.pk or None in ids:
        return None
    return [_instance(index, node_id) for node_id in ids if node_id is not None]


def locate_ids_array(lngs: Any, lats: Any, crs: str = "wgs84") -> npt.NDArray[np.int64]:
    """Vectorised lookup: an int64 array of node ids, ``NOT_FOUND`` (-1) where no polygon holds the point."""
    lng, lat = geo.to_wgs84_arrays(lngs, lats, crs)
    return _get_index().locate_ids(lng.ravel(), lat.ravel())


def locate_many(lngs: Any, lats: Any, crs: str = "wgs84") -> list[int | None]:
    """Ids of the deepest node containing each point (None where outside every polygon)."""
    ids = locate_ids_array(lngs, lats, crs)
    return [None if i == NOT_FOUND else i for i in ids.tolist()]


def grid_of(territory: Territory | None) -> Territory | None:
    """The grid at or above ``territory`` (a building's grid), or None above grid level."""
    if territory is None:
        return None
    if territory.kind == TerritoryKind.GRID:
        return territory
    if territory.kind != TerritoryKind.BUILDING:
        return None
    step = Territory.steplen
    prefixes = [territory.path[:i] for i in range(step, len(territory.path), step)]
    return Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.GRID).order_by("-depth").first()
