"""``manage.py locate LNG LAT --crs gcj02``: which territory holds this point, from the district down."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core import geo
from wangge.territory import locator
from wangge.territory.choices import TerritoryKind
from wangge.territory.selectors import territory_ancestors


class Command(BaseCommand):
    help = "定位坐标所在的辖区：从区（或最高一级）到最深节点逐行输出编码和名称。坐标默认为 WGS-84。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lng", type=float, help="经度")
        parser.add_argument("lat", type=float, help="纬度")
        parser.add_argument("--crs", choices=geo.CRS_CHOICES, default="wgs84", help="坐标系 (默认 wgs84)")

    def handle(self, *args: Any, **options: Any) -> None:
        lng, lat, crs = options["lng"], options["lat"], options["crs"]
        node = locator.locate(lng, lat, crs)
        if node is None:
            w_lng, w_lat = geo.to_wgs84(lng, lat, crs)
            raise CommandError(
                f"该点不在任何辖区内 / outside every territory (WGS-84 {w_lng:.6f}, {w_lat:.6f})",
                returncode=1,
            )
        chain = territory_ancestors(node)
        start = next((i for i, n in enumerate(chain) if n.kind == TerritoryKind.DISTRICT), 0)
        for item in chain[start:]:
            self.stdout.write(f"{item.code} {item.name}")
