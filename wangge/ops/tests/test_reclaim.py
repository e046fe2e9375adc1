"""Tasks a dead worker left RUNNING are put back to READY, run again by a worker, and do their work once."""

from __future__ import annotations

import datetime as dt
import io
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from wangge.notifications.models import Notification
from wangge.ops.reclaim import STALE_ERROR, reclaim_stale_tasks
from wangge.ops.schedule import PERIODIC
from wangge.workorders.models import WorkOrder
from wangge.workorders.tasks import flag_deadlines, sweep_deadlines
from wangge.workorders.tests.conftest import act, local, new_case

# db_worker closes its connection after a task, as deployed: the tests run on committed data.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_queue")]

STALE = 15 * 60


@pytest.fixture
def database_queue() -> Any:
    """The database backend, as deployed, instead of the test settings' immediate one."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}},
        WANGGE_TASK_STALE_SECONDS=STALE,
        WANGGE_TASK_MAX_ATTEMPTS=3,
    ):
        yield


def claimed(*, by: str, ago: dt.timedelta, attempts_before: int = 0) -> DBTaskResult:
    """A sweep enqueued and claimed by worker ``by`` ``ago`` (after ``attempts_before`` earlier claims)."""
    row = DBTaskResult.objects.get(pk=sweep_deadlines.enqueue().id)
    row.worker_ids = [f"earlier-{n}" for n in range(attempts_before)]
    row.claim(by)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - ago)
    row.refresh_from_db()
    return row


def run_worker(worker_id: str) -> None:
    """One pass of ``db_worker``: every READY task, then exit."""
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        "--worker-id",
        worker_id,
        verbosity=0,
        stdout=io.StringIO(),
    )


def overdue_case(world: SimpleNamespace) -> WorkOrder:
    at = local(2025, 6, 3, 9, 0)
    category = world.category.category_set.categories.get(code="E0102")
    return act(world, new_case(world, at=at, category=category), "dispatch", "dispatcher", at, unit=world.dept)


def overdue_notices(wo: WorkOrder) -> int:
    return Notification.objects.filter(key__startswith=f"wo:{wo.pk}:", key__endswith=":overdue").count()


def test_the_schedule_reclaims_every_minute() -> None:
    assert ("reclaim_stale_tasks", 60) in [(job.name, job.every_seconds) for job in PERIODIC]


def test_a_sweep_left_running_by_a_dead_worker_runs_again_and_does_its_work_once(
    world: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    # given a sweep claimed 20 minutes ago by a worker that died after flagging the first overdue case
    first = overdue_case(world)
    row = claimed(by="worker-1", ago=dt.timedelta(minutes=20))
    flag_deadlines()  # what the dead worker had committed
    second = overdue_case(world)
    assert overdue_notices(first) >= 1 and overdue_notices(second) == 0
    notices_of_first = overdue_notices(first)

    # when the stale tasks are reclaimed
    with caplog.at_level(logging.WARNING, logger="wangge.ops.reclaim"):
        counts = reclaim_stale_tasks()

    # then the sweep is READY again, and the reclaim is logged
    assert counts == {"requeued": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and row.started_at is None
    assert str(row.pk) in caplog.text and "worker-1" in caplog.text

    # and when a worker runs the queue, the sweep succeeds and does the rest of the work once
    run_worker("worker-2")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["worker-1", "worker-2"]
    assert overdue_notices(first) == notices_of_first
    assert overdue_notices(second) == notices_of_first
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.breached_step_at is not None and second.breached_step_at is not None

    # and reclaiming again finds nothing
    assert reclaim_stale_tasks() == {"requeued": 0, "failed": 0}


def test_a_task_running_within_the_limit_is_left_alone() -> None:
    row = claimed(by="worker-1", ago=dt.timedelta(seconds=STALE - 60))

    assert reclaim_stale_tasks() == {"requeued": 0, "failed": 0}

    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["worker-1"]


def test_a_task_whose_worker_has_claimed_a_later_one_is_reclaimed_at_once() -> None:
    # given a task claimed a minute ago by worker-1, which (restarted under the same id) has claimed another since
    row = claimed(by="worker-1", ago=dt.timedelta(minutes=1))
    later = claimed(by="worker-1", ago=dt.timedelta(seconds=5))
    # and a task of another worker, as young
    other = claimed(by="worker-3", ago=dt.timedelta(minutes=1))

    assert reclaim_stale_tasks() == {"requeued": 1, "failed": 0}

    row.refresh_from_db()
    later.refresh_from_db()
    other.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert later.status == TaskResultStatus.RUNNING and other.status == TaskResultStatus.RUNNING


def test_after_its_last_attempt_a_stale_task_fails_with_the_reason_and_is_not_run_again(
    world: SimpleNamespace,
) -> None:
    # given an overdue case and a sweep abandoned on its third attempt
    case = overdue_case(world)
    row = claimed(by="worker-1", ago=dt.timedelta(hours=1), attempts_before=2)

    # when the stale tasks are reclaimed and a worker runs the queue
    assert reclaim_stale_tasks() == {"requeued": 0, "failed": 1}
    run_worker("worker-2")

    # then the task is FAILED with the reason, and it was not run
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and row.finished_at is not None
    assert row.exception_class_path == STALE_ERROR
    assert "worker-1" in row.traceback and "3 attempts" in row.traceback
    assert row.worker_ids == ["earlier-0", "earlier-1", "worker-1"]
    case.refresh_from_db()
    assert case.breached_step_at is None


def test_finished_tasks_are_never_touched() -> None:
    # given tasks that ended long ago, well or badly
    done = claimed(by="worker-1", ago=dt.timedelta(days=2))
    done.set_successful(None)
    failed = claimed(by="worker-1", ago=dt.timedelta(days=2))
    failed.set_failed(RuntimeError("boom"))

    assert reclaim_stale_tasks() == {"requeued": 0, "failed": 0}

    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=failed.pk).traceback.rstrip().endswith("RuntimeError: boom")
