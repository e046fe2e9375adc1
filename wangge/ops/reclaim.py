"""Stale tasks: a task of the database queue left RUNNING by a worker that is gone is put back to READY.

The database backend's worker marks a task RUNNING when it claims it (``started_at``, its id appended to
``worker_ids``) and SUCCESSFUL or FAILED when the task returns; a worker killed in between (OOM, a deploy,
a lost host) leaves the row RUNNING for ever, and the work is never done. The worker keeps no heartbeat, so
a task is taken to be abandoned when

* it has been RUNNING longer than ``WANGGE_TASK_STALE_SECONDS`` (default 15 minutes; it must exceed the
  longest task, or a task still running would be started a second time), or
* its worker has claimed a later task since: a worker runs one task at a time and finishes each before
  claiming the next, so this happens only when a worker restarted under the same ``--worker-id`` (each
  worker of a pool should have a fixed one) while the task was running.

Such a task is put back to READY, to be run again by any worker, as long as it has had fewer than
``WANGGE_TASK_MAX_ATTEMPTS`` attempts (default 3; every claim is one); after that it is marked FAILED with
the reason. Every task of the project is idempotent (``ops.schedule``), so running one again after a
partial run does the remaining work once. Each change is a conditional update of the row (still RUNNING,
same start): a task that finishes meanwhile is left alone. Logged at WARNING.

The RQ backend does not use these rows: RQ notices a dead worker itself (the job's execution, kept alive by
the worker's heartbeat, expires in its StartedJobRegistry a minute or so after the worker died) and moves the
job to its FailedJobRegistry as an ``AbandonedJobError``, as django-tasks-rq enqueues jobs without a retry
policy. ``reclaim_stale_rq_jobs`` (run by the same periodic task) puts such a job back on its queue as long as
it has been abandoned fewer than ``WANGGE_TASK_MAX_ATTEMPTS`` times; a job that failed by raising is left
failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

STALE_ERROR = "wangge.ops.reclaim.StaleTask"  # the exception_class_path of a task given up
ABANDONED = "rq.exceptions.AbandonedJobError"  # what RQ records for a job whose worker died
RQ_EXCEPTIONS = "_django_tasks_rq_exceptions"  # where django-tasks-rq keeps a job's exception classes (meta)


@dataclass(frozen=True)
class ReclaimLimits:
    stale_seconds: int
    max_attempts: int

    @classmethod
    def from_settings(cls) -> ReclaimLimits:
        return cls(
            stale_seconds=int(getattr(settings, "WANGGE_TASK_STALE_SECONDS", 15 * 60)),
            max_attempts=max(1, int(getattr(settings, "WANGGE_TASK_MAX_ATTEMPTS", 3))),
        )


def _moved_on(running: list[DBTaskResult]) -> set[str]:
    """Ids of the RUNNING tasks whose last worker has claimed another task since."""
    claims = {str(r.pk): (str(r.worker_ids[-1]), r.started_at) for r in running if r.worker_ids and r.started_at}
    if not claims:
        return set()
    earliest = min(at for _worker, at in claims.values())
    latest: dict[str, dt.datetime] = {}  # each worker's latest claim since then
    later = DBTaskResult.objects.filter(started_at__gt=earliest).values_list("worker_ids", "started_at")
    for worker_ids, started_at in later:
        if worker_ids and started_at is not None:
            worker = str(worker_ids[-1])
            if worker not in latest or started_at > latest[worker]:
                latest[worker] = started_at
    return {pk for pk, (worker, at) in claims.items() if worker in latest and latest[worker] > at}


def _rq_queues() -> list[Any]:
    """The RQ queues of the configured task backends (none without the RQ backend)."""
    queues: list[Any] = []
    for backend in task_backends.all():
        if type(backend).__module__.startswith("django_tasks_rq"):
            queues += backend._get_queues()  # type: ignore[attr-defined]
    return queues


def reclaim_stale_rq_jobs(*, now: dt.datetime | None = None, limits: ReclaimLimits | None = None) -> dict[str, int]:
    """RQ: the jobs whose worker died (execution expired by ``now``) back on their queue, up to the attempts."""
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    now = now or timezone.now()
    limits = limits or ReclaimLimits.from_settings()
    counts = {"requeued": 0, "failed": 0}
    for queue in _rq_queues():
        StartedJobRegistry(queue=queue).cleanup(timestamp=now.timestamp())  # expired executions → failed
        failed = FailedJobRegistry(queue=queue)
        for job in queue.job_class.fetch_many(failed.get_job_ids(), connection=queue.connection):
            if job is None:
                continue
            raised = list(job.meta.get(RQ_EXCEPTIONS, []))
            if not raised or raised[-1] != ABANDONED:
                continue  # it raised: not ours to retry
            if raised.count(ABANDONED) >= limits.max_attempts:
                counts["failed"] += 1
                continue
            failed.requeue(job)
            counts["requeued"] += 1
            log.warning(
                "RQ job %s (%s) abandoned by its worker: back on queue %s, attempt %d of %d done",
                job.id,
                job.func_name,
                queue.name,
                raised.count(ABANDONED),
                limits.max_attempts,
            )
    return counts


def reclaim_stale_tasks(*, now: dt.datetime | None = None, limits: ReclaimLimits | None = None) -> dict[str, int]:
    """Put the abandoned RUNNING tasks back to READY, or FAILED after their last attempt; returns the counts
    (with the RQ backend, the jobs its dead workers abandoned: ``reclaim_stale_rq_jobs``)."""
    now = now or timezone.now()
    limits = limits or ReclaimLimits.from_settings()
    if _rq_queues():
        return reclaim_stale_rq_jobs(now=now, limits=limits)
    cutoff = now - dt.timedelta(seconds=limits.stale_seconds)
    running = list(DBTaskResult.objects.running().filter(started_at__isnull=False).order_by("started_at"))
    moved_on = _moved_on([r for r in running if r.started_at is not None and r.started_at >= cutoff])
    counts = {"requeued": 0, "failed": 0}
    for result in running:
        assert result.started_at is not None
        if result.started_at >= cutoff and str(result.pk) not in moved_on:
            continue
        attempts = len(result.worker_ids)
        worker = result.worker_ids[-1] if result.worker_ids else "?"
        age = int((now - result.started_at).total_seconds())
        why = "its worker claimed a later task" if str(result.pk) in moved_on else f"running for {age}s"
        still = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at)
        if attempts < limits.max_attempts:
            if still.update(status=TaskResultStatus.READY, started_at=None):
                counts["requeued"] += 1
                log.warning(
                    "task %s (%s) abandoned by worker %s (%s): back to READY, attempt %d of %d done",
                    result.pk,
                    result.task_path,
                    worker,
                    why,
                    attempts,
                    limits.max_attempts,
                )
            continue
        reason = (
            f"StaleTask: abandoned by worker {worker} ({why}, limit {limits.stale_seconds}s) "
            f"after {attempts} attempts; given up"
        )
        if still.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=STALE_ERROR,
            traceback=reason,
            return_value=None,
        ):
            counts["failed"] += 1
            log.warning("task %s (%s): %s", result.pk, result.task_path, reason)
    return counts
