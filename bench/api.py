"""Open311 intake under sustained load: POST requests.json against a production server on loopback.

    python bench/api.py
    python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/wangge_bench --duration 20 --clients 8
    python bench/api.py --profile 300        # also profile the intake path in-process (cProfile, top functions)

Prepares the database (created if missing, migrated, ``manage.py demo``), creates an api_key, starts
gunicorn (gthread workers, keep-alive) on 127.0.0.1 with a free port and throttling switched off, then
keeps ``--clients`` threads POSTing service requests (random leaf categories, random points inside the
卫东区 grids) for ``--duration`` seconds over keep-alive connections. Prints requests per second, latency
percentiles and errors, checks the cases were located in grids and routed, and stops the server.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import os
import pstats
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from _setup import ROOT, django_setup

from wangge.core.actors import SYSTEM

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/wangge_bench"
JURISDICTION = "410403"
SETTINGS = '''"""Settings of the Open311 bench server: local settings without throttling."""
from config.settings.local import *  # noqa: F403

DEBUG = False
WANGGE_OPEN311_THROTTLE_KEY = None
WANGGE_OPEN311_THROTTLE_IP = None
LOGGING = {  # server errors with their tracebacks on stderr, nothing else
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "level": "ERROR"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
}
DATABASES["default"].setdefault("OPTIONS", {})["application_name"] = "wangge-open311-bench"  # noqa: F405
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(*, skip_demo: bool) -> tuple[str, list[str], list[tuple[float, float]]]:
    """Demo district, a fresh api_key, the leaf service codes and points inside the district's grids."""
    from django.core.management import call_command
    from shapely.geometry import shape

    from wangge.open311.selectors import service_categories
    from wangge.open311.services import apikey_create
    from wangge.territory.choices import TerritoryKind
    from wangge.territory.models import Territory

    if not skip_demo or not Territory.objects.filter(code=JURISDICTION).exists():
        t0 = time.perf_counter()
        call_command("demo", stdout=io.StringIO())
        print(f"demo data ready in {time.perf_counter() - t0:.1f} s")
    district = Territory.objects.get(code=JURISDICTION)
    _key, raw = apikey_create(actor=SYSTEM, name=f"bench {time.strftime('%Y-%m-%d %H:%M:%S')}")
    codes = [c.code for c in service_categories()]
    rng = random.Random(311)
    points: list[tuple[float, float]] = []
    grids = Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID).exclude(geometry=None)
    for grid in grids:
        geom = shape(grid.geometry)
        minx, miny, maxx, maxy = geom.bounds
        for _ in range(50):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if geom.contains(shape({"type": "Point", "coordinates": [x, y]})):
                points.append((x, y))
                break
    return raw, codes, points


def bodies(raw_key: str, codes: list[str], points: list[tuple[float, float]], count: int) -> list[bytes]:
    rng = random.Random(2026)
    out = []
    for i in range(count):
        lng, lat = rng.choice(points)
        out.append(
            urllib.parse.urlencode(
                {
                    "api_key": raw_key,
                    "jurisdiction_id": JURISDICTION,
                    "service_code": rng.choice(codes),
                    "lat": f"{lat:.7f}",
                    "long": f"{lng:.7f}",
                    "description": f"基准测试诉求 {i}：路口附近的问题需要处理。",
                    "phone": f"139{rng.randrange(10**8):08d}",
                    "media_url": f"https://img.example.com/{i}.jpg",
                }
            ).encode()
        )
    return out


def start_server(
    database_url: str, port: int, workers: int, threads: int, settings_dir: str
) -> subprocess.Popen[bytes]:
    Path(settings_dir, "open311_bench_settings.py").write_text(SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "open311_bench_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
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
            conn.request("GET", f"/open311/v2/services.json?jurisdiction_id={JURISDICTION}")
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
    """``clients`` threads, each on its own keep-alive connection, POSTing until the stop time."""

    def __init__(self, port: int, payloads: list[bytes]) -> None:
        self.port = port
        self.payloads = payloads
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.ids: list[str] = []
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
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = n
        lat: list[float] = []
        errs: dict[str, int] = {}
        ids: list[str] = []
        while time.perf_counter() < stop_at:
            body = self.payloads[i % len(self.payloads)]
            i += 7919
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/open311/v2/requests.json", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                errs[type(exc).__name__] = errs.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            lat.append(time.perf_counter() - t0)
            if status != 200:
                errs[f"HTTP {status}"] = errs.get(f"HTTP {status}", 0) + 1
            elif record and len(ids) < 50:
                ids.append(data.split(b'"service_request_id":"', 1)[1].split(b'"', 1)[0].decode())
        conn.close()
        if record:
            with self.lock:
                self.latencies += lat
                self.ids += ids
                for k, v in errs.items():
                    self.errors[k] = self.errors.get(k, 0) + v


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time consumed so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


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
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'wangge-open311-bench'"
        ).fetchall()
    return [int(r[0]) for r in rows]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def check_cases(ids: list[str]) -> str:
    from wangge.open311.models import Submission

    subs = list(Submission.objects.filter(work_order_id__in=[int(i) for i in ids]).select_related("work_order"))
    located = sum(1 for s in subs if s.work_order.grid_id is not None)
    routed = sum(1 for s in subs if s.suggested_unit_id is not None)
    return f"sampled {len(subs)} created cases: {located} located in a grid, {routed} with a suggested unit"


