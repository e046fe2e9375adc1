"""Enqueue the jobs of ``ops.schedule`` on their intervals through the task framework (the queue does the work).

Safe with several copies (two processes, two nodes): a job is enqueued once per period (``ops.models``): the
run key (job, period) is inserted in the same transaction as the enqueue, and a runner whose insert hits the
unique constraint skips the job.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.ops.models import KEEP, PeriodicRun
from wangge.ops.schedule import PERIODIC, PeriodicJob

CLEANUP_EVERY = 3600  # seconds between deletions of old run keys


def period_of(job: PeriodicJob, epoch: float) -> int:
    return int(epoch // job.every_seconds)


def enqueue_once(job: PeriodicJob, period: int) -> str | None:
    """Enqueue ``job`` for ``period`` unless some runner did; returns the task id, or None when skipped."""
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(name=job.name, period=period, enqueued_at=timezone.now())
            result = job.task.enqueue()
            run.task_id = str(result.id)[:64]
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return None
    return run.task_id


def forget_old_runs(now: dt.datetime | None = None) -> int:
    """Delete the run keys older than ``KEEP``; returns how many."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = PeriodicRun.objects.filter(enqueued_at__lt=cutoff).delete()
    return deleted


class Command(BaseCommand):
    help = (
        "按固定间隔投递周期任务（时限预警与超期、每日通报、推送重试、上月考评草稿、收回中断的任务）；"
        "由 db_worker 或 rqworker 执行；可多份同时运行，每个周期只投递一次"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="每个任务只投递一次后退出")

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        done: dict[str, int] = {}  # the last period of each job this runner saw handled
        cleaned = -1e9
        while not stop["now"]:
            epoch = time.time()
            if epoch - cleaned >= CLEANUP_EVERY:
                forget_old_runs()
                cleaned = epoch
            for job in PERIODIC:
                period = period_of(job, epoch)
                if done.get(job.name) == period:
                    continue
                task_id = enqueue_once(job, period)
                done[job.name] = period
                if task_id is not None:
                    self.stdout.write(f"enqueued {job.name} ({task_id})")
                elif opts["verbosity"] >= 2:
                    self.stdout.write(f"skipped {job.name}: period {period} already enqueued")
            if opts["once"]:
                return
            time.sleep(5)
