"""Export the responsibility points of a territory subtree as .xlsx or GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.core.geo import CRS_CHOICES
from wangge.places.exporting import points_export_geojson, points_export_xlsx
from wangge.places.models import Point
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = "导出辖区内的责任点位（.xlsx 或 GeoJSON）。责任人电话默认脱敏。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", required=True, help="territory code; the whole subtree is exported")
        parser.add_argument("--format", required=True, choices=("xlsx", "geojson"))
        parser.add_argument("--out", required=True, help="output file")
        parser.add_argument("--crs", default="wgs84", choices=CRS_CHOICES, help="datum of exported coordinates")
        parser.add_argument("--reveal", action="store_true", help="unmasked phones (written to the audit trail)")
        parser.add_argument("--actor", help="export as this user: only the points in their scope")

    def handle(self, *args: Any, **options: Any) -> None:
        node = Territory.objects.filter(code=options["scope"]).first()
        if node is None:
            raise CommandError(f"unknown territory code: {options['scope']}")
        actor: Any = SystemActor("command")
        queryset = Point.objects.filter(territory__path__startswith=node.path)
        if options.get("actor"):
            user = User.objects.filter(username=options["actor"]).first()
            if user is None:
                raise CommandError(f"unknown user: {options['actor']}")
            actor = user
            queryset = queryset.restrict(user)
        out = Path(options["out"])
        try:
            if options["format"] == "xlsx":
                out.write_bytes(
                    points_export_xlsx(queryset=queryset, crs=options["crs"], reveal=options["reveal"], actor=actor)
                )
            else:
                data = points_export_geojson(
                    queryset=queryset, crs=options["crs"], reveal=options["reveal"], actor=actor
                )
                out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"exported {queryset.count()} points to {out}")
