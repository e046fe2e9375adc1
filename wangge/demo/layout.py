"""Deterministic tiling of a district outline into streets, communities and grids.

Pure geometry (shapely 2 + numpy), no Django: given a district outline and a :class:`DistrictSpec`,
:func:`plan_district` returns the nodes of the tree with codes, names and geometries. Each level is
cut with a Voronoi diagram of well-spread centres (k-means on random points inside the parent),
clipped to the parent, so children tile their parent exactly and siblings never overlap.

Codes follow the configured segment lengths; siblings are numbered in reading order: rows from
north to south, west to east within a row (by centroid). The same seed always gives the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

SYNTHETIC_SUFFIX = "（示例）"

# Synthetic outlines (GCJ-02, lng/lat) at the real location of the two districts, used when the real
# boundaries are not supplied. They share the border segment 113.268–113.380 along lat 33.7325, so
# they touch and do not overlap. Areas are close to the real ones (卫东区 ≈ 108 km², 湛河区 ≈ 116 km²).
SYNTHETIC_OUTLINES_GCJ02: dict[str, list[tuple[float, float]]] = {
    "410403": [
        (113.268, 33.7325),
        (113.380, 33.7325),
        (113.405, 33.7325),
        (113.425, 33.755),
        (113.418, 33.790),
        (113.380, 33.812),
        (113.330, 33.815),
        (113.290, 33.800),
        (113.270, 33.770),
        (113.268, 33.7325),
    ],
    "410411": [
        (113.200, 33.7325),
        (113.268, 33.7325),
        (113.380, 33.7325),
        (113.385, 33.700),
        (113.360, 33.670),
        (113.300, 33.655),
        (113.240, 33.660),
        (113.205, 33.685),
        (113.200, 33.7325),
    ],
}


def synthetic_outline(district_code: str) -> Polygon:
    """The synthetic outline of a district, in GCJ-02."""
    return Polygon(SYNTHETIC_OUTLINES_GCJ02[district_code])


@dataclass(frozen=True)
class StreetSpec:
    """A street (or township) with the communities named in the sources; the rest are synthetic."""

    name: str
    community_count: int
    communities: tuple[str, ...] = ()
    synthetic: bool = False
    villages: bool = False  # synthetic communities are villages (村) rather than 社区


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    short_name: str
    grid_count: int
    streets: tuple[StreetSpec, ...]
    seed: int

    @property
    def community_count(self) -> int:
        return sum(s.community_count for s in self.streets)


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    kind: str  # a TerritoryKind value
    parent_code: str | None
    geometry: BaseGeometry
    is_synthetic: bool


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of ``geom``, made valid, with zero-area parts dropped."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and p.area > 0]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def sample_points(region: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniformly random points inside ``region`` (rejection sampling), as an (n, 2) array."""
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        batch = max(64, int((n - got) * 1.5 * (maxx - minx) * (maxy - miny) / max(region.area, 1e-30)))
        xs = rng.uniform(minx, maxx, batch)
        ys = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(region, xs, ys)
        pts = np.column_stack([xs[inside], ys[inside]])
        out.append(pts)
        got += len(pts)
    return np.concatenate(out)[:n]


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 60) -> np.ndarray:
    """Lloyd's k-means with k-means++ seeding; returns k distinct centres."""
    n = len(points)
    centres = np.empty((k, 2))
    centres[0] = points[rng.integers(n)]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for i in range(1, k):
        total = d2.sum()
        idx = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centres[i] = points[idx]
        d2 = np.minimum(d2, ((points - centres[i]) ** 2).sum(axis=1))
    for _ in range(iterations):
        dist = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = dist.argmin(axis=1)
        new = centres.copy()
        for i in range(k):
            members = points[labels == i]
            if len(members):
                new[i] = members.mean(axis=0)
            else:  # an empty cluster takes the point farthest from its centre
                far = dist[np.arange(n), labels].argmax()
                new[i] = points[far]
                labels[far] = i
        if np.allclose(new, centres, rtol=0, atol=1e-12):
            centres = new
            break
        centres = new
    return centres


