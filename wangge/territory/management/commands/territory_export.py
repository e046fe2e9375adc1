"""``manage.py territory_export CODE --out F --crs wgs84 [--kinds grid,community]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core import geo
from wangge.territory.choices import TerritoryKind
from wangge.territory.exporting import territory_export_geojson
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = "导出某节点及其全部下级为 GeoJSON（属性 code、name、kind、parent_code、area_m2、is_synthetic）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="根节点编码")
        parser.add_argument("--out", type=Path, help="输出文件（省略则写到标准输出）")
        parser.add_argument("--crs", choices=geo.CRS_CHOICES, default="wgs84", help="输出坐标系 (默认 wgs84)")
        parser.add_argument("--kinds", help="只导出这些层级，逗号分隔，如 community,grid")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Territory.objects.filter(code=options["code"]).first()
        if root is None:
            raise CommandError(f"节点 {options['code']} 不存在 / unknown territory", returncode=2)
        kinds = None
        if options["kinds"]:
            kinds = [k.strip() for k in options["kinds"].split(",") if k.strip()]
            unknown = sorted(set(kinds) - set(TerritoryKind.values))
            if unknown:
                raise CommandError(f"未知层级 {', '.join(unknown)}", returncode=2)
        data = territory_export_geojson(root=root, crs=options["crs"], kinds=kinds)
        text = json.dumps(data, ensure_ascii=False)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出 {len(data['features'])} 个要素到 {options['out']}")
        else:
            self.stdout.write(text)
