"""Call-next latency: a day of 2,000 waiting tickets in one hall, 20 windows calling at once (threads).

    python bench/callnext.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench [--tickets 2000]
    python bench/callnext.py --database-url sqlite:///var/bench_queue.sqlite3

Each of the 20 windows (4 groups, 5 windows each) calls, finishes, and calls again until its queue is empty
(a burst: every window calling back to back, ~100 calls a second on two cores), through ``window_call_next``
(``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, a conditional claim on SQLite)
and ``window_finish``. Prints p50/p95 of the call-next calls in ms (target p95 ≤ 50 ms) and checks that no ticket
was called twice.

``--pace S`` makes each window wait an exponentially distributed time of mean S seconds before each call and stop
after ``--calls`` calls: 20 windows calling at a stated rate (``--pace 2`` is ten calls a second for the hall,
about fifty times a busy hall's real rate, where a window calls once per service of a few minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import threading
import time

from _setup import django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--pace", type=float, default=0.0, help="mean seconds between a window's calls (0: burst)")
    parser.add_argument("--calls", type=int, default=20, help="calls per window when paced")
    args = parser.parse_args()
    django_setup(args.database_url)
    from django.conf import settings
    from django.db import connection, connections
    from django.utils import timezone

    from wangge.core.actors import SystemActor
    from wangge.hall.models import Hall, Window
    from wangge.queueing.models import ItemGroup, Ticket, WindowGroup
    from wangge.queueing.services import window_call_next, window_finish
    from wangge.territory.models import Territory

    settings.WANGGE_QUEUE_TIDAL_SECONDS = 30
    actor = SystemActor("bench")
    territory = Territory.objects.filter(code="BENCHQ").first() or Territory.objects.add_root(
        create_kwargs={"code": "BENCHQ", "name": "叫号测试区", "kind": "district"}
    )
    Ticket.objects.filter(hall__code="BENCHQ").delete()  # the tickets protect their groups
    Hall.objects.filter(code="BENCHQ").delete()
    hall = Hall.objects.create(code="BENCHQ", name="叫号测试大厅", kind="district", territory=territory)
    groups = [ItemGroup.objects.create(hall=hall, prefix=p, name=f"业务{p}") for p in "ABCD"]
    windows = []
    for i in range(args.windows):
        w = Window.objects.create(hall=hall, number=f"{i + 1}", name=f"窗口{i + 1}", kind="comprehensive")
        WindowGroup.objects.create(window=w, group=groups[i % len(groups)])
        windows.append(w)
    now = timezone.now()
    day = timezone.localdate(now)
    Ticket.objects.bulk_create(
        [
            Ticket(
                hall=hall,
                group=groups[i % len(groups)],
                day=day,
                seq=i // len(groups) + 1,
                number=f"{groups[i % len(groups)].prefix}{i // len(groups) + 1:03d}",
                token=f"bench{i:07d}",
                source="kiosk",
                is_booked=i % 25 == 0,
                issued_at=now - dt.timedelta(seconds=args.tickets - i),
            )
            for i in range(args.tickets)
        ],
        batch_size=500,
    )
    solo: list[float] = []
    for _k in range(30):  # one window alone first: the cost of a call without contention
        t0 = time.perf_counter()
        window_call_next(actor=actor, window=windows[0])
        solo.append((time.perf_counter() - t0) * 1000)
        window_finish(actor=actor, window=windows[0])
    timings: list[float] = []
    called: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(len(windows))

    def worker(w: Window) -> None:
        rng = random.Random(w.pk)
        start.wait()
        made = 0
        try:
            while not args.pace or made < args.calls:
                if args.pace:
                    time.sleep(rng.expovariate(1 / args.pace))
                made += 1
                t0 = time.perf_counter()
                try:
                    t = window_call_next(actor=actor, window=w)
                except Exception as exc:  # the queue is empty
                    if getattr(exc, "code", "") == "no_ticket":
                        return
                    raise
                spent = (time.perf_counter() - t0) * 1000
                window_finish(actor=actor, window=w)
                with lock:
                    timings.append(spent)
                    called.append(t.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(w,)) for w in windows]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"load_average_1min={os.getloadavg()[0]:.1f} cpus={os.cpu_count()}")
    mode = f"paced mean {args.pace:g} s" if args.pace else "burst"
    print(f"engine={connection.vendor} tickets={args.tickets} windows={len(windows)} calls={len(timings)} mode={mode}")
    print(f"duplicates={len(called) - len(set(called))} wall={wall:.1f}s")
    print(f"solo_call_next_p50_ms={statistics.median(solo):.1f}")
    print(f"call_next_p50_ms={statistics.median(timings):.1f}")
    print(f"call_next_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
