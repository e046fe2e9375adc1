"""The API layer's cost: the platform's intake and list APIs beside a bare Django + REST framework baseline.

    python bench/api.py                                  # 100,000 cases, 10 s per phase
    python bench/api.py --duration 20 --clients 8 --cases 100000 --other-rows 59000
    python bench/api.py --phases rest_intake,rest_list   # some phases only (the bare ones always run)
    python bench/api.py --profile 300                    # also profile the intake paths in-process (cProfile)

Prepares the database (created if missing, migrated, ``manage.py demo``), fills the demo district 卫东区 up to
``--cases`` cases, creates an Open311 api_key and a district dispatcher with an API token, starts gunicorn
(gthread workers, keep-alive) on 127.0.0.1 with throttling switched off and the bare views of
bench/bare_api.py in front of the platform's URLs, then for each phase keeps ``--clients`` threads sending
requests over keep-alive connections for ``--duration`` seconds (after ``--warmup``):

    bare_insert     POST /bare/cases/                 a serializer and one INSERT into a small table of its own
    bare_list       GET  /bare/cases/?page=N          50 of its (--cases) rows, newest first
    open311         POST /open311/v2/requests.json    a service request (api_key)
    rest_intake     POST /api/work-orders/            受理 by the dispatcher (token)
    rest_list       GET  /api/work-orders/            the dispatcher's first page
    rest_filtered   GET  /api/work-orders/?status=handling
    then another district gets --other-rows cases newer than all of 卫东区's, and the two lists run again
    (rest_list_other, rest_filtered_other): a user's list must cost what their own scope holds.

Prints each rate with its latency percentiles and its ratio to the bare insert (intakes) or the bare list
(lists), the server, database and client CPU per request (and the ratio of those CPU costs: on a machine that
others share, the rates move with their load, the CPU per request much less), and stops the server.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import io
import json
import os
import pstats
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _setup import ROOT, django_setup

from wangge.core.actors import SYSTEM

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/wangge_bench_api"
JURISDICTION = "410403"
APP_NAME = "wangge-api-bench"
SETTINGS = f'''"""Settings of the API bench server: local settings without throttling, the bare views in front."""
from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bare_api"
WANGGE_OPEN311_THROTTLE_KEY = None
WANGGE_OPEN311_THROTTLE_IP = None
REST_FRAMEWORK = {{**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}}  # noqa: F405
LOGGING = {{  # server errors with their tracebacks on stderr, nothing else
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {{"stderr": {{"class": "logging.StreamHandler", "level": "ERROR"}}}},
    "root": {{"level": "WARNING", "handlers": ["stderr"]}},
}}
DATABASES["default"].setdefault("OPTIONS", {{}})["application_name"] = "{APP_NAME}"  # noqa: F405
'''
PHASES = (
    "bare_insert",
    "bare_list",
    "open311",
    "rest_intake",
    "rest_list",
    "rest_filtered",
    "rest_list_other",
    "rest_filtered_other",
)
FILTER = "status=handling"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Fixture:
    """What the requests need: the api_key, service codes, grid points, category ids, the dispatcher's token."""

    raw_key: str
    codes: list[str]
    points: list[tuple[float, float]]
    category_ids: list[int]
    token: str


def prepare(*, skip_demo: bool, cases: int) -> Fixture:
    """Demo district filled up to ``cases`` cases, a fresh api_key, a dispatcher with a token, the bare table."""
    from bare_api import ensure_table
    from django.core.management import call_command
    from knox.models import AuthToken
    from shapely.geometry import shape

    from wangge.accounts.models import RoleGrant, User
    from wangge.open311.selectors import service_categories
    from wangge.open311.services import apikey_create
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.models import Territory
    from wangge.workorders.models import Category

    if not skip_demo or not Territory.objects.filter(code=JURISDICTION).exists():
        t0 = time.perf_counter()
        call_command("demo", stdout=io.StringIO())
        print(f"demo data ready in {time.perf_counter() - t0:.1f} s")
    district = Territory.objects.get(code=JURISDICTION)
    fx = Fixture()
    _key, fx.raw_key = apikey_create(actor=SYSTEM, name=f"bench {time.strftime('%Y-%m-%d %H:%M:%S')}")
    fx.codes = [c.code for c in service_categories()]
    fx.category_ids = list(
        Category.objects.filter(category_set__is_active=True, is_active=True, parent__isnull=False).values_list(
            "pk", flat=True
        )
    )
    rng = random.Random(311)
    fx.points = []
    grids = Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID).exclude(geometry=None)
    for grid in grids:
        geom = shape(grid.geometry)
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(50):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if geom.contains(shape({"type": "Point", "coordinates": [x, y]})):
                fx.points.append((x, y))
                break
    user, created = User.objects.get_or_create(username="bench_api_dispatcher", defaults={"display_name": "基准派遣员"})
    if created:
        RoleGrant.objects.create(user=user, role="dispatcher", territory=district)
    _token, fx.token = AuthToken.objects.create(user=user, expiry=dt.timedelta(hours=2))
    fill_district(district, cases)
    remove_other_rows()
    t0 = time.perf_counter()
    have = ensure_table(cases)
    print(f"bare table: {have} rows ({time.perf_counter() - t0:.1f} s)")
    return fx


