"""Enqueue the periodic tasks on a fixed interval through the task framework (the queue does the work)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wangge.notifications.tasks import retry_failed_deliveries
from wangge.reports.tasks import generate_due_bulletins, prepare_monthly_assessments
from wangge.workorders.tasks import sweep_deadlines

# (name, task, seconds between enqueues). Each task is idempotent: enqueued twice, it does the work once.
PERIODIC: list[tuple[str, Any, int]] = [
    ("sweep_deadlines", sweep_deadlines, 60),
    ("generate_due_bulletins", generate_due_bulletins, 60),  # the 日通报 once a day after WANGGE_BULLETIN_TIME
    ("retry_failed_deliveries", retry_failed_deliveries, 600),
    ("prepare_monthly_assessments", prepare_monthly_assessments, 3600),  # last month's 一考评 drafts
]


class Command(BaseCommand):
    help = "按固定间隔投递周期任务（时限预警与超期、每日通报、推送重试、上月考评草稿）；由 db_worker 或 rqworker 执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="每个任务只投递一次后退出")

    def handle(self, *args: Any, **opts: Any) -> None:
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        last: dict[str, float] = {}
        while not stop["now"]:
            now = time.monotonic()
            for name, task, every in PERIODIC:
                if now - last.get(name, -1e9) >= every:
                    result = task.enqueue()
                    last[name] = now
                    self.stdout.write(f"enqueued {name} ({result.id})")
            if opts["once"]:
                return
            time.sleep(5)
