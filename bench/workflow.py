"""Closed-loop throughput and the cost of the measures.

    python bench/workflow.py --database-url sqlite:///var/bench.sqlite3 --cases 300
    python bench/workflow.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench --cases 300 --rows 1000000

Prints cases taken through the full loop per second (create → dispatch → accept → reply → verify_pass →
callback → close, each through the transition service) and, with --rows, the time to compute all measures for
a district holding that many historical cases (the rows are bulk-inserted once and kept for later runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from _setup import django_setup, engine


def sq(x: float, y: float, s: float) -> dict:  # type: ignore[type-arg]
    return {"type": "Polygon", "coordinates": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]}


def bench_district():  # type: ignore[no-untyped-def]
    from wangge.accounts.choices import UnitKind
    from wangge.accounts.models import Unit
    from wangge.territory.models import Territory
    from wangge.workcalendar.services import seed_calendar
    from wangge.workorders import catalog

    seed_calendar()
    catalog.category_seed()
    district = Territory.objects.filter(code="990001").first()
    if district is None:
        district = Territory.objects.add_root(
            {"code": "990001", "name": "基准测试区", "kind": "district", "geometry": sq(120, 30, 0.2)}
        )
        for i in range(2):
            street = Territory.objects.add_child(
                district,
                {
                    "code": f"990001{i + 1:03d}",
                    "name": f"基准街道{i + 1}",
                    "kind": "street",
                    "geometry": sq(120 + 0.1 * i, 30, 0.1),
                },
            )
            comm = Territory.objects.add_child(
                street,
                {
                    "code": f"{street.code}001",
                    "name": f"基准社区{i + 1}",
                    "kind": "community",
                    "geometry": sq(120 + 0.1 * i, 30, 0.1),
                },
            )
            for j in range(2):
                Territory.objects.add_child(
                    comm,
                    {
                        "code": f"{comm.code}{j + 1:03d}",
                        "name": f"基准网格{j + 1}",
                        "kind": "grid",
                        "geometry": sq(120 + 0.1 * i + 0.05 * j, 30, 0.05),
                    },
                )
        for k in range(8):
            Unit.objects.create(code=f"bench{k}", name=f"基准部门{k}", kind=UnitKind.DEPARTMENT, territory=district)
    from wangge.territory import locator

    locator.invalidate()
    return district


def full_loop(count: int, district) -> float:  # type: ignore[no-untyped-def]
    from wangge.accounts.models import Unit
    from wangge.demo.history import system_actor
    from wangge.workorders.models import Category
    from wangge.workorders.services import work_order_create, work_order_transition

    actor = system_actor()
    units = list(Unit.objects.filter(code__startswith="bench"))
    cats = list(Category.objects.filter(parent__isnull=False, category_set__is_active=True))
    rng = random.Random(1)
    started = time.perf_counter()
    for _ in range(count):
        wo = work_order_create(
            actor=actor,
            channel="hotline",
            appeal_type="complaint",
            title="基准工单",
            description="基准测试",
            category=rng.choice(cats),
            reporter_phone="13800001111",
            lng=120.01 + rng.random() * 0.18,
            lat=30.01 + rng.random() * 0.08,
        )
        for name, payload in (
            ("dispatch", {"unit": rng.choice(units)}),
            ("accept", {}),
            ("reply", {"text": "已处理", "result": "resolved"}),
            ("verify_pass", {}),
            ("callback", {"rating": 5, "resolved": True}),
            ("close", {}),
        ):
            work_order_transition(actor=actor, work_order_id=wo.pk, name=name, **payload)
    return count / (time.perf_counter() - started)


def fill_rows(district, target: int) -> int:  # type: ignore[no-untyped-def]
    """Bulk-insert synthetic closed-loop rows (all fields a finished case carries) up to ``target``."""
    from django.utils import timezone

    from wangge.accounts.models import Unit
    from wangge.territory.models import Territory
    from wangge.workorders.models import Category, WorkOrder

    have = WorkOrder.objects.filter(district=district).count()
    if have >= target:
        refresh_statistics()
        return have
    grids = list(Territory.objects.filter(path__startswith=district.path, kind="grid"))
    chain = {g.pk: (g, Territory.objects.get(path=g.path[:12]), Territory.objects.get(path=g.path[:8])) for g in grids}
    units = list(Unit.objects.filter(code__startswith="bench"))
    cats = list(Category.objects.filter(parent__isnull=False, category_set__is_active=True))
    rng = random.Random(have)
    now = timezone.now()
    batch: list[WorkOrder] = []
    for i in range(have, target):
        grid, comm, street = chain[rng.choice(grids).pk]
        received = now - dt.timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
        dispatched = received + dt.timedelta(minutes=rng.randrange(5, 120))
        due = dispatched + dt.timedelta(days=rng.choice([1, 3, 7, 15]))
        replied = dispatched + dt.timedelta(hours=rng.expovariate(1 / 60))
        state = rng.random()
        closed = replied + dt.timedelta(hours=30) if state < 0.9 else None
        rating = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 6, 4])[0] if closed else None
        batch.append(
            WorkOrder(
                tracking_code=f"B{i:011d}",
                channel="hotline",
                appeal_type="complaint",
                category=rng.choice(cats),
                title="历史工单",
                description="基准测试历史数据",
                territory=grid,
                grid=grid,
                community=comm,
                street=street,
                district=district,
                scope_path=grid.path,
                status="closed" if closed else "handling",
                assigned_unit=rng.choice(units),
                received_at=received,
                dispatched_at=dispatched,
                accepted_at=dispatched,
                replied_at=replied if closed else None,
                closed_at=closed,
                callback_at=closed,
                due_at=due,
                accepted_on_time=rng.random() < 0.93,
                handled_on_time=(replied <= due) if closed else None,
                handling_seconds=int((replied - dispatched).total_seconds()) if closed else None,
                return_count=int(rng.random() < 0.08),
                rework_count=int(rng.random() < 0.05),
                extension_count=int(rng.random() < 0.06),
                reopen_count=int(rng.random() < 0.02),
                rating=rating,
                resolved=(rating or 0) >= 3 if closed else None,
            )
        )
        if len(batch) == 10000:
            WorkOrder.objects.bulk_create(batch)
            batch = []
    if batch:
        WorkOrder.objects.bulk_create(batch)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE workorders_workorder")
    return target


def refresh_statistics() -> None:
    """VACUUM ANALYZE the cases when autovacuum would have (PostgreSQL only).

    Kept rows may have been rewritten since they were inserted: ``manage.py demo`` adding 平顶山 as a root
    renumbers the tree, and every case's ``scope_path`` is updated. With autovacuum off (as on some bench
    servers) the planner then keeps statistics that describe none of the current paths and picks plans no
    production server (autovacuum on) would run. Same thresholds as autovacuum's defaults: 10 % of the rows
    changed since the last analyze, 20 % dead.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT n_live_tup, n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables "
            "WHERE relname = 'workorders_workorder'"
        )
        row = cur.fetchone()
        if row is None:
            return
        live, dead, changed = row
        if changed > 0.1 * live + 50 or dead > 0.2 * live + 50:
            t0 = time.perf_counter()
            cur.execute("VACUUM ANALYZE workorders_workorder")
            print(
                f"statistics: VACUUM ANALYZE workorders_workorder ({changed} rows changed, {dead} dead of {live}) "
                f"took {time.perf_counter() - t0:.1f}s"
            )


def time_measures(district, repeats: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from wangge.workorders.measures import measures
    from wangge.workorders.models import WorkOrder

    end = timezone.now()
    start = end - dt.timedelta(days=365)
    qs = WorkOrder.objects.filter(scope_path__startswith=district.path)
    out: dict[str, float] = {}
    for label, group in (("total", None), ("by_street", "street"), ("by_unit", "unit"), ("by_category", "category")):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            measures(qs, start, end, group_by=group)
            times.append(time.perf_counter() - t0)
        out[label] = statistics.median(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rows", type=int, default=0, help="historical cases for the measures timing (e.g. 1000000)")
    args = parser.parse_args()
    django_setup(args.database_url)
    district = bench_district()
    rate = full_loop(args.cases, district)
    print(f"engine={engine()} full_loop_cases_per_second={rate:.1f} (cases={args.cases}, 7 writes each)")
    if args.rows:
        t0 = time.perf_counter()
        total = fill_rows(district, args.rows)
        print(f"engine={engine()} rows_in_district={total} (fill took {time.perf_counter() - t0:.1f}s)")
        for label, secs in time_measures(district).items():
            print(f"engine={engine()} measures_{label}_seconds={secs:.3f}")


if __name__ == "__main__":
    main()
