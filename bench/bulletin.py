"""Time to produce a district's daily bulletin (日通报) over a large history.

    python bench/bulletin.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench --rows 1000000
    python bench/bulletin.py --database-url sqlite:///var/bench.sqlite3 --rows 20000

Reuses the benchmark district (990001 基准测试区) and its bulk-inserted history from bench/workflow.py
(rows are added only when fewer exist). Prints the median of --repeats runs for: computing the bulletin
(all measures, lists, hot spots), each of its parts, storing it (bulletin_generate, i.e. compute + write),
and rendering the .xlsx and the PDF; and the same for one street.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from _setup import django_setup, engine
from workflow import bench_district, fill_rows

from wangge.core.actors import SYSTEM


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=1_000_000, help="historical cases in the district")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--date", help="bulletin date (default: yesterday, local time)")
    args = parser.parse_args()
    django_setup(args.database_url)

    from django.utils import timezone

    from wangge.reports.pdf import font_name
    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    district = bench_district()
    t0 = time.perf_counter()
    total = fill_rows(district, args.rows)
    fill = time.perf_counter() - t0
    in_scope = WorkOrder.objects.filter(scope_path__startswith=district.path).count()
    print(f"engine={engine()} rows_in_district={in_scope} (target {total}, fill took {fill:.1f}s)")

    day = dt.date.fromisoformat(args.date) if args.date else timezone.localdate() - dt.timedelta(days=1)
    now = timezone.now()
    font_name()  # register the PDF font once, as a long-running worker would
    street = (
        Territory.objects.filter(path__startswith=district.path, kind="street")
        .order_by("path")
        .values_list("code", flat=True)
        .first()
    )
    bench_scope("district", district.code, day, now, args.repeats)
    if street:
        bench_scope("street", street, day, now, args.repeats)


def bench_scope(label: str, scope_code: str, day: dt.date, now: dt.datetime, r: int) -> None:
    from wangge.reports import bulletins
    from wangge.reports.pdf import bulletin_pdf
    from wangge.reports.services import bulletin_generate
    from wangge.reports.xlsx import bulletin_xlsx
    from wangge.workorders.measures import measures

    scope = bulletins.resolve_scope(scope_code)
    qs = scope.cases()
    start, end = bulletins.day_bounds(day)
    as_of = min(now, end)
    parts: dict[str, Callable[[], Any]] = {
        "totals_and_comparison": lambda: [
            measures(qs, *bulletins.day_bounds(day - dt.timedelta(days=k)), now=as_of) for k in (0, 1, 7)
        ],
        "units": lambda: bulletins._unit_rows(qs, start, end, as_of),
        "areas": lambda: bulletins._area_rows(qs, start, end, as_of, scope.area_group),
        "overdue": lambda: bulletins._overdue(qs, as_of),
        "supervised": lambda: bulletins._supervised(qs, start, end),
        "hotspots": lambda: bulletins._hotspots(qs, day),
    }
    for name, fn in parts.items():
        secs, _ = timed(fn, r)
        print(f"engine={engine()} {label}_part_{name}_seconds={secs:.3f}")
    secs, data = timed(lambda: bulletins.compute(scope, day, now=now), r)
    print(f"engine={engine()} {label}_compute_seconds={secs:.3f}")
    secs, bulletin = timed(lambda: bulletin_generate(actor=SYSTEM, date=day, scope_code=scope_code, now=now), r)
    print(f"engine={engine()} {label}_generate_seconds={secs:.3f} (version {bulletin.version})")
    xlsx_secs, xlsx = timed(lambda: bulletin_xlsx(bulletin), r)
    pdf_secs, pdf = timed(lambda: bulletin_pdf(bulletin), r)
    print(f"engine={engine()} {label}_xlsx_seconds={xlsx_secs:.3f} ({len(xlsx) // 1024} KiB)")
    print(f"engine={engine()} {label}_pdf_seconds={pdf_secs:.3f} ({len(pdf) // 1024} KiB)")
    print(
        f"engine={engine()} {label}_bulletin_total_seconds={secs + xlsx_secs + pdf_secs:.3f} "
        f"(received {data['totals']['received']}, due {data['totals']['due']}, "
        f"overdue listed {len(data['overdue']['rows'])} of {data['overdue']['total']})"
    )


if __name__ == "__main__":
    main()
