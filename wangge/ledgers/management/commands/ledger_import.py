"""Import a ledger (residents, households, buildings, merchants, estates, hazards …) from an .xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.ledgers.importing import ledger_import
from wangge.ledgers.kinds import all_kinds


class Command(BaseCommand):
    help = "导入台账（.xlsx）。先校验全部行，任何一行有错误则不导入任何数据，列出每个错误并以状态 1 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="the ledger: " + ", ".join(k.key for k in all_kinds()))
        parser.add_argument("file", help="an .xlsx workbook whose first row holds the documented headers")
        parser.add_argument("--as", dest="username", help="import as this user (scope-checked); default: the system")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"file not found: {path}")
        actor: Any = SystemActor("ledger_import")
        if options.get("username"):
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"unknown user: {options['username']}")
            actor = user
        try:
            result = ledger_import(actor=actor, kind=options["kind"], file=str(path), source=path.name)
        except DomainError as exc:
            for detail in exc.details or []:
                column = detail.get("column") or detail.get("field", "")
                self.stderr.write(
                    f"row {detail.get('row')}\t{column}\t{detail.get('error', '')}\t{detail.get('reason', '')}"
                )
            raise CommandError(f"{exc.code}: {exc.message}", returncode=1) from exc
        self.stdout.write(f"imported {result.created} {result.kind} from {result.source}")