def fill_district(district: Any, target: int) -> None:
    """Synthetic cases (90 % closed, 10 % in handling) over the past 400 days, up to ``target`` in the district."""
    from django.db import connection
    from django.utils import timezone

    from wangge.accounts.models import Unit
    from wangge.territory.models import Territory
    from wangge.workorders.models import Category, WorkOrder

    have = WorkOrder.objects.filter(district=district).count()
    if have >= target:
        print(f"{district.name}: {have} cases")
        return
    t0 = time.perf_counter()
    nodes = {t.path: t for t in Territory.objects.filter(path__startswith=district.path)}
    chains = []
    for node in nodes.values():
        if node.kind != "grid":
            continue
        up = {n.kind: n for p, n in nodes.items() if node.path.startswith(p)}
        chains.append((node, up.get("community"), up.get("street")))
    units: list[Any] = list(Unit.objects.all()[:20]) or [None]
    cats = list(Category.objects.filter(parent__isnull=False, category_set__is_active=True))
    rng = random.Random(have)
    now = timezone.now()
    batch: list[WorkOrder] = []
    for i in range(have, target):
        grid, comm, street = rng.choice(chains)
        received = now - dt.timedelta(minutes=rng.randrange(60, 400 * 24 * 60))
        dispatched = received + dt.timedelta(minutes=rng.randrange(5, 120))
        due = dispatched + dt.timedelta(days=rng.choice([1, 3, 7, 15]))
        replied = dispatched + dt.timedelta(hours=rng.expovariate(1 / 60))
        closed = replied + dt.timedelta(hours=30) if rng.random() < 0.9 else None
        batch.append(
            WorkOrder(
                tracking_code=f"A{district.code}{i:09d}",
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
                step_due_at=None if closed else due,
                handled_on_time=(replied <= due) if closed else None,
                rating=5 if closed else None,
            )
        )
        if len(batch) == 5000:
            WorkOrder.objects.bulk_create(batch)
            batch = []
    if batch:
        WorkOrder.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE workorders_workorder")
    print(f"{district.name}: filled {have} → {target} cases in {time.perf_counter() - t0:.1f} s")


def other_district() -> Any:
    from workflow import bench_district  # bench/workflow.py's 基准测试区

    return bench_district()


def remove_other_rows() -> None:
    from django.db import connection

    district = other_district()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM workorders_workorder WHERE district_id = %s", [district.pk])
        removed = cur.rowcount
        if removed:
            cur.execute("VACUUM ANALYZE workorders_workorder")
            print(f"removed the {removed} cases of {district.name}")


