"""make prod-check: the production set (Procfile under honcho) on PostgreSQL + Redis, a short smoke, then gone.

    .venv/bin/python deploy/prod_check.py
    .venv/bin/python deploy/prod_check.py --admin-url postgres://postgres@127.0.0.1:5432/postgres --keep-log

Starts PostgreSQL and Redis the way .ci/run does when they are down, creates a fresh database
(``wangge_prodcheck``), migrates it, collects the static files and loads the demo district (its logins), then
runs the Procfile with honcho under ``config.settings.production``: gunicorn on a free port, one RQ worker and
TWO schedulers (``run_periodic``). The smoke: the login page answers 200, an API token is issued, a case is
taken in through ``POST /api/work-orders/``, dispatched through its transitions API, and a bulletin is
generated through the queue (the task is enqueued on Redis and the worker writes it). When nginx is installed,
``deploy/nginx.conf`` itself (its names, ports, certificate and paths replaced for a throwaway copy) is put in
front over TLS: a static file is served by nginx, a photo uploaded through it comes back through the download
view's ``X-Accel-Redirect``, and ``/protected-media/`` and ``/media/`` answer 404 to a browser. Then the process
group is stopped, the database dropped and the Redis database used (``--redis-url``, db 14 by default) emptied.
Exits non-zero, with what failed and the tail of the processes' log, on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
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
CALL_TAKER, DISPATCHER, ADMIN = "demo_call_taker", "demo_dispatcher", "demo_admin"
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
        # nginx in front (when installed) sends the uploads the views allow, and sets X-Forwarded-*.
        "WANGGE_X_ACCEL_REDIRECT": "1",
        "WANGGE_TRUSTED_PROXIES": "1",
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


def _headers(items: Any) -> dict[str, str]:
    """Response headers by name, a repeated one joined as HTTP allows (nginx sends Cache-Control twice)."""
    out: dict[str, str] = {}
    for name, value in items:
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


class Client:
    """JSON over HTTP to the web process, with a token once it has one."""

    def __init__(self, base: str) -> None:
        self.base, self.token = base, ""
        # nginx's throwaway certificate is self-signed: the probe does not verify it.
        self.tls = ssl._create_unverified_context() if base.startswith("https:") else None

    def raw(
        self, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body, as they came."""
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.tls) as response:
                return response.status, _headers(response.headers.items()), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, _headers(exc.headers.items()), exc.read()

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        status, _headers, raw = self.raw(method, path, data, headers)
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


def nginx_config(workdir: Path, *, upstream: int, http: int, https: int) -> Path:
    """A throwaway copy of deploy/nginx.conf: the example's names, ports, certificate and paths replaced, the
    rest (locations, headers, the internal /protected-media/) as shipped."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    prefix = workdir / "nginx"
    prefix.mkdir()
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
    subprocess.run(
        [*openssl, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server_name wangge.example.gov.cn;": "server_name 127.0.0.1;",
        "/etc/ssl/wangge/fullchain.pem": str(cert),
        "/etc/ssl/wangge/privkey.pem": str(key),
        "/srv/wangge/var/static/": f"{workdir / 'static'}/",
        "/srv/wangge/var/media/": f"{workdir / 'media'}/",
    }
    for old, new in replacements.items():
        if old not in site:
            raise CheckFailed(f"deploy/nginx.conf no longer holds {old!r}: update prod_check's copy of it")
        site = site.replace(old, new)
    (prefix / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # the workers must read the throwaway directory
    temp = " ".join(
        f"{name}_temp_path {prefix / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = prefix / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\nerror_log {prefix / 'error.log'};\npid {prefix / 'nginx.pid'};\n"
        "events { worker_connections 256; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log {prefix / 'access.log'}; {temp}\n"
        f"include {prefix / 'site.conf'}; }}\n"
    )
    return main


@contextmanager
def nginx_in_front(config: Path) -> Iterator[None]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = str(config.parent)
    test = subprocess.run([nginx, "-t", "-c", str(config), "-p", prefix], capture_output=True, text=True, check=False)
    if test.returncode != 0:
        raise CheckFailed(f"nginx -t refused deploy/nginx.conf: {test.stderr.strip()[-800:]}")
    proc = subprocess.Popen([nginx, "-c", str(config), "-p", prefix, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(out, "JPEG")
    return out.getvalue()


def nginx_smoke(https: str, direct: str, token: str, case_id: int, honcho: subprocess.Popen[bytes]) -> None:
    """Through deploy/nginx.conf: TLS, static files, an upload sent by X-Accel-Redirect, uploads never by URL."""
    proxy = Client(https)
    wait_until("nginx", lambda: proxy.raw("GET", "/healthz")[0] == 200, timeout=20, alive=honcho)
    status, headers, body = proxy.raw("GET", "/static/web/app.css")
    if status != 200 or "immutable" not in headers.get("Cache-Control", "") or not body:
        raise CheckFailed(f"nginx did not serve /static/web/app.css itself ({status}, {headers.get('Cache-Control')})")
    step("TLS through nginx; a static file served by nginx (Cache-Control immutable)")

    proxy.token = token
    boundary = secrets.token_hex(12)
    form = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nbefore\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + _jpeg()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _h, raw = proxy.raw(
        "POST",
        f"/api/work-orders/{case_id}/attachments/",
        form,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
    if status != 201:
        raise CheckFailed(f"uploading a photo through nginx answered {status}: {raw[:300]!r}")
    attachment = json.loads(raw)["id"]
    path = f"/api/work-orders/{case_id}/attachments/{attachment}/"

    behind = Client(direct)
    behind.token = token
    status, headers, body = behind.raw("GET", path)
    accel = headers.get("X-Accel-Redirect", "")
    if status != 200 or not accel.startswith("/protected-media/") or body:
        raise CheckFailed(
            f"the download view did not answer with X-Accel-Redirect ({status}, {accel!r}, {len(body)} B)"
        )
    status, headers, body = proxy.raw("GET", path)
    if status != 200 or not body.startswith(b"\xff\xd8") or "X-Accel-Redirect" in headers:
        raise CheckFailed(f"nginx did not send the photo behind X-Accel-Redirect ({status}, {body[:4]!r})")
    for private in (accel, accel.replace("/protected-media/", "/media/", 1)):
        anonymous = Client(https)
        if anonymous.raw("GET", private)[0] != 404:
            raise CheckFailed(f"{private} is reachable by URL through nginx")
    step(f"a photo uploaded through nginx comes back by X-Accel-Redirect ({len(body)} B); {accel} answers 404")


def smoke(base: str, honcho: subprocess.Popen[bytes], passwords: dict[str, str]) -> tuple[str, int]:
    """The smoke on the web process directly; returns an administrator's token and the case."""
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
    admin = Client(base)  # the district's staff with the right to change a case (an administrator here)
    admin.token = admin.expect(200, "POST", "/api/auth/token/", {"username": ADMIN, "password": passwords[ADMIN]})[
        "token"
    ]
    return admin.token, int(case["id"])


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
    for username in (CALL_TAKER, DISPATCHER, ADMIN):
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
                token, case_id = smoke(f"http://127.0.0.1:{port}", honcho, passwords)
                if shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"):
                    http, https = free_port(), free_port()
                    with nginx_in_front(nginx_config(workdir, upstream=port, http=http, https=https)):
                        nginx_smoke(f"https://127.0.0.1:{https}", f"http://127.0.0.1:{port}", token, case_id, honcho)
                    check_set(honcho)
                else:
                    step("nginx is not installed: deploy/nginx.conf not exercised")
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
