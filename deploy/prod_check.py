"""make prod-check: the production set (Procfile under honcho) on PostgreSQL + Redis, a short smoke, then gone.

    .venv/bin/python deploy/prod_check.py
    .venv/bin/python deploy/prod_check.py --admin-url postgres://postgres@127.0.0.1:5432/postgres --keep-log

Starts PostgreSQL and Redis the way .ci/run does when they are down, creates a fresh database
(``wangge_prodcheck``), migrates it, collects the static files and loads the demo district (its logins), then
runs the Procfile with honcho under ``config.settings.production``: gunicorn on a free port, one RQ worker and
TWO schedulers (``run_periodic``). The smoke: the login page answers 200, an API token is issued, a case is
taken in through ``POST /api/work-orders/``, dispatched through its transitions API, and a bulletin is
generated through the queue (the task is enqueued on Redis and the worker writes it). Then the process group is
stopped, the database dropped and the Redis database used (``--redis-url``, db 14 by default) emptied.
Exits non-zero, with what failed and the tail of the processes' log, on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DISTRICT = "410403"  # 卫东区, the demo district
CALL_TAKER, DISPATCHER = "demo_call_taker", "demo_dispatcher"
EXPECTED = {"gunicorn": 1, "rqworker": 1, "run_periodic": 2}  # the processes honcho must be running


class CheckFailed(Exception):
    pass


def step(message: str) -> None:
    print(f"prod-check: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_services() -> None:
    """PostgreSQL and Redis on their usual local ports, started as .ci/run starts them when they are down."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode != 0:
        versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
        if versions:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0:
                break
            time.sleep(1)
        else:
            raise CheckFailed("PostgreSQL is not running on 127.0.0.1:5432 and could not be started")
    ping = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True, check=False)
    if ping.returncode != 0:
        subprocess.run(["redis-server", "--daemonize", "yes", "--port", "6379", "--save", ""], check=False)
        time.sleep(1)