def add_other_rows(count: int) -> None:
    """``count`` cases in another district, all newer than every case of 卫东区 (copies of its rows, moved)."""
    from django.db import connection

    from wangge.territory.models import Territory
    from wangge.workorders.models import WorkOrder

    t0 = time.perf_counter()
    other = other_district()
    mine = Territory.objects.get(code=JURISDICTION)
    grid = Territory.objects.filter(path__startswith=other.path, kind="grid").order_by("path").first()
    assert grid is not None
    chain = {n.kind: n for n in Territory.objects.filter(path__in=[grid.path[:i] for i in range(1, len(grid.path))])}
    replaced = {
        "tracking_code": "'O' || lpad(w.g::text, 11, '0')",
        "district_id": "%(district)s",
        "street_id": "%(street)s",
        "community_id": "%(community)s",
        "grid_id": "%(grid)s",
        "territory_id": "%(grid)s",
        "scope_path": "%(path)s",
        "filed_by_id": "NULL",
        "point_id": "NULL",
        "parent_id": "NULL",
        "received_at": "%(base)s + (%(span)s * w.g / (%(count)s + 1))",
    }
    columns = [f.column for f in WorkOrder._meta.concrete_fields if f.column != "id"]
    select = ", ".join(replaced.get(c, f"w.{c}") for c in columns)
    with connection.cursor() as cur:
        cur.execute("SELECT max(received_at) FROM workorders_workorder WHERE district_id = %s", [mine.pk])
        base = cur.fetchone()[0]
        span = max(dt.datetime.now(dt.UTC) - base, dt.timedelta(seconds=1))
        cur.execute(
            f"INSERT INTO workorders_workorder ({', '.join(columns)}) "
            f"SELECT {select} FROM (SELECT row_number() OVER () AS g, * FROM workorders_workorder "
            f"WHERE district_id = %(mine)s LIMIT %(count)s) AS w",
            {
                "district": other.pk,
                "street": chain["street"].pk,
                "community": chain["community"].pk,
                "grid": grid.pk,
                "path": grid.path,
                "base": base,
                "span": span,
                "count": count,
                "mine": mine.pk,
            },
        )
        added = cur.rowcount
        cur.execute("VACUUM ANALYZE workorders_workorder")
    took = time.perf_counter() - t0
    print(f"added {added} cases in {other.name}, newer than every case of {mine.name} ({took:.1f} s)")


# --- requests ------------------------------------------------------------------------------------

Request = tuple[str, str, bytes | None, dict[str, str]]
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
JSON = {"Content-Type": "application/json"}


def open311_bodies(fx: Fixture, count: int) -> list[bytes]:
    rng = random.Random(2026)
    out = []
    for i in range(count):
        lng, lat = rng.choice(fx.points)
        out.append(
            urllib.parse.urlencode(
                {
                    "api_key": fx.raw_key,
                    "jurisdiction_id": JURISDICTION,
                    "service_code": rng.choice(fx.codes),
                    "lat": f"{lat:.7f}",
                    "long": f"{lng:.7f}",
                    "description": f"基准测试诉求 {i}：路口附近的问题需要处理。",
                    "phone": f"139{rng.randrange(10**8):08d}",
                    "media_url": f"https://img.example.com/{i}.jpg",
                }
            ).encode()
        )
    return out


def rest_bodies(fx: Fixture, count: int) -> list[bytes]:
    rng = random.Random(2027)
    out = []
    for i in range(count):
        lng, lat = rng.choice(fx.points)
        out.append(
            json.dumps(
                {
                    "channel": "hotline",
                    "appeal_type": "complaint",
                    "title": f"基准测试工单 {i}",
                    "description": f"基准测试诉求 {i}：路口附近的问题需要处理。",
                    "category": rng.choice(fx.category_ids),
                    "reporter_name": "张三",
                    "reporter_phone": f"139{rng.randrange(10**8):08d}",
                    "lng": round(lng, 7),
                    "lat": round(lat, 7),
                },
                ensure_ascii=False,
            ).encode()
        )
    return out


def bare_bodies(count: int) -> list[bytes]:
    rng = random.Random(2028)
    return [
        json.dumps(
            {
                "title": f"基准测试工单 {i}",
                "description": f"基准测试诉求 {i}：路口附近的问题需要处理。",
                "lng": round(112.2 + rng.random() * 0.1, 7),
                "lat": round(35.6 + rng.random() * 0.1, 7),
            },
            ensure_ascii=False,
        ).encode()
        for i in range(count)
    ]


def phase_requests(fx: Fixture) -> dict[str, tuple[list[Request], int]]:
    """Each phase: the requests its clients cycle through and the status every answer must have."""
    auth = {"Authorization": f"Token {fx.token}"}
    lists: list[Request] = [("GET", "/api/work-orders/", None, auth)]
    filtered: list[Request] = [("GET", f"/api/work-orders/?{FILTER}", None, auth)]
    return {
        "bare_insert": ([("POST", "/bare/cases/", b, JSON) for b in bare_bodies(2000)], 201),
        "bare_list": ([("GET", "/bare/cases/", None, {})], 200),
        "open311": ([("POST", "/open311/v2/requests.json", b, FORM) for b in open311_bodies(fx, 2000)], 200),
        "rest_intake": ([("POST", "/api/work-orders/", b, {**JSON, **auth}) for b in rest_bodies(fx, 2000)], 201),
        "rest_list": (lists, 200),
        "rest_filtered": (filtered, 200),
        "rest_list_other": (lists, 200),
        "rest_filtered_other": (filtered, 200),
    }


