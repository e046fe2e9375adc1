"""``manage.py hall_catalogue import FILE.xlsx`` — import the 事项清单 workbook (all or nothing, updated by code);
``manage.py hall_catalogue export FILE.xlsx`` — write the catalogue in the same layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.hall.services import catalogue_export, catalogue_import

ACTOR = SystemActor("hall_catalogue")


class Command(BaseCommand):
    help = "导入或导出政务服务事项清单（.xlsx）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["action"] == "export":
            path.write_bytes(catalogue_export(actor=ACTOR))
            self.stdout.write(f"exported {path}")
            return
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            with path.open("rb") as handle:
                result = catalogue_import(actor=ACTOR, file=handle, source=path.name)
        except DomainError as exc:
            for d in exc.details or []:
                self.stderr.write(f"第{d.get('row')}行 {d.get('column', '')}：{d.get('reason')}")
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created={result.created} updated={result.updated}")
