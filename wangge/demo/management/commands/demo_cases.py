"""Add demo history: N cases over the past year, taken through the real loop."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.demo.history import generate_history
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder


class Command(BaseCommand):
    help = "生成演示工单历史：过去一年内的 N 件工单，经完整闭环流转（按期、超期、退回、返工、延期、重办、评价）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--district", default="410403", help="区编码（默认 410403 卫东区）")
        parser.add_argument("--seed", type=int, default=20231)
        parser.add_argument("--if-empty", action="store_true", help="只在该区尚无工单时生成（供启动命令反复执行）")

    def handle(self, *args: Any, **opts: Any) -> None:
        district = Territory.objects.filter(code=opts["district"]).first()
        if district is None:
            raise CommandError(f"区 {opts['district']} 不存在，请先运行 python manage.py demo")
        if opts["if_empty"] and WorkOrder.objects.filter(district=district).exists():
            self.stdout.write(f"{district.name} already has cases; nothing added")
            return
        started = time.perf_counter()
        counts = generate_history(district=district, count=opts["count"], seed=opts["seed"])
        took = time.perf_counter() - started
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        self.stdout.write(f"{opts['count']} cases in {district.name} in {took:.1f}s ({summary})")