# --- the server ----------------------------------------------------------------------------------


def start_server(
    database_url: str, port: int, workers: int, threads: int, settings_dir: str
) -> subprocess.Popen[bytes]:
    Path(settings_dir, "api_bench_settings.py").write_text(SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "api_bench_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT / "bench"), str(ROOT)]),
        "WANGGE_DEBUG": "0",
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bare/cases/")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not come up")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Load:
    """``clients`` threads, each on its own keep-alive connection, sending the phase's requests until the stop
    time; every answer must carry the phase's status."""

    def __init__(self, port: int, requests: list[Request], expect: int) -> None:
        self.port = port
        self.requests = requests
        self.expect = expect
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.sample = b""
        self.lock = threading.Lock()

    def run(self, clients: int, seconds: float, record: bool) -> float:
        stop_at = time.perf_counter() + seconds
        threads = [
            threading.Thread(target=self._client, args=(n, stop_at, record), daemon=True) for n in range(clients)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    def _client(self, n: int, stop_at: float, record: bool) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = n
        lat: list[float] = []
        errs: dict[str, int] = {}
        while time.perf_counter() < stop_at:
            method, path, body, headers = self.requests[i % len(self.requests)]
            i += 7919
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                errs[type(exc).__name__] = errs.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            lat.append(time.perf_counter() - t0)
            if status != self.expect:
                errs[f"HTTP {status}"] = errs.get(f"HTTP {status}", 0) + 1
                if not self.sample:
                    self.sample = data[:300]
        conn.close()
        if record:
            with self.lock:
                self.latencies += lat
                for k, v in errs.items():
                    self.errors[k] = self.errors.get(k, 0) + v


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds consumed so far by each of these processes (Linux /proc)."""
    out: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings: a process that appeared counts whole, one that ended is lost (not
    subtracted), so a database connection replaced during the phase does not make the figure negative."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def server_pids(master: int) -> list[int]:
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def backend_pids(database_url: str) -> list[int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)).fetchall()
    return [int(r[0]) for r in rows]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Result:
    def __init__(self, name: str, load: Load, elapsed: float, cpu: tuple[float, float, float]) -> None:
        self.name = name
        self.rate = len(load.latencies) / elapsed
        self.lat = load.latencies
        self.errors = dict(load.errors)
        self.sample = load.sample
        self.cpu = cpu

    def line(self, baseline: Result | None = None) -> str:
        ratio = f"{self.rate / baseline.rate:5.2f}× {baseline.name}" if baseline and baseline.rate else ""
        if baseline and sum(self.cpu[:2]) > 0:
            # what the ratio would be if the server's and the database's CPU were all that limits the rate
            ratio += f" (by CPU {sum(baseline.cpu[:2]) / sum(self.cpu[:2]):4.2f}×)"
        errors = sum(self.errors.values())
        server, db, client = self.cpu
        return (
            f"{self.name:<20} {self.rate:6.0f} req/s  {ratio:<36}  p50 {pct(self.lat, 50) * 1000:6.1f} ms  "
            f"p95 {pct(self.lat, 95) * 1000:6.1f} ms  CPU/req server {server:5.2f} ms, db {db:5.2f} ms, "
            f"client {client:4.2f} ms" + (f"  errors {errors} {self.errors} {self.sample[:200]!r}" if errors else "")
        )


def measure(
    name: str, port: int, phase: tuple[list[Request], int], args: argparse.Namespace, server: subprocess.Popen[bytes]
) -> Result:
    load = Load(port, *phase)
    if args.warmup > 0:
        load.run(args.clients, args.warmup, record=False)
    load.sample = b""
    workers0, db0, client0 = (
        cpu_by_pid(server_pids(server.pid)),
        cpu_by_pid(backend_pids(args.database_url)),
        time.process_time(),
    )
    elapsed = load.run(args.clients, args.duration, record=True)
    workers1, db1, client1 = (
        cpu_by_pid(server_pids(server.pid)),
        cpu_by_pid(backend_pids(args.database_url)),
        time.process_time(),
    )
    n = max(1, len(load.latencies))
    server_ms = cpu_used(workers0, workers1) * 1000 / n
    db_ms = cpu_used(db0, db1) * 1000 / n
    client_ms = (client1 - client0) * 1000 / n
    result = Result(name, load, elapsed, (server_ms, db_ms, client_ms))
    print(result.line(), flush=True)
    return result


def profile(fx: Fixture, count: int) -> None:
    """The two intake paths in-process (no HTTP, one thread), profiled."""
    from django.test import Client, override_settings

    override_settings(WANGGE_OPEN311_THROTTLE_KEY=None, WANGGE_OPEN311_THROTTLE_IP=None).enable()
    client = Client(HTTP_HOST="127.0.0.1")
    auth = f"Token {fx.token}"
    senders: list[tuple[str, Callable[[bytes], Any], list[bytes]]] = [
        (
            "Open311",
            lambda b: client.post("/open311/v2/requests.json", dict(urllib.parse.parse_qsl(b.decode()))),
            open311_bodies(fx, count + 20),
        ),
        (
            "REST",
            lambda b: client.post("/api/work-orders/", b, content_type="application/json", HTTP_AUTHORIZATION=auth),
            rest_bodies(fx, count + 20),
        ),
    ]
    for label, send, payloads in senders:
        for body in payloads[:20]:  # warm caches
            send(body)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        statuses: dict[int, int] = {}
        for body in payloads[20:]:
            status = send(body).status_code
            statuses[status] = statuses.get(status, 0) + 1
        prof.disable()
        elapsed = time.perf_counter() - t0
        print(
            f"\nin-process {label} intake: {count} requests, {elapsed / count * 1000:.2f} ms each "
            f"(one thread, profiled; HTTP statuses {statuses})"
        )
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(r"wangge|knox|rest_framework", 30)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of measured load per phase")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring each phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--cases", type=int, default=100_000, help="cases of 卫东区 (and rows of the bare table)")
    parser.add_argument("--other-rows", type=int, default=59_000, help="newer cases added in another district")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated phases (the bare ones always run)")
    parser.add_argument("--skip-demo", action="store_true", help="do not re-run manage.py demo if 410403 exists")
    parser.add_argument("--profile", type=int, default=0, help="also profile N in-process intakes of each API")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the API bench runs against PostgreSQL (--database-url postgres://…)")
    asked = {p.strip() for p in args.phases.split(",") if p.strip()}
    if asked - set(PHASES):
        raise SystemExit(f"unknown phases: {', '.join(sorted(asked - set(PHASES)))} (known: {', '.join(PHASES)})")
    wanted = [p for p in PHASES if p in asked or p.startswith("bare_")]

    sys.path.insert(0, str(ROOT / "bench"))
    django_setup(args.database_url)
    from django.db import connection

    fx = prepare(skip_demo=args.skip_demo, cases=args.cases)
    connection.close()
    requests = phase_requests(fx)
    port = free_port()
    print(
        f"server: gunicorn gthread {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}; "
        f"{args.clients} clients; {args.duration:g} s per phase after {args.warmup:g} s of warm-up; "
        f"cores {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}"
    )
    results: dict[str, Result] = {}
    added = False
    with tempfile.TemporaryDirectory() as settings_dir:
        server = start_server(args.database_url, port, args.workers, args.threads, settings_dir)
        try:
            wait_ready(port, server)
            for name in wanted:
                if name.endswith("_other") and not added:
                    add_other_rows(args.other_rows)
                    connection.close()
                    added = True
                results[name] = measure(name, port, requests[name], args, server)
        finally:
            stop_server(server)
            if added:
                remove_other_rows()
    print("\nside by side (ratio to the bare view of the same kind):")
    for name, result in results.items():
        base = results.get("bare_list" if "list" in name or "filtered" in name else "bare_insert")
        print(result.line(None if base is result else base))
    for mine in ("rest_list", "rest_filtered"):
        before, after = results.get(mine), results.get(f"{mine}_other")
        if before and after and before.rate:
            print(
                f"{mine} with {args.other_rows} newer cases of another district: "
                f"{after.rate / before.rate:.2f}× its rate without them"
            )
    if args.profile:
        profile(fx, args.profile)


if __name__ == "__main__":
    main()
