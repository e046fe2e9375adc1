"""``manage.py territory_summary CODE``: counts for a subtree, as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.territory.models import Territory
from wangge.territory.selectors import territory_summary


class Command(BaseCommand):
    help = (
        "输出辖区概况 JSON：counts 为该节点（计入自身层级）及其以下各层级的节点数（含 0），"
        "grid_workers 为在该辖区内任一节点被授予网格员角色的不同人员数，"
        "points_by_type 为每种点位类型在该辖区内的点位数（含 0）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="节点编码")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Territory.objects.filter(code=options["code"]).first()
        if root is None:
            raise CommandError(f"节点 {options['code']} 不存在 / unknown territory", returncode=2)
        self.stdout.write(json.dumps(territory_summary(root), ensure_ascii=False, indent=2))
