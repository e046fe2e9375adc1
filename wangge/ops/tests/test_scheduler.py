"""Two copies of the periodic runner never enqueue a job twice for one period (``ops.models.PeriodicRun``)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from wangge.ops.management.commands.run_periodic import enqueue_once, forget_old_runs, period_of
from wangge.ops.models import PeriodicRun
from wangge.ops.schedule import PERIODIC

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
START = dt.datetime(2025, 6, 11, 9, 0, 30, tzinfo=dt.UTC)  # 30 s into a minute, and into an hour


def run_once() -> list[str]:
    out = io.StringIO()
    call_command("run_periodic", "--once", stdout=out)
    return [line.split()[1] for line in out.getvalue().splitlines()]


def queued() -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in DBTaskResult.objects.values_list("task_path", flat=True):
        name = path.rsplit(".", 1)[-1]
        counts[name] = counts.get(name, 0) + 1
    return counts


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_second_runner_in_the_same_period_enqueues_nothing() -> None:
    with freeze_time(START):
        assert run_once() == [job.name for job in PERIODIC]
        assert run_once() == []

    assert queued() == {job.name: 1 for job in PERIODIC}
    runs = {r.name: r for r in PeriodicRun.objects.all()}
    assert set(runs) == {job.name for job in PERIODIC}
    assert all(r.enqueued_at == START and r.task_id for r in runs.values())
    assert {r.task_id for r in runs.values()} == {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_each_job_is_enqueued_again_in_its_next_period_only() -> None:
    with freeze_time(START):
        run_once()
    with freeze_time(START + dt.timedelta(seconds=60)):  # a new minute, the same 10 minutes and hour
        assert run_once() == [
            "sweep_deadlines",
            "generate_due_bulletins",
            "reclaim_stale_tasks",
            "escalate_unacknowledged_warnings",
        ]
    with freeze_time(START + dt.timedelta(minutes=10)):
        assert "retry_failed_deliveries" in run_once()

    assert queued()["sweep_deadlines"] == 3 and queued()["retry_failed_deliveries"] == 2
    assert queued()["prepare_monthly_assessments"] == 1


def test_the_period_is_the_epoch_divided_by_the_interval() -> None:
    job = next(j for j in PERIODIC if j.every_seconds == 600)
    assert period_of(job, 1_200.0) == 2 and period_of(job, 1_799.9) == 2 and period_of(job, 1_800.0) == 3


@pytest.mark.django_db
def test_old_run_keys_are_forgotten() -> None:
    now = timezone.now()
    PeriodicRun.objects.create(name="sweep_deadlines", period=1, enqueued_at=now - dt.timedelta(days=3))
    PeriodicRun.objects.create(name="sweep_deadlines", period=2, enqueued_at=now - dt.timedelta(hours=1))

    assert forget_old_runs(now) == 1
    assert list(PeriodicRun.objects.values_list("period", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts across connections need PostgreSQL")
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_runners_at_the_same_moment_enqueue_each_job_once() -> None:
    barrier = threading.Barrier(2)
    got: dict[str, list[str | None]] = {}

    def runner(who: str) -> None:
        try:
            barrier.wait()
            got[who] = [enqueue_once(job, 7) for job in PERIODIC]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(who,)) for who in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert queued() == {job.name: 1 for job in PERIODIC}
    for i, _job in enumerate(PERIODIC):
        outcomes: list[Any] = [got["a"][i], got["b"][i]]
        assert outcomes.count(None) == 1  # one runner enqueued it, the other skipped
    assert PeriodicRun.objects.count() == len(PERIODIC)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes need the test database on PostgreSQL")
@override_settings(TASKS=DATABASE_QUEUE)
def test_two_run_periodic_processes_started_together_enqueue_each_job_once() -> None:
    from wangge.ops.tests.test_crash import ROOT, worker_env

    runners = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_periodic", "--once"],
            cwd=ROOT,
            env=worker_env("database"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [runner.communicate(timeout=60) for runner in runners]

    assert [runner.returncode for runner in runners] == [0, 0], [err.decode()[-2000:] for _out, err in outputs]
    enqueued = [line.split()[1] for out, _err in outputs for line in out.decode().splitlines()]
    assert sorted(enqueued) == sorted(job.name for job in PERIODIC)
    assert queued() == {job.name: 1 for job in PERIODIC}
