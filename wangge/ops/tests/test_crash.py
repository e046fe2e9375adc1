"""Tasks survive crashes: a worker killed in the middle of a warning fan-out loses nothing; the task is run again
and every recipient is notified exactly once — on the database queue and on RQ.

The subprocess tests start real workers on the test database (PostgreSQL: a second process cannot see
SQLite's in-memory test database) and, for RQ, on Redis database 13 at 127.0.0.1:6379; they skip when those
are absent and run in ``.ci/run``, which starts both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from wangge.accounts.models import User
from wangge.notifications.models import Notification
from wangge.notifications.services import notify
from wangge.ops.reclaim import reclaim_stale_tasks
from wangge.ops.tests.test_reclaim import run_worker
from wangge.workorders.tasks import flag_deadlines, sweep_deadlines
from wangge.workorders.tests.conftest import _user, act, local, new_case

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": ["default"]}}
REDIS_URL = "redis://127.0.0.1:6379/13"
JOB_CLASS = "django_tasks_rq.Job"  # what the task results need (README, Background work)
KEY = "ops-test:fan-out"
LOGS: dict[int, Any] = {}  # the log file of each worker process, by pid
LATER = dt.timedelta(hours=1)  # past the stale limit (database) and the expiry of a dead worker's job (RQ)


@task()
def fan_out(key: str, user_ids: list[int], pause: float) -> int:
    """A warning fan-out as slow as a big one: one recipient after the other, each notice committed at once."""
    for pk in user_ids:
        notify(key=key, subject="时限预警", recipients=[User.objects.get(pk=pk)])
        time.sleep(pause)
    return len(user_ids)


class WorkerKilled(BaseException):
    """Stands for the worker's death: nothing after it runs, and no ``except Exception`` catches it."""


def notified(key: str = KEY) -> Counter[int]:
    return Counter(Notification.objects.filter(key=key).values_list("recipient_id", flat=True))


def recipients(n: int) -> list[int]:
    return [
        User.objects.create_user(username=f"r{i}", password="x-Passw0rd-long", display_name=f"r{i}").pk
        for i in range(n)
    ]


# --- the database queue, the crash simulated in process ---------------------------------------------------


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_sweep_killed_in_a_warning_fan_out_is_run_again_and_notifies_everyone_once(world: SimpleNamespace) -> None:
    # given overdue cases of a unit with several members
    for i in range(4):
        _user(f"member{i}", "dept_handler", unit=world.dept)
    category = world.category.category_set.categories.get(code="E0102")
    at = local(2025, 6, 3, 9, 0)
    cases = [
        act(world, new_case(world, at=at, category=category), "dispatch", "dispatcher", at, unit=world.dept)
        for _ in range(3)
    ]
    # and the sweep claimed by worker-1, which dies in the middle of the second case's fan-out
    row = DBTaskResult.objects.get(pk=sweep_deadlines.enqueue().id)
    row.claim("worker-1")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - LATER)
    real = Notification.objects.get_or_create
    calls = {"n": 0}

    def dies_at_the_eighth(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 8:
            raise WorkerKilled
        return real(*args, **kwargs)

    with (
        mock.patch.object(Notification.objects, "get_or_create", side_effect=dies_at_the_eighth),
        pytest.raises(WorkerKilled),
    ):
        flag_deadlines()

    keys = {wo.pk: f"wo:{wo.pk}:" for wo in cases}
    overdue = Notification.objects.filter(key__endswith=":overdue")
    done = {pk for pk, prefix in keys.items() if overdue.filter(key__startswith=prefix).exists()}
    assert len(done) == 1  # the first case's fan-out was committed; the second's rolled back with its flag
    per_case = overdue.count()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING

    # when the stale task is reclaimed and a worker runs the queue
    assert reclaim_stale_tasks() == {"requeued": 1, "failed": 0}
    run_worker("worker-2")

    # then the sweep succeeded, and every recipient of every case was told exactly once
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["worker-1", "worker-2"]
    counts = Counter(overdue.values_list("recipient_id", "key"))
    assert set(counts.values()) == {1}
    assert Counter(key for _r, key in counts) == {
        key: per_case for key in overdue.values_list("key", flat=True).distinct()
    }
    assert len({key for _r, key in counts}) == len(cases)


# --- real workers killed with SIGKILL --------------------------------------------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process needs the test database on PostgreSQL"
)


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # no redis package, no server: skipped
        return False


