"""Enqueue the jobs of ``ops.schedule`` on their intervals through the task framework (the queue does the work)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wangge.ops.schedule import PERIODIC


class Command(BaseCommand):
    help = (
        "按固定间隔投递周期任务（时限预警与超期、每日通报、推送重试、上月考评草稿、收回中断的任务）；"
        "由 db_worker 或 rqworker 执行"
    )

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