def reading_order(geoms: Sequence[BaseGeometry]) -> list[int]:
    """Indices of ``geoms`` in reading order: rows north→south, then west→east, by centroid.

    Rows are bands as tall as a typical cell (square root of the mean area), measured down from
    the northernmost centroid.
    """
    if not geoms:
        return []
    cents = [g.centroid for g in geoms]
    band = math.sqrt(sum(g.area for g in geoms) / len(geoms)) or 1.0
    top = max(c.y for c in cents)
    keys = [(math.floor((top - c.y) / band + 1e-9), c.x, -c.y) for c in cents]
    return sorted(range(len(geoms)), key=lambda i: keys[i])


def row_of(geom: BaseGeometry, siblings: Sequence[BaseGeometry]) -> int:
    """The reading-order row of ``geom`` among ``siblings`` (see :func:`reading_order`)."""
    band = math.sqrt(sum(g.area for g in siblings) / len(siblings)) or 1.0
    top = max(g.centroid.y for g in siblings)
    return math.floor((top - geom.centroid.y) / band + 1e-9)


def _reassign_detached(cells: list[BaseGeometry]) -> list[BaseGeometry]:
    """Keep each cell's largest part; hand its other parts to the neighbour they share most border with.

    A clipped Voronoi cell of a non-convex parent can come out in pieces. A piece that touches no
    other cell along an edge (e.g. an island of a MultiPolygon parent) stays with its cell.
    """
    cells = list(cells)
    for i in range(len(cells)):
        parts = sorted(shapely.get_parts(cells[i]), key=lambda p: p.area, reverse=True)
        if len(parts) <= 1:
            continue
        keep: list[BaseGeometry] = [parts[0]]
        for piece in parts[1:]:
            eps = max(math.sqrt(piece.area) * 1e-6, 1e-9)
            halo = piece.buffer(eps)
            best, best_share = None, 0.0
            for j, other in enumerate(cells):
                if j == i or not halo.intersects(other):
                    continue
                share = halo.intersection(other).area
                if share > best_share:
                    best, best_share = j, share
            if best is None or best_share < eps * eps * 10:
                keep.append(piece)
            else:
                cells[best] = _polygonal(shapely.union(cells[best], piece))
        cells[i] = keep[0] if len(keep) == 1 else MultiPolygon(keep)
    return cells


def partition(region: BaseGeometry, n: int, rng: np.random.Generator, points_per_cell: int = 48) -> list[BaseGeometry]:
    """Cut ``region`` into ``n`` non-overlapping (Multi)Polygons of similar area, in reading order."""
    if n < 1:
        raise ValueError("n must be positive")
    region = _polygonal(region)
    if n == 1:
        return [region]
    pts = sample_points(region, max(n * points_per_cell, 200), rng)
    centres = kmeans(pts, n, rng)
    minx, miny, maxx, maxy = region.bounds
    pad = max(maxx - minx, maxy - miny)
    extent = box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    diagram = shapely.voronoi_polygons(MultiPoint([Point(*c) for c in centres]), extend_to=extent, ordered=True)
    voronoi = list(shapely.get_parts(diagram))
    if len(voronoi) != n:  # coincident centres; cannot happen with distinct k-means centres
        raise ValueError(f"Voronoi diagram has {len(voronoi)} cells for {n} centres")
    shapely.prepare(region)
    cells = [_polygonal(shapely.intersection(region, v)) for v in voronoi]
    cells = _reassign_detached(cells)
    if any(c.is_empty or c.area <= 0 for c in cells):
        raise ValueError("partition produced an empty cell")
    return [cells[i] for i in reading_order(cells)]