def worker_env(backend: str) -> dict[str, str]:
    db = connection.settings_dict
    auth = urllib.parse.quote(db["USER"] or "") + (":" + urllib.parse.quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.pop("WANGGE_SETTINGS", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=url,
        WANGGE_TASK_BACKEND=backend,
        REDIS_URL=REDIS_URL,
        WANGGE_FIELD_KEY=str(getattr(settings, "WANGGE_FIELD_KEY", "") or env.get("WANGGE_FIELD_KEY", "")),
        PYTHONUNBUFFERED="1",
    )
    return {k: v for k, v in env.items() if v != ""}


def start(args: list[str], backend: str) -> subprocess.Popen[bytes]:
    """A worker process in its own process group (the work-horse an RQ worker forks dies with it); its log goes
    to a temporary file (a pipe nobody reads could fill and stop it)."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by log_of once the worker is gone)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=worker_env(backend),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    LOGS[proc.pid] = log
    return proc


def log_of(proc: subprocess.Popen[bytes]) -> str:
    log = LOGS.pop(proc.pid)
    log.seek(0)
    text = log.read().decode(errors="replace")[-4000:]
    log.close()
    return text


def kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def kill_when_some_are_notified(proc: subprocess.Popen[bytes], at_least: int, total: int) -> int:
    deadline = time.monotonic() + 20
    while len(notified()) < at_least:
        if proc.poll() is not None or time.monotonic() > deadline:
            kill(proc)
            raise AssertionError(f"the worker did not start the fan-out: {log_of(proc)}")
        time.sleep(0.05)
    kill(proc)
    log_of(proc)
    done = len(notified())
    assert at_least <= done < total  # killed in the middle
    return done


@needs_postgresql
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_db_worker_killed_in_a_fan_out_leaves_the_task_running_and_its_rerun_notifies_everyone_once() -> None:
    users = recipients(8)
    result = fan_out.enqueue(KEY, users, 0.2)

    worker = start(
        ["db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1", "--worker-id", "w1"], "database"
    )
    kill_when_some_are_notified(worker, 2, len(users))

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["w1"]
    assert reclaim_stale_tasks(now=timezone.now() + LATER) == {"requeued": 1, "failed": 0}
    with mock.patch("time.sleep"):
        run_worker("w2")

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert notified() == Counter(users)


@pytest.fixture
def rq_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The RQ backend on Redis database 13, emptied before and after."""
    if connection.vendor != "postgresql" or not redis_up():
        pytest.skip("needs PostgreSQL and Redis at 127.0.0.1:6379")
    import django_rq.settings
    import redis

    monkeypatch.setattr(django_rq.settings, "QUEUES", {"default": {"URL": REDIS_URL}})
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    with override_settings(TASKS=RQ_QUEUE, RQ_QUEUES={"default": {"URL": REDIS_URL}}):
        yield server
    server.flushdb()


def test_an_rq_worker_killed_in_a_fan_out_is_retried_and_notifies_everyone_once(rq_queue: Any) -> None:
    import django_rq
    from django_tasks_rq.backend import Job

    users = recipients(8)
    result = fan_out.enqueue(KEY, users, 0.2)

    worker = start(["rqworker", "default", "--job-class", JOB_CLASS], "rq")
    kill_when_some_are_notified(worker, 2, len(users))

    # RQ notices the dead worker when its job's execution expires; the periodic reclaim puts the job back
    assert reclaim_stale_tasks(now=timezone.now() + LATER) == {"requeued": 1, "failed": 0}
    second = start(["rqworker", "default", "--job-class", JOB_CLASS, "--burst"], "rq")
    second.wait(timeout=30)
    assert second.returncode == 0, log_of(second)

    job = Job.fetch(result.id, connection=django_rq.get_connection("default"))
    assert job.get_status() == "finished"
    assert notified() == Counter(users)
    # and reclaiming again finds nothing to do
    assert reclaim_stale_tasks(now=timezone.now() + LATER) == {"requeued": 0, "failed": 0}
