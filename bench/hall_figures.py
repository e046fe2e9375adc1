"""The hall figures of a month: 50,000 applications (办件) in one month, then the month's figures computed.

    python bench/hall_figures.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench_hall
    python bench/hall_figures.py --database-url sqlite:///var/bench_hall.sqlite3 --applications 50000

Builds (bulk) a district with 3 halls, 30 windows, 60 staff, 120 items and ``--applications`` 办件 received in
one month — most finished, some rejected, withdrawn, open or overdue — then times ``hall.selectors.figures``
for the month: the totals and each grouping (hall, department, item, window, staff), several runs each. Prints
the best and median seconds per call and ``figures_month_s=`` (the slowest grouping's median; target ≤ 1 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from _setup import django_setup, engine


def build(n: int, month: dt.date) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wangge.accounts.models import Unit
    from wangge.hall.models import Application, Hall, Item, Window
    from wangge.territory.models import Territory

    User = get_user_model()
    tz = timezone.get_current_timezone()
    territory = Territory.objects.filter(code="BENCHH").first() or Territory.objects.add_root(
        create_kwargs={"code": "BENCHH", "name": "办件测试区", "kind": "district"}
    )
    Application.objects.filter(hall__code__startswith="BH-").delete()
    Window.objects.filter(hall__code__startswith="BH-").delete()
    Hall.objects.filter(code__startswith="BH-").delete()
    Item.objects.filter(code__startswith="BH-").delete()
    units = [
        Unit.objects.get_or_create(
            code=f"BH-U{k}", defaults={"name": f"测试部门{k}", "kind": "department", "territory": territory}
        )[0]
        for k in range(8)
    ]
    rng = random.Random(20260601)
    items = Item.objects.bulk_create(
        [
            Item(
                code=f"BH-{k:04d}",
                name=f"测试事项{k}",
                department=units[k % len(units)],
                kind="public_service",
                handling_type="promised" if k % 3 else "immediate",
                legal_limit_days=20 if k % 3 else 0,
                promised_limit_days=5 if k % 3 else 0,
                online_depth=str(1 + k % 4),
                modes=["online"] if k % 2 else ["appointment"],
            )
            for k in range(120)
        ]
    )
    items = list(Item.objects.filter(code__startswith="BH-"))
    halls = [
        Hall.objects.create(code=f"BH-{h}", name=f"测试大厅{h}", kind="district", territory=territory) for h in range(3)
    ]
    windows = [
        Window.objects.create(hall=halls[w % 3], number=f"{w:02d}", name=f"窗口{w}", kind="comprehensive")
        for w in range(30)
    ]
    staff = []
    for s in range(60):
        user = User.objects.filter(username=f"bench_hall_{s}").first()
        if user is None:
            user = User(username=f"bench_hall_{s}", display_name=f"窗口人员{s}")
            user.set_unusable_password()
            user.save()
        staff.append(user)
    first = dt.datetime.combine(month, dt.time(9), tzinfo=tz)
    rows = []
    for k in range(n):
        item = items[rng.randrange(len(items))]
        window = windows[rng.randrange(len(windows))]
        received = first + dt.timedelta(days=rng.randrange(28), minutes=rng.randrange(480))
        draw = rng.random()
        status = (
            "finished" if draw < 0.93 else "rejected" if draw < 0.95 else "withdrawn" if draw < 0.96 else "accepted"
        )
        promised = item.promised_limit_days
        used = round(rng.uniform(0.2, 1.2) * promised, 2) if status == "finished" and promised else None
        rows.append(
            Application(
                code=f"BH{k:010d}",
                item=item,
                department_id=item.department_id,
                hall_id=window.hall_id,
                window=window,
                staff=staff[rng.randrange(len(staff))],
                channel="window",
                applicant_name="申请人",
                status=status,
                received_at=received,
                accepted_at=received if status != "rejected" else None,
                finished_at=received + dt.timedelta(days=2) if status == "finished" else None,
                promised_days=promised,
                due_at=received + dt.timedelta(days=7),
                elapsed_working_days=used,
                is_overdue=(used or 0) > promised or (status == "accepted" and rng.random() < 0.3),
                is_synthetic=True,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    django_setup(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from wangge.hall.models import Application
    from wangge.hall.selectors import GROUPS, figures

    month = dt.date(2026, 6, 1)
    started = time.perf_counter()
    build(args.applications, month)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE hall_application")
    print(f"engine={engine()} applications={args.applications} build_s={time.perf_counter() - started:.1f}")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(dt.date(2026, 7, 1), dt.time.min, tzinfo=tz)
    qs = Application.objects.filter(hall__code__startswith="BH-")
    medians = {}
    for by in (None, *GROUPS):
        times = []
        for _run in range(args.runs):
            t = time.perf_counter()
            data = figures(qs, start=start, end=end, by=by)
            times.append(time.perf_counter() - t)
        medians[by or "total"] = statistics.median(times)
        total = data["total"]
        print(
            f"by={by or 'total':<10} rows={len(data['rows']):>4} best_s={min(times):.3f}"
            f" median_s={statistics.median(times):.3f}"
            f"  received={total['received']} finished={total['finished']} overdue={total['overdue']}"
            f" finish_rate={total['finish_rate']} speedup={total['speedup']}"
        )
    print(f"figures_month_s={max(medians.values()):.3f}")


if __name__ == "__main__":
    main()
