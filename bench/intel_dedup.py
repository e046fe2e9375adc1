"""Cost of the intake helpers: duplicate suggestions, hot issues and address matching.

    python bench/intel_dedup.py [--window 2000] [--queries 200] [--database-url sqlite:///var/bench-intel.sqlite3]

A district (990003, 4 communities side by side) receives ``--window`` cases over the 7 days before "now" and as many
the week before; half carry coordinates, half are hotline cases with an address only. Texts are the real
citizen messages of ../shared/data/appeals when present (else generated), bulk-inserted afresh on every
run. Prints:

* ``find_duplicates`` per new case (ms, median and 95th percentile): with coordinates (located into its
  community first, as intake does) and hotline cases with a community and an address only;
* ``hot_issues`` over the 7-day window (s);
* ``match_address`` per address against the district's names (ms), after the index is built.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import time

from _setup import ROOT, django_setup, engine

DISTRICT = "990003"
LNG0, LAT0 = 121.0, 31.0


def box(x: float, y: float, w: float, h: float) -> dict:  # type: ignore[type-arg]
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


def texts(n: int) -> list[tuple[str, str]]:
    path = ROOT.parent / "shared" / "data" / "appeals" / "unlabeled.csv"
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            rows = [(r["留言主题"].strip(), r["留言详情"].strip()[:600]) for r in csv.DictReader(f)]
    else:
        words = ["路灯不亮", "井盖缺失", "油烟扰民", "占道经营", "噪音扰民", "垃圾堆积", "违章搭建", "污水外溢"]
        rows = [(w, f"{w}，位置在{i}号楼附近，已持续{i % 9 + 1}天。") for i in range(400) for w in words]
    rng = random.Random(7)
    return [rows[rng.randrange(len(rows))] for _ in range(n)]


def build_district(window: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    district = Territory.objects.filter(code=DISTRICT).first()
    if district is None:
        district = Territory.objects.add_root(
            {"code": DISTRICT, "name": "基准二区", "kind": "district", "geometry": box(LNG0, LAT0, 0.2, 0.2)}
        )
        street = Territory.objects.add_child(
            district,
            {"code": f"{DISTRICT}001", "name": "基准街道", "kind": "street", "geometry": box(LNG0, LAT0, 0.2, 0.2)},
        )
        for i in range(4):
            Territory.objects.add_child(
                street,
                {
                    "code": f"{DISTRICT}001{i + 1:03d}",
                    "name": f"基准第{i + 1}社区",
                    "kind": "community",
                    "geometry": box(LNG0 + 0.05 * i, LAT0, 0.05, 0.2),
                },
            )
    street = Territory.objects.get(code=f"{DISTRICT}001")
    communities = list(Territory.objects.filter(code__startswith=f"{DISTRICT}001", kind="community"))
    WorkOrder.objects.filter(district=district).delete()  # fresh cases around this run's "now"
    now = timezone.now()
    rng = random.Random(11)
    rows = []
    for k, (title, description) in enumerate(texts(2 * window)):
        i = k % len(communities)
        located = k % 2 == 0
        rows.append(
            WorkOrder(
                tracking_code=f"BI{DISTRICT}{k:08d}",
                channel="h5" if located else "hotline",
                appeal_type="complaint",
                title=title[:200],
                description=description,
                lng=LNG0 + 0.05 * i + rng.random() * 0.05 if located else None,
                lat=LAT0 + rng.random() * 0.2 if located else None,
                address=f"{communities[i].name}{rng.randrange(1, 40)}号楼",
                district=district,
                street=street,
                community=communities[i],
                scope_path=communities[i].path,
                status="handling",
                received_at=now - dt.timedelta(seconds=rng.random() * 14 * 86400),
            )
        )
    WorkOrder.objects.bulk_create(rows, batch_size=2000)
    return district, now


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--window", type=int, default=2000, help="cases per 7-day window")
    parser.add_argument("--queries", type=int, default=200, help="duplicate look-ups and address matches")
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench-intel.sqlite3'}")
    args = parser.parse_args()
    django_setup(args.database_url)

    from wangge.intel.duplicates import Appeal, appeal_text, find_duplicates
    from wangge.intel.geocode import get_index, invalidate, match_address
    from wangge.intel.hotspots import hot_issues
    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    district, now = build_district(args.window)
    communities = list(Territory.objects.filter(code__startswith=f"{DISTRICT}001", kind="community"))
    print(f"engine={engine()} district={DISTRICT} cases/7 days={args.window}")

    rng = random.Random(3)
    subjects = texts(args.queries)
    for located in (True, False):
        times = []
        found = 0
        for title, description in subjects:
            text = appeal_text(title, description)
            t = time.perf_counter()
            if located:  # a new case with coordinates: located into its community first, as intake does
                subject = (text, LNG0 + rng.random() * 0.2, LAT0 + rng.random() * 0.2, now, district)
                found += len(find_duplicates(subject))
            else:
                k = rng.randrange(len(communities))
                address = f"{communities[k].name}{rng.randrange(1, 40)}号楼"
                found += len(
                    find_duplicates(
                        Appeal(text, None, None, now, district, community_id=communities[k].pk, address=address)
                    )
                )
            times.append((time.perf_counter() - t) * 1000)
        label = "with coordinates" if located else "address only"
        print(
            f"find_duplicates ({label}): median {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms, {found / len(times):.2f} suggestions per case"
        )

    t = time.perf_counter()
    issues = hot_issues(WorkOrder.objects.filter(district=district), start=now - dt.timedelta(days=7), end=now)
    print(f"hot_issues (7 days, {args.window} cases): {time.perf_counter() - t:.1f} s, {len(issues)} issues")

    invalidate()
    t = time.perf_counter()
    index = get_index()
    print(f"address index: {len(index.entries)} names, built in {(time.perf_counter() - t) * 1000:.0f} ms")
    times = []
    for i in range(args.queries):
        t = time.perf_counter()
        match_address(f"基准街道基准第{i % 4 + 1}社区{i % 40}号楼旁边", district=district)
        times.append((time.perf_counter() - t) * 1000)
    print(f"match_address: median {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms")


if __name__ == "__main__":
    main()