def production_env(*, database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """The environment of production settings, for a plain-HTTP probe on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WANGGE_TASK_BACKEND": "rq",
        "WANGGE_SECRET_KEY": secrets.token_urlsafe(48),
        "WANGGE_FIELD_KEY": secrets.token_urlsafe(32),
        "WANGGE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The probe speaks plain HTTP to gunicorn directly (nginx terminates TLS in a real deployment).
        "WANGGE_SSL_REDIRECT": "0",
        "WANGGE_SECURE_COOKIES": "0",
        "WANGGE_STATIC_ROOT": str(workdir / "static"),
        "WANGGE_MEDIA_ROOT": str(workdir / "media"),
        "WEB_CONCURRENCY": "2",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def fresh_database(admin_url: str, name: str) -> Iterator[str]:
    import psycopg

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        from django.db import connections

        connections.close_all()
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        step(f"database {name} dropped")


class Client:
    """JSON over HTTP to the web process, with a token once it has one."""

    def __init__(self, base: str) -> None:
        self.base, self.token = base, ""

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode(errors="replace")
        except ValueError:
            return status, raw.decode(errors="replace")

    def expect(self, status: int, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        got, payload = self.request(method, path, body)
        if got != status:
            raise CheckFailed(f"{method} {path} answered {got}, expected {status}: {str(payload)[:400]}")
        return payload


def wait_until(what: str, predicate: Any, *, timeout: float, alive: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive.poll() is not None:
            raise CheckFailed(f"the process set stopped (exit {alive.returncode}) while waiting for {what}")
        try:
            if predicate():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}")


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process under ``pid``."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True, check=False)
    table = [line.split(None, 2) for line in out.stdout.splitlines()]
    rows = [(int(row[0]), int(row[1]), row[2] if len(row) > 2 else "") for row in table if len(row) >= 2]
    found: list[tuple[int, str]] = []
    parents = {pid}
    while True:
        more = [(p, args) for p, ppid, args in rows if ppid in parents and p not in {f[0] for f in found}]
        if not more:
            return found
        found += more
        parents = {p for p, _args in more}


def stop(honcho: subprocess.Popen[bytes]) -> None:
    """SIGTERM to honcho's process group (honcho passes it to every process it runs), SIGKILL to whatever is
    left after 20 s — each child's own group too, in case a process manager started it in one."""
    groups = {honcho.pid} | {os.getpgid(p) for p, _args in descendants(honcho.pid) if _exists(p)}
    groups.discard(os.getpgrp())  # never this process's own group
    for group in groups:
        _signal_group(group, signal.SIGTERM)
    try:
        honcho.wait(timeout=20)
    except subprocess.TimeoutExpired:
        step("the set did not stop within 20 s: killing it")
    for group in groups:
        _signal_group(group, signal.SIGKILL)
    honcho.wait(timeout=5)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _signal_group(group: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


def check_set(honcho: subprocess.Popen[bytes]) -> None:
    """honcho runs the web process, one worker and two schedulers, and none of them has exited."""
    lines = [args for _pid, args in descendants(honcho.pid)]
    # a process counts once, however many shells stand between honcho and it
    running = {name: sum(name in line and not line.startswith("/bin/sh") for line in lines) for name in EXPECTED}
    # gunicorn's master has its workers under it, an RQ worker its work horse: at least one of each
    short = any(running[name] < count for name, count in EXPECTED.items())
    if honcho.poll() is not None or short or running["run_periodic"] != EXPECTED["run_periodic"]:
        raise CheckFailed(f"expected {EXPECTED} under honcho, found {running}")


def smoke(base: str, honcho: subprocess.Popen[bytes], passwords: dict[str, str]) -> None:
    from wangge.accounts.models import Unit
    from wangge.reports.models import Bulletin
    from wangge.reports.tasks import generate_daily_bulletins

    client = Client(base)
    wait_until("the web process", lambda: client.request("GET", "/login/")[0] == 200, timeout=60, alive=honcho)
    step("login page 200")
    check_set(honcho)

    client.token = client.expect(
        200, "POST", "/api/auth/token/", {"username": CALL_TAKER, "password": passwords[CALL_TAKER]}
    )["token"]
    step("API token issued")
    case = client.expect(
        201,
        "POST",
        "/api/work-orders/",
        {
            "channel": "hotline",
            "appeal_type": "complaint",
            "title": "生产环境自检：路灯不亮",
            "description": "生产环境自检工单：小区门口路灯连续三晚不亮。",
            "district": DISTRICT,
        },
    )
    step(f"case {case.get('code', case['id'])} taken in through POST /api/work-orders/")

    dispatcher = Client(base)
    dispatcher.token = dispatcher.expect(
        200, "POST", "/api/auth/token/", {"username": DISPATCHER, "password": passwords[DISPATCHER]}
    )["token"]
    names = [t["name"] for t in dispatcher.expect(200, "GET", f"/api/work-orders/{case['id']}/transitions/")]
    if "dispatch" not in names:
        raise CheckFailed(f"the dispatcher cannot dispatch the new case (available: {names})")
    unit = Unit.objects.get(code=f"{DISTRICT}-cgj")
    done = dispatcher.expect(
        200, "POST", f"/api/work-orders/{case['id']}/transitions/", {"name": "dispatch", "unit": unit.pk}
    )
    if done.get("status") == case.get("status"):
        raise CheckFailed(f"dispatch left the case in status {done.get('status')}")
    step(f"case dispatched to {unit.name} (status {done.get('status')})")

    day = dt.date.today() - dt.timedelta(days=3)  # a day the schedulers never generate on a fresh database
    result = generate_daily_bulletins.enqueue(day.isoformat())
    wait_until(
        f"the bulletin of {day} from the queue",
        lambda: Bulletin.objects.filter(date=day).exists() and result.refresh() is None and result.is_finished,
        timeout=90,
        alive=honcho,
    )
    if Bulletin.objects.filter(date=day).count() < 1 or result.status != "SUCCESSFUL":
        raise CheckFailed(f"the bulletin task ended {result.status}")
    step(f"bulletins of {day} generated through the RQ queue: {Bulletin.objects.filter(date=day).count()}")
    check_set(honcho)
    step("web, worker and both schedulers still running")


def seed_logins() -> dict[str, str]:
    """The demo's territory, units, logins, working calendar and categories: what the smoke's users need (the
    demo's points, ledgers and history are left out, to keep the check short). Returns the logins' passwords."""
    from wangge.accounts.models import User
    from wangge.accounts.services import staff_set_password
    from wangge.demo import services as demo

    wanted = {"territory", "units", "staff", "calendar", "categories"}
    demo.demo_seed(steps=[(name, run) for name, run in demo.DEMO_STEPS if name in wanted])
    # Production refuses the published demo password: each login chooses its own, as its owner would.
    passwords = {}
    for username in (CALL_TAKER, DISPATCHER):
        user = User.objects.get(username=username)
        passwords[username] = f"Pc-{secrets.token_urlsafe(18)}-9a"
        staff_set_password(actor=user, user=user, password=passwords[username])
    return passwords


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="wangge_prodcheck")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keep-log", action="store_true", help="print the processes' whole log at the end")
    args = parser.parse_args()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="wangge-prodcheck-"))
    log = workdir / "honcho.log"
    honcho: subprocess.Popen[bytes] | None = None
    try:
        ensure_services()
        import redis

        queue_db = redis.Redis.from_url(args.redis_url)
        queue_db.flushdb()
        with fresh_database(args.admin_url, args.database) as database_url:
            env = production_env(database_url=database_url, redis_url=args.redis_url, workdir=workdir)
            os.environ.update(env)
            sys.path.insert(0, str(ROOT))
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            passwords = seed_logins()
            step(f"database {args.database} migrated, static files collected, demo logins ready")

            port = free_port()
            empty_env_file = workdir / "empty.env"
            empty_env_file.write_text("")
            command = [str(BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT)]
            command += ["-e", str(empty_env_file), "-p", str(port), "-c", "web=1,worker=1,scheduler=2"]
            with log.open("wb") as out:
                honcho = subprocess.Popen(
                    command, cwd=ROOT, env={**os.environ}, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            step(f"honcho started (web on 127.0.0.1:{port}, worker, 2 schedulers)")
            try:
                smoke(f"http://127.0.0.1:{port}", honcho, passwords)
            finally:
                stop(honcho)
                step("process set stopped")
        queue_db.flushdb()
    except CheckFailed as exc:
        print(f"prod-check FAILED: {exc}", file=sys.stderr)
        if log.exists():
            print("--- last lines of the processes' log ---", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
        return 1
    finally:
        if args.keep_log and log.exists():
            print(log.read_text(errors="replace"))
        shutil.rmtree(workdir, ignore_errors=True)
    step(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
