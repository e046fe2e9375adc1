"""A red warning over a whole district: fan-out and the live coverage page.

    python bench/warnings.py --database-url sqlite:////tmp/bench-warnings.sqlite3
    python bench/warnings.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench_warnings

Builds (once, kept for later runs) a district of 563 grids with 833 grid workers, 105 point responsible persons
(by name and phone, no account) and 50,000 households each with a head whose phone is on record. Then:

- ``fanout_seconds``: a red 暴雨 warning over the district is issued (the service) and fanned out (the
  ``warning_fan_out`` task run in-process: every delivery row written in bulk, the robots told, one
  ``warning_send_batch`` task enqueued per 500 rows on the configured task backend). Target ≤ 10 s.
- ``coverage_page_ms_median`` / ``_p95`` (the warning page) and ``coverage_fragment_ms_median`` / ``_p95`` (the
  block htmx polls), server time through Django's test Client, while another process acknowledges (收到, the
  service) at ``--ack-rate`` per second. Target ≤ 300 ms.
- with ``--send N``: N send batches run in-process (inbox and SMS outbox), ``send_rows_per_second``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

from _setup import django_setup, engine

CODE = "990063"
GRIDS = 563
WORKERS = 833
POINTS = 105
HOUSEHOLDS = 50_000


def build() -> object:  # type: ignore[no-untyped-def]
    from wangge.accounts.models import RoleGrant, User
    from wangge.core.crypto import blind_index
    from wangge.ledgers.models import Household, Resident
    from wangge.places.models import Point, PointType
    from wangge.territory.models import Territory

    district = Territory.objects.filter(code=CODE).first()
    if district is not None:
        return district
    t0 = time.perf_counter()
    district = Territory.objects.add_root({"code": CODE, "name": "预警基准区", "kind": "district"})
    grids = []
    per_street, per_community = 8, 10  # 8 streets × 8 communities × ~9 grids
    n = 0
    for s in range(per_street):
        street = Territory.objects.add_child(
            district, {"code": f"{CODE}{s + 1:03d}", "name": f"基准街道{s + 1}", "kind": "street"}
        )
        for c in range(per_community - 2):
            community = Territory.objects.add_child(
                street, {"code": f"{street.code}{c + 1:03d}", "name": f"基准社区{s + 1}-{c + 1}", "kind": "community"}
            )
            for g in range(max(0, min(9, GRIDS - n))):
                grids.append(
                    Territory.objects.add_child(
                        community,
                        {"code": f"{community.code}{g + 1:03d}", "name": f"基准网格{n + 1}", "kind": "grid"},
                    )
                )
                n += 1
    users = User.objects.bulk_create(
        [User(username=f"bench_warn_worker_{i}", display_name=f"网格员{i}", password="!") for i in range(WORKERS)]
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role="grid_worker", territory=grids[i % len(grids)]) for i, u in enumerate(users)]
    )
    ptype, _ = PointType.objects.get_or_create(key="underpass", defaults={"name": "下穿通道", "is_hazard": True})
    Point.objects.bulk_create(
        [
            Point(
                code=f"BW-{i:04d}",
                name=f"基准点位{i}",
                type=ptype,
                lng=120.0,
                lat=30.0,
                grid=grids[i * 5 % len(grids)],
                territory=grids[i * 5 % len(grids)],
                responsible_name=f"责任人{i}",
                responsible_phone=f"139{i:08d}",
                responsible_phone_index=blind_index(f"139{i:08d}"),
            )
            for i in range(POINTS)
        ]
    )
    for start in range(0, HOUSEHOLDS, 5000):
        chunk = range(start, min(start + 5000, HOUSEHOLDS))
        homes = Household.objects.bulk_create(
            [Household(code=f"BW{i:06d}", grid=grids[i % len(grids)], is_synthetic=True) for i in chunk]
        )
        heads = Resident.objects.bulk_create(
            [
                Resident(
                    name=f"户主{i}",
                    grid=h.grid,
                    household=h,
                    relation="head",
                    phone=f"137{i:08d}",
                    phone_index=blind_index(f"137{i:08d}"),
                    is_synthetic=True,
                )
                for i, h in zip(chunk, homes, strict=True)
            ]
        )
        for h, r in zip(homes, heads, strict=True):
            h.head = r
        Household.objects.bulk_update(homes, ["head"])
    print(f"build_seconds={time.perf_counter() - t0:.1f}")
    return district


def timed(client, url: str, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--ack-rate", type=float, default=50.0)
    parser.add_argument("--send", type=int, default=0, help="run this many send batches in-process")
    args = parser.parse_args()
    django_setup(args.database_url)

    from django.test import Client

    from wangge.accounts.models import User
    from wangge.core.actors import SystemActor
    from wangge.emergency import tasks
    from wangge.emergency.models import WarningDelivery
    from wangge.emergency.selectors import coverage
    from wangge.emergency.services import warning_acknowledge, warning_issue
    from wangge.emergency.services.fanout import pending_ranges

    district = build()
    actor = SystemActor("bench")
    t0 = time.perf_counter()
    warning = warning_issue(
        actor=actor,
        hazard_type="rainstorm",
        level="red",
        text="基准测试：红色暴雨预警",
        nodes=[district],
        fan_out=False,
    )
    rows = tasks.warning_fan_out.call(warning.pk, warning.revision)
    fanout = time.perf_counter() - t0
    batches = len(pending_ranges(warning, 500))
    print(f"engine={engine()} grids={GRIDS} workers={WORKERS} points={POINTS} households={HOUSEHOLDS}")
    print(f"deliveries={rows}")
    print(f"send_batches_queued={batches}")
    print(f"fanout_seconds={fanout:.2f}")

    admin, _ = User.objects.get_or_create(
        username="bench_warn_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    page = f"/emergency/warnings/{warning.pk}/"
    fragment = f"/emergency/warnings/{warning.pk}/coverage/"
    timed(client, page, 2)  # warm-up

    recipients = list(
        WarningDelivery.objects.filter(warning=warning, must_ack=True).values_list("recipient_id", flat=True)
    )
    # The acknowledgements come from another process, as from other web workers: a thread of this interpreter
    # would share its lock with the page renders being timed.
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    acked = ctx.Value("i", 0)

    def acknowledge() -> None:
        from django.db import connections

        connections.close_all()
        users = User.objects.in_bulk(recipients)
        interval = 1.0 / args.ack_rate
        next_at = time.perf_counter()
        for uid in recipients:
            if stop.is_set():
                break
            warning_acknowledge(actor=users[uid], warning=warning.pk)
            with acked.get_lock():
                acked.value += 1
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        connections.close_all()

    from django.db import connections

    connections.close_all()
    worker = ctx.Process(target=acknowledge, daemon=True)
    t1 = time.perf_counter()
    worker.start()
    time.sleep(1.0)  # the acknowledgements are under way
    pages = timed(client, page, args.requests)
    fragments = timed(client, fragment, args.requests)
    elapsed = time.perf_counter() - t1
    stop.set()
    worker.join()
    done = acked.value
    print(f"acks_during_requests={done} ack_rate_achieved={done / elapsed:.1f}")
    for name, values in (("coverage_page", pages), ("coverage_fragment", fragments)):
        values.sort()
        print(f"{name}_ms_median={statistics.median(values):.1f}")
        print(f"{name}_ms_p95={values[int(0.95 * (len(values) - 1))]:.1f}")
    t2 = time.perf_counter()
    c = coverage(warning)
    print(f"coverage_selector_ms={(time.perf_counter() - t2) * 1000:.1f}")
    print(f"acknowledged={c['acknowledged']} must_ack={c['must_ack']} households={c['households']['total']}")

    if args.send:
        t3 = time.perf_counter()
        sent = 0
        for first, last in pending_ranges(warning, 500)[: args.send]:
            sent += tasks.warning_send_batch.call(warning.pk, warning.revision, first, last)
        print(f"send_rows={sent} send_rows_per_second={sent / (time.perf_counter() - t3):.0f}")


if __name__ == "__main__":
    main()
