"""``manage.py territory_import FILE --crs gcj02 [--parent CODE] [--synthetic]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core import geo
from wangge.core.actors import SystemActor
from wangge.core.errors import ValidationFailed
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = (
        "导入辖区边界 GeoJSON（FeatureCollection，要素属性 code、name、kind、可选 parent_code）。"
        "先校验全部要素，有任何问题则逐条列出且不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON 文件")
        parser.add_argument("--crs", choices=geo.CRS_CHOICES, default="wgs84", help="文件坐标系 (默认 wgs84)")
        parser.add_argument("--parent", metavar="CODE", help="上级节点编码：要素都须位于其下")
        parser.add_argument("--synthetic", action="store_true", help="标记为演示合成数据")
        parser.add_argument("--user", metavar="USERNAME", help="记入审计日志的操作人")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {path}: {exc}", returncode=2) from exc
        parent = None
        if options["parent"]:
            parent = Territory.objects.filter(code=options["parent"]).first()
            if parent is None:
                raise CommandError(f"上级节点 {options['parent']} 不存在 / unknown parent", returncode=2)
        actor: Any = SystemActor("command")
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户 {options['user']} 不存在 / unknown user", returncode=2)
            actor = user
        try:
            result = territory_import_geojson(
                actor=actor, data=data, crs=options["crs"], parent=parent, synthetic=options["synthetic"]
            )
        except ValidationFailed as exc:
            for d in exc.details or []:
                where = "文件" if d.get("feature") is None else f"第 {d['feature']} 个要素"
                code = f" {d['code']}" if d.get("code") else ""
                self.stderr.write(f"{where}{code}: {d['reason']}")
            raise CommandError(str(exc.message), returncode=1) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"新建 {result.created}，更新 {result.updated}，未变 {result.unchanged} "
                f"(created {result.created}, updated {result.updated}, unchanged {result.unchanged})"
            )
        )
