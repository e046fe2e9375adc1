"""Point-in-territory lookups per second, batched and one at a time, on one core.

By default the territory tree is built in memory (no database): 卫东区's outline (the real one from
../shared/data/geo when present, converted from GCJ-02, else a synthetic one of the same size) cut
into 10 streets, 80 communities and 563 grids by clipped Voronoi cells, every border densified to
realistic vertex counts. With ``--from-db`` the index is read from the configured database instead
(it must hold 卫东区's grids, e.g. after ``manage.py demo``).

The figures measure the production code: ``wangge.territory.locator.locate_many`` (vectorised,
shapely STRtree per tree depth, deepest hit wins), ``locate_id`` and ``locate`` (one point each, no
database query once the index is warm).

    python bench/locate.py [--points 1000000] [--single 50000] [--from-db] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICT = "410403"
AIM_BATCHED = 200_000
AIM_SINGLE = 20_000


def pin_to_one_core() -> int | None:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


def district_outline(shared: Path) -> tuple[Any, str]:
    from wangge.core import geo

    path = shared / "geo" / "pingdingshan_410400.geojson"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        for f in data["features"]:
            if str(f["properties"].get("adcode")) == DISTRICT:
                return shape(geo.transform_geometry(f["geometry"], "gcj02")), f"real outline ({path.name})"
    ring = [
        (113.262, 33.735),
        (113.399, 33.735),
        (113.419, 33.757),
        (113.412, 33.792),
        (113.374, 33.814),
        (113.324, 33.817),
        (113.284, 33.802),
        (113.264, 33.772),
    ]
    return shapely.Polygon(ring), "synthetic outline (shared data absent)"


def spread_points(region: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` well-spread points inside ``region``: Lloyd-relaxed random samples."""
    minx, miny, maxx, maxy = region.bounds
    samples = np.empty((0, 2))
    while len(samples) < 40 * n:
        cand = np.column_stack([rng.uniform(minx, maxx, 20 * n), rng.uniform(miny, maxy, 20 * n)])
        inside = shapely.contains_xy(region, cand[:, 0], cand[:, 1])
        samples = np.vstack([samples, cand[inside]])
    centres = samples[rng.choice(len(samples), n, replace=False)]
    for _ in range(15):
        d = ((samples[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        nearest = d.argmin(axis=1)
        for k in range(n):
            members = samples[nearest == k]
            if len(members):
                centres[k] = members.mean(axis=0)
    return centres


def partition(region: Any, n: int, rng: np.random.Generator) -> list[Any]:
    if n == 1:
        return [region]
    centres = spread_points(region, n, rng)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=region)
    parts = [shapely.intersection(c, region) for c in cells.geoms]
    return [p for p in parts if not p.is_empty and p.area > 0]


def build_tree(outline: Any, grids: int, seed: int = 4104) -> list[tuple[int, int, str, Any]]:
    """(id, depth, kind, polygon) for district, streets, communities and grids, borders densified."""
    rng = np.random.default_rng(seed)
    nodes: list[tuple[int, int, str, Any]] = []
    per_community = np.full(80, grids // 80)
    per_community[: grids % 80] += 1
    counter = iter(range(1, 10_000_000))
    nodes.append((next(counter), 1, "district", outline))
    c_index = 0
    for street in partition(outline, 10, rng):
        nodes.append((next(counter), 2, "street", street))
        for community in partition(street, 8, rng):
            nodes.append((next(counter), 3, "community", community))
            count = int(per_community[min(c_index, 79)])
            c_index += 1
            for grid in partition(community, count, rng):
                nodes.append((next(counter), 4, "grid", grid))
    # Real boundaries follow streets and walls: ~25 m between vertices.
    return [(i, d, k, shapely.segmentize(g, 0.00025)) for i, d, k, g in nodes]


def install_in_memory_index(tree: list[tuple[int, int, str, Any]]) -> None:
    """Make the locator's process index the in-memory tree (no database is touched)."""
    from django.utils import timezone

    from wangge.territory import locator

    rows = {}
    for node_id, depth, kind, geom in tree:
        c = geom.representative_point()
        path = "0001" * depth
        rows[node_id] = (
            node_id,
            path,
            depth,
            0,
            f"{node_id:015d}",
            f"节点{node_id}",
            kind,
            c.x,
            c.y,
            0.0,
            True,
            timezone.now(),
        )
    index = locator.LocatorIndex(
        [t[0] for t in tree], [t[1] for t in tree], [t[3] for t in tree], rows=rows, stamp=("bench",)
    )
    locator.index_cache.set(index)


class Timer:
    """Wall-clock and CPU time of a block (CPU time is what one core delivers on a busy machine)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rates(self, n: int) -> str:
        return f"{n / self.cpu:>12,.0f}/s cpu {n / self.wall:>12,.0f}/s wall"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000, help="points for the batched lookup")
    parser.add_argument("--single", type=int, default=50_000, help="points for the one-at-a-time lookup")
    parser.add_argument("--grids", type=int, default=563)
    parser.add_argument("--from-db", action="store_true", help="read the tree from the database")
    parser.add_argument("--database-url", help="database for --from-db (default: DATABASE_URL / settings)")
    args = parser.parse_args()

    cpu = pin_to_one_core()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local" if args.from_db else "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    from wangge.core import geo
    from wangge.territory import locator

    settings.WANGGE_LOCATOR_RECHECK_SECONDS = 1e9  # measure lookups, not the staleness check

    t0 = time.perf_counter()
    if args.from_db:
        from wangge.territory.models import Territory

        district = Territory.objects.filter(code=DISTRICT).first()
        grid_count = Territory.objects.filter(code__startswith=DISTRICT, kind="grid").count()
        if district is None or not grid_count:
            sys.exit(f"the database holds no grids of {DISTRICT}; run `manage.py demo` or drop --from-db")
        locator.invalidate()
        locator.warm()
        outline = shape(district.geometry)
        source = f"database ({grid_count} grids of {DISTRICT})"
        index = locator.index_cache.peek()
        assert index is not None
        build_s = time.perf_counter() - t0
    else:
        outline, origin = district_outline(Path(settings.WANGGE_SHARED_DATA))
        tree = build_tree(outline, args.grids)
        built_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        install_in_memory_index(tree)
        build_s = time.perf_counter() - t1
        index = locator.index_cache.peek()
        assert index is not None
        grid_geoms = [g for _, _, k, g in tree if k == "grid"]
        vertices = np.mean([len(shapely.get_coordinates(g)) for g in grid_geoms])
        source = (
            f"in memory: {origin}, {sum(1 for t in tree if t[2] == 'grid')} grids / "
            f"{sum(1 for t in tree if t[2] == 'community')} communities / "
            f"{sum(1 for t in tree if t[2] == 'street')} streets, {vertices:.0f} vertices per grid on average "
            f"(tree cut in {built_s:.1f} s)"
        )

    levels = ", ".join(f"depth {lv.depth}: {len(lv.ids)}" for lv in index.levels)
    print(f"tree:        {source}")
    print(f"index:       {len(index)} polygons ({levels}), built in {build_s * 1000:.0f} ms")
    print(f"cpu:         pinned to core {cpu}" if cpu is not None else "cpu:         not pinned")

    rng = np.random.default_rng(20230701)
    minx, miny, maxx, maxy = outline.bounds
    lngs = rng.uniform(minx, maxx, args.points)
    lats = rng.uniform(miny, maxy, args.points)

    locator.locate_many(lngs[:1000], lats[:1000])  # warm-up
    with Timer() as batched:
        ids = locator.locate_ids_array(lngs, lats)
    inside = float((ids != locator.NOT_FOUND).mean())
    with Timer() as as_list_t:
        as_list = locator.locate_many(lngs, lats)
    assert len(as_list) == args.points

    g_lng, g_lat = geo.wgs84_to_gcj02_arrays(lngs, lats)
    with Timer() as gcj_t:
        gcj_ids = locator.locate_ids_array(g_lng, g_lat, crs="gcj02")
    agree = float((gcj_ids == ids).mean())

    n = min(args.single, args.points)
    xs, ys = lngs[:n].tolist(), lats[:n].tolist()
    with Timer() as single_t:
        single = [locator.locate_id(x, y) for x, y in zip(xs, ys, strict=True)]
    with Timer() as instance_t:
        nodes = [locator.locate(x, y) for x, y in zip(xs, ys, strict=True)]
    gx, gy = g_lng[:n].tolist(), g_lat[:n].tolist()
    with Timer() as single_gcj_t:
        for x, y in zip(gx, gy, strict=True):
            locator.locate_id(x, y, "gcj02")

    batch_ids = ids[:n].tolist()
    assert single == [None if i == locator.NOT_FOUND else i for i in batch_ids], "single and batched disagree"
    assert [None if x is None else x.pk for x in nodes] == single

    print(f"points:      {args.points:,} random in the district's bounding box, {inside:.1%} inside a polygon")
    print(f"batched:     locate_ids_array {batched.rates(args.points)}  ({batched.wall:.2f} s)")
    print(f"batched:     locate_many      {as_list_t.rates(args.points)}  (ids as a Python list)")
    print(f"batched:     gcj02 input      {gcj_t.rates(args.points)}  (datum inverse included, {agree:.4%} agree)")
    print(f"single:      locate_id        {single_t.rates(n)}  ({n:,} points)")
    print(f"single:      locate           {instance_t.rates(n)}  (returns a Territory, no query)")
    print(f"single:      gcj02 input      {single_gcj_t.rates(n)}")
    batched_rate, single_rate = args.points / batched.cpu, n / single_t.cpu
    verdict = "meets" if batched_rate >= AIM_BATCHED and single_rate >= AIM_SINGLE else "MISSES"
    print(f"aims:        >= {AIM_BATCHED:,}/s batched, >= {AIM_SINGLE:,}/s single (cpu time, one core): {verdict}")


if __name__ == "__main__":
    main()
