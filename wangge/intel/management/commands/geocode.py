"""``manage.py geocode "卫东区优越路街道华西社区5号楼" [--district 410403]``: which territory an address names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.intel.geocode import LOCATE_MIN, match_address
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = "按地址文字匹配辖区节点（街道、社区、网格、楼栋、点位），逐行输出置信度、编码、名称和匹配依据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address", help="地址文字")
        parser.add_argument("--district", help="只在此区（编码）内匹配")
        parser.add_argument("--limit", type=int, default=5, help="最多输出几个候选（默认 5）")

    def handle(self, *args: Any, **options: Any) -> None:
        district = None
        if options["district"]:
            district = Territory.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"没有编码为 {options['district']} 的辖区")
        matches = match_address(options["address"], district=district, limit=options["limit"])
        if not matches:
            raise CommandError("未匹配到任何辖区 / no territory matched", returncode=1)
        for territory, confidence, matched_on in matches:
            mark = "*" if confidence >= LOCATE_MIN else " "
            self.stdout.write(f"{mark}{confidence:.3f} {territory.code} {territory.name}  [{'，'.join(matched_on)}]")