def profile(raw_key: str, codes: list[str], points: list[tuple[float, float]], count: int) -> None:
    """The intake path in-process (no HTTP): parse → submission_create → work_order_create → routing."""
    from django.test import Client, override_settings

    # Throttling off, as on the bench server: otherwise most profiled requests would be 429s.
    override_settings(WANGGE_OPEN311_THROTTLE_KEY=None, WANGGE_OPEN311_THROTTLE_IP=None).enable()
    client = Client(HTTP_HOST="127.0.0.1")
    payloads = [dict(urllib.parse.parse_qsl(b.decode())) for b in bodies(raw_key, codes, points, count + 20)]
    for data in payloads[:20]:  # warm caches
        response = client.post("/open311/v2/requests.json", data)
        assert response.status_code == 200, response.content[:300]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    statuses: dict[int, int] = {}
    for data in payloads[20:]:
        status = client.post("/open311/v2/requests.json", data).status_code
        statuses[status] = statuses.get(status, 0) + 1
    prof.disable()
    elapsed = time.perf_counter() - t0
    print(
        f"\nin-process intake: {count} requests, {elapsed / count * 1000:.2f} ms each "
        f"(one thread, profiled; HTTP statuses {statuses})"
    )
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(r"wangge|django/db/backends|psycopg|shapely", 35)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of measured load")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--skip-demo", action="store_true", help="do not re-run manage.py demo if 410403 exists")
    parser.add_argument("--profile", type=int, default=0, help="also profile N in-process requests")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the API bench runs against PostgreSQL (--database-url postgres://…)")

    django_setup(args.database_url)
    from django.db import connection

    raw_key, codes, points = prepare(skip_demo=args.skip_demo)
    connection.close()
    payloads = bodies(raw_key, codes, points, 5000)
    port = free_port()
    print(
        f"server: gunicorn gthread {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}; "
        f"{args.clients} clients; {len(codes)} services; {len(points)} grid points; cores {os.cpu_count()}"
    )
    with tempfile.TemporaryDirectory() as settings_dir:
        server = start_server(args.database_url, port, args.workers, args.threads, settings_dir)
        try:
            wait_ready(port, server)
            load = Load(port, payloads)
            if args.warmup > 0:
                load.run(args.clients, args.warmup, record=False)
            workers, backends = server_pids(server.pid), backend_pids(args.database_url)
            cpu0 = (cpu_seconds(workers), cpu_seconds(backends), time.process_time())
            load_before = os.getloadavg()[0]
            elapsed = load.run(args.clients, args.duration, record=True)
            cpu1 = (cpu_seconds(workers), cpu_seconds(backends), time.process_time())
            load_after = os.getloadavg()[0]
        finally:
            stop_server(server)
    lat = load.latencies
    errors = sum(load.errors.values())
    print(
        f"POST requests.json: {len(lat)} in {elapsed:.1f} s = {len(lat) / elapsed:.0f} req/s; "
        f"latency p50 {pct(lat, 50) * 1000:.1f} ms, p95 {pct(lat, 95) * 1000:.1f} ms, "
        f"p99 {pct(lat, 99) * 1000:.1f} ms, mean {statistics.fmean(lat) * 1000:.1f} ms; "
        f"errors {errors}{' ' + str(load.errors) if errors else ''}"
    )
    n = max(1, len(lat))
    server_ms, db_ms, client_ms = ((b - a) * 1000 / n for a, b in zip(cpu0, cpu1, strict=True))
    total_ms = server_ms + db_ms + client_ms
    print(
        f"CPU per request: server {server_ms:.2f} ms ({len(workers)} processes), database {db_ms:.2f} ms "
        f"({len(backends)} backends), load client {client_ms:.2f} ms; all {total_ms:.2f} ms → "
        f"{(os.cpu_count() or 1) * 1000 / total_ms:.0f} req/s if these {os.cpu_count()} cores did nothing else; "
        f"load average {load_before:.1f} → {load_after:.1f}"
    )
    print(check_cases(load.ids))
    if args.profile:
        profile(raw_key, codes, points, args.profile)


if __name__ == "__main__":
    main()
