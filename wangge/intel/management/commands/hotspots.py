"""``manage.py hotspots --days 7 --district 410403``: the hot issues of the last days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.intel.hotspots import hot_issues
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder


class Command(BaseCommand):
    help = "列出热点诉求：按内容和社区聚类，按诉求人数与增长排序，并与前一同长时段比较。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="统计最近几天（默认 7）")
        parser.add_argument("--district", help="辖区编码（区、街道或社区）；默认全部")
        parser.add_argument("--end", help="截止日期 YYYY-MM-DD（不含当天），默认明天零点，即含今天")
        parser.add_argument("--top", type=int, default=10, help="最多列出几个热点（默认 10）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days 至少为 1")
        try:
            last = dt.date.fromisoformat(options["end"]) if options["end"] else timezone.localdate() + dt.timedelta(1)
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        end = timezone.make_aware(dt.datetime.combine(last, dt.time()))
        start = end - dt.timedelta(days=options["days"])
        cases = WorkOrder.objects.all()
        if options["district"]:
            node = Territory.objects.filter(code=options["district"]).first()
            if node is None:
                raise CommandError(f"没有编码为 {options['district']} 的辖区")
            cases = cases.filter(scope_path__startswith=node.path)
        issues = hot_issues(cases, start=start, end=end, top=options["top"])
        self.stdout.write(f"{start:%Y-%m-%d} 至 {end - dt.timedelta(seconds=1):%Y-%m-%d}：{len(issues)} 个热点")
        for rank, issue in enumerate(issues, 1):
            growth = "新出现" if issue.growth is None else f"{issue.growth:+.0%}"
            places = "、".join(f"{name}{n}件" for name, n in issue.places) or "未定位"
            self.stdout.write(
                f"{rank}. {issue.label}  {issue.size}件（上期{issue.previous}件，{growth}），"
                f"{issue.support}位诉求人，热度{issue.heat:g}  地点：{places}"
            )
            ids = [case_id for case_id, _title in issue.representatives]
            codes = dict(WorkOrder.objects.filter(pk__in=ids).values_list("pk", "tracking_code"))
            for case_id, title in issue.representatives:
                self.stdout.write(f"     {codes.get(case_id, '')} {title}")  # the case's code, never its id
