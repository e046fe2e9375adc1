"""Import responsibility points from an .xlsx workbook or a GeoJSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.core.geo import CRS_CHOICES
from wangge.places.importing import load_geojson, points_import_geojson, points_import_xlsx
from wangge.places.services import point_types_seed


class Command(BaseCommand):
    help = "导入责任点位（.xlsx 或 GeoJSON）。先校验全部行，有错误则不导入任何点位。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an .xlsx workbook or a .geojson/.json FeatureCollection")
        parser.add_argument(
            "--crs",
            required=True,
            choices=CRS_CHOICES,
            help="datum of the coordinates in the file (map tools in China give gcj02 or bd09)",
        )
        parser.add_argument("--actor", help="import as this user (scope-checked); default: the system")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"file not found: {path}")
        actor: Any = SystemActor("command")
        if options.get("actor"):
            user = User.objects.filter(username=options["actor"]).first()
            if user is None:
                raise CommandError(f"unknown user: {options['actor']}")
            actor = user
        point_types_seed()
        try:
            if path.suffix.lower() == ".xlsx":
                result = points_import_xlsx(actor=actor, file=str(path), crs=options["crs"])
            elif path.suffix.lower() in (".geojson", ".json"):
                result = points_import_geojson(actor=actor, data=load_geojson(str(path)), crs=options["crs"])
            else:
                raise CommandError("the file must end in .xlsx, .geojson or .json")
        except DomainError as exc:
            for detail in exc.details or []:
                where = f"row {detail.get('row')}" if "row" in detail else ""
                self.stderr.write(f"{where} {detail.get('field', '')}: {detail.get('reason', '')}".strip())
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"created {len(result.created)}, updated {len(result.updated)}, unchanged {len(result.unchanged)}"
        )
