"""The map's answers on a demo database: 地图搜索 (``web:map_search``), the name of a picked position
(``web:map_place``) and a tile of the platform's own MBTiles file (``web:basemap_tile``), each through Django's
test client (middleware, scope, JSON), timed over ``--repeat`` requests after a warm-up.

    python bench/maps.py --database-url sqlite:////tmp/maps.sqlite3 [--repeat 200] [--user demo_dispatcher]

The database must hold ``manage.py demo`` (卫东区's territories, points, ledgers, cases). The MBTiles file is
made here: every tile of 卫东区 at zooms 12–16 (a few hundred PNG tiles).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._setup import django_setup


def timed(fn: object, repeat: int) -> tuple[float, float, float]:
    call = fn  # type: ignore[assignment]
    for _ in range(min(10, repeat)):
        call()  # type: ignore[operator]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--user", default="demo_dispatcher")
    args = parser.parse_args()
    django_setup(args.database_url)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from PIL import Image

    from wangge.accounts.models import User
    from wangge.places.models import Point
    from wangge.territory.models import Territory
    from wangge.web.tests.maptiles import png, world_pixel, write_mbtiles
    from wangge.workorders.models import WorkOrder

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    grid = Territory.objects.filter(kind="grid", code__startswith="410403").order_by("code").first()
    assert grid is not None, "no demo grid: run manage.py demo first"
    point = Point.objects.order_by("pk").first()
    case = WorkOrder.objects.order_by("pk").first()
    queries = {
        "grid name": grid.name,
        "grid code": grid.code,
        "street word": "街道",
        "point name": point.name if point else "停车场",
        "address word": "路",
        "tracking code": case.tracking_code if case else "WG25",
        "nothing": "不存在的地名",
    }
    print(f"user {args.user}; {args.repeat} requests each; milliseconds: median / p95 / max")
    for label, q in queries.items():
        count = len(client.get("/map/search.json", {"q": q}).json()["results"])
        med, p95, top = timed(lambda q=q: client.get("/map/search.json", {"q": q}), args.repeat)
        print(f"  search {label:<14} {q[:18]:<20} {count:>3} results  {med:7.2f} / {p95:7.2f} / {top:7.2f}")

    lng, lat = grid.centroid_lng or 113.3, grid.centroid_lat or 33.8
    anon = Client()
    med, p95, top = timed(lambda: anon.get("/map/place.json", {"lng": str(lng), "lat": str(lat)}), args.repeat)
    print(f"  place name (public)                         {med:7.2f} / {p95:7.2f} / {top:7.2f}")

    with tempfile.TemporaryDirectory() as folder:
        tiles = {}
        for z in range(12, 17):
            x0, y0 = (int(v // 256) for v in world_pixel(113.26, 33.83, z))
            x1, y1 = (int(v // 256) for v in world_pixel(113.42, 33.73, z))
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    tiles[(z, x, y)] = png(Image.new("RGB", (256, 256), (230, 230, 220)))
        path = write_mbtiles(Path(folder) / "bench.mbtiles", tiles)
        keys = sorted(tiles)
        with override_settings(WANGGE_MAP_MBTILES=str(path), WANGGE_MAP_BASEMAP="mbtiles"):
            state = {"i": 0}

            def one() -> None:
                z, x, y = keys[state["i"] % len(keys)]
                state["i"] += 1
                assert anon.get(f"/map/tiles/{z}/{x}/{y}.png").status_code == 200

            med, p95, top = timed(one, args.repeat)
            print(f"  tile of {len(keys)} in the file                   {med:7.2f} / {p95:7.2f} / {top:7.2f}")
            etag = anon.get(f"/map/tiles/{keys[0][0]}/{keys[0][1]}/{keys[0][2]}.png")["ETag"]
            url = f"/map/tiles/{keys[0][0]}/{keys[0][1]}/{keys[0][2]}.png"
            med, p95, top = timed(lambda: anon.get(url, HTTP_IF_NONE_MATCH=etag), args.repeat)
            print(f"  tile revalidated (304)                      {med:7.2f} / {p95:7.2f} / {top:7.2f}")


if __name__ == "__main__":
    main()