# ---------------------------------------------------------------------------------------------
# The plan: codes and names
# ---------------------------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (1..99)."""
    if not 0 < n < 100:
        raise ValueError("1..99 only")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def strip_suffix(name: str) -> str:
    return name.removesuffix(SYNTHETIC_SUFFIX)


def _stem(street_name: str) -> str:
    for suffix in ("街道", "乡", "镇"):
        if street_name.endswith(suffix):
            return street_name[: -len(suffix)]
    return street_name


def split_evenly(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` counts differing by at most one, larger counts first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _to_local(geom: BaseGeometry, kx: float) -> BaseGeometry:
    return shapely.transform(geom, lambda c: c * np.array([kx, 1.0]))


def _from_local(geom: BaseGeometry, kx: float) -> BaseGeometry:
    return shapely.transform(geom, lambda c: c / np.array([kx, 1.0]))


def plan_district(
    outline: BaseGeometry,
    spec: DistrictSpec,
    *,
    segments: Sequence[int] = (6, 3, 3, 3),
    parent_code: str | None = None,
) -> list[Node]:
    """The district, its streets, communities and grids as :class:`Node` s, parents before children.

    ``outline`` is in lng/lat degrees; cells are cut in a frame where a degree of longitude is
    shortened by cos(latitude), so they come out round rather than stretched north–south.
    """
    if len(segments) < 4:
        raise ValueError("segments must give lengths for district, street, community and grid")
    _, s_len, c_len, g_len = segments[:4]
    rng = np.random.default_rng(spec.seed)
    outline = _polygonal(outline)
    kx = math.cos(math.radians(outline.centroid.y))
    local = _to_local(outline, kx)

    nodes: list[Node] = [Node(spec.code, spec.name, "district", parent_code, outline, False)]
    community_total = spec.community_count
    grid_counts = iter(split_evenly(spec.grid_count, community_total))

    def cut(region: BaseGeometry, n: int) -> list[tuple[BaseGeometry, BaseGeometry]]:
        """``region`` (local frame) cut into ``n`` cells, as (local, lng/lat) pairs in reading order."""
        cells = [(c, _from_local(c, kx)) for c in partition(region, n, rng)]
        return [cells[i] for i in reading_order([geo for _, geo in cells])]

    for s_idx, (street, (s_local, s_geo)) in enumerate(
        zip(spec.streets, cut(local, len(spec.streets)), strict=True), start=1
    ):
        s_code = f"{spec.code}{s_idx:0{s_len}d}"
        nodes.append(Node(s_code, street.name, "street", spec.code, s_geo, street.synthetic))
        word = "村" if street.villages else "社区"
        for c_idx, (c_local, c_geo) in enumerate(cut(s_local, street.community_count), start=1):
            c_code = f"{s_code}{c_idx:0{c_len}d}"
            if c_idx <= len(street.communities):
                c_name, c_synth = street.communities[c_idx - 1], False
            else:
                c_name = f"{_stem(strip_suffix(street.name))}第{chinese_number(c_idx)}{word}{SYNTHETIC_SUFFIX}"
                c_synth = True
            nodes.append(Node(c_code, c_name, "community", s_code, c_geo, c_synth))
            for g_idx, (_, g_geo) in enumerate(cut(c_local, next(grid_counts)), start=1):
                g_code = f"{c_code}{g_idx:0{g_len}d}"
                g_name = f"{strip_suffix(c_name)}第{g_idx}网格{SYNTHETIC_SUFFIX}"
                nodes.append(Node(g_code, g_name, "grid", c_code, g_geo, True))
    return nodes


def random_point_in(geom: BaseGeometry, rng: np.random.Generator, margin: float = 0.0) -> tuple[float, float]:
    """A random point inside ``geom``, at least ``margin`` from its border where the shape allows."""
    inner = geom.buffer(-margin) if margin > 0 else geom
    if inner.is_empty or inner.area <= 0:
        inner = geom
    x, y = sample_points(inner, 1, rng)[0]
    return float(x), float(y)
