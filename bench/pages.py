"""Server time of the staff pages with many cases: the case list (workbench) and the map data.

    python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench_pages --rows 100000
    python bench/pages.py --database-url sqlite:///var/bench-pages.sqlite3 --rows 20000

Fills the bench district with synthetic historical cases (bench/workflow.py ``fill_rows``: 90 % closed, 10 % in
handling), logs a district dispatcher in through Django's test Client and prints the median server time of each
request (the full Django stack: middleware, session, scope, query, template or JSON). Aim: < 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import django_setup, engine
from workflow import bench_district, fill_rows

REQUESTS = (
    ("home", "/"),
    ("workbench_my_queue", "/workbench/"),
    ("workbench_all_page1", "/workbench/?tab=all"),
    ("workbench_all_page50", "/workbench/?tab=all&page=50"),
    ("workbench_filtered", "/workbench/?tab=all&status=handling&clock=overdue"),
    ("map_cases_open", "/map/cases.json"),
    ("map_cases_all_capped", "/map/cases.json?scope=all"),
    ("map_outlines", "/map/territories.geojson"),
    ("map_grid_panel", None),
)


def dispatcher(district):  # type: ignore[no-untyped-def]
    from wangge.accounts.models import RoleGrant, User

    user, created = User.objects.get_or_create(
        username="bench_pages_dispatcher", defaults={"display_name": "基准派遣员"}
    )
    if created:
        RoleGrant.objects.create(user=user, role="dispatcher", territory=district)
    return user


def place_rows(district) -> None:  # type: ignore[no-untyped-def]
    """The bulk rows carry no position and no step clock: scatter them over the bench district
    (120.0-120.2, 30.0-30.1) and give the open ones the clock of their handling step (warning at 80 %)."""
    from django.db import connection

    pg = connection.vendor == "postgresql"
    rnd = "random()" if pg else "(abs(random()) % 1000000) / 1000000.0"
    warn = "due_at - (due_at - accepted_at) * 0.2" if pg else "due_at"
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE workorders_workorder SET lng = 120.0 + 0.2 * {rnd}, lat = 30.0 + 0.1 * {rnd} "
            "WHERE district_id = %s AND lng IS NULL",
            [district.pk],
        )
        cur.execute(
            f"UPDATE workorders_workorder SET step_started_at = accepted_at, step_due_at = due_at, "
            f"step_warn_at = {warn} WHERE district_id = %s AND status <> 'closed' AND step_due_at IS NULL",
            [district.pk],
        )
        if pg:
            cur.execute("ANALYZE workorders_workorder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    django_setup(args.database_url)
    from django.test import Client

    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    district = bench_district()
    t0 = time.perf_counter()
    total = fill_rows(district, args.rows)
    print(f"engine={engine()} cases_in_district={total} (fill took {time.perf_counter() - t0:.1f}s)")
    place_rows(district)
    open_cases = WorkOrder.objects.filter(district=district).exclude(status="closed").count()
    print(f"engine={engine()} open_cases={open_cases}")
    grid = Territory.objects.filter(path__startswith=district.path, kind="grid").first()
    client = Client(SERVER_NAME="localhost")
    client.force_login(dispatcher(district))
    for label, path in REQUESTS:
        url = path or f"/map/territory/{grid.pk}/"
        response = client.get(url)  # warm-up (locator, caches, connection)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        size = len(response.content)
        print(
            f"engine={engine()} {label}_ms={statistics.median(times) * 1000:.1f} "
            f"(max {max(times) * 1000:.1f}, {size / 1024:.0f} KiB, {url})"
        )


if __name__ == "__main__":
    main()
