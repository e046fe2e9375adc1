"""Export a ledger within a territory node as .xlsx (or .csv), masked unless --reveal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.accounts.models import User
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.ledgers.exporting import ledger_export, scope_node
from wangge.ledgers.kinds import all_kinds


class Command(BaseCommand):
    help = "导出台账（.xlsx 或 .csv，按文件扩展名）：表头与导入模板一致，个人号码默认脱敏。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="the ledger: " + ", ".join(k.key for k in all_kinds()))
        parser.add_argument("--scope", required=True, help="territory code whose subtree is exported")
        parser.add_argument("--out", required=True, help="the file to write (.xlsx or .csv)")
        parser.add_argument("--reveal", action="store_true", help="full ID and phone numbers (audited)")
        parser.add_argument("--as", dest="username", help="export as this user (scope-checked); default: the system")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
        actor: Any = SystemActor("ledger_export")
        if options.get("username"):
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"unknown user: {options['username']}")
            actor = user
        try:
            node = scope_node(actor=actor, code=options["scope"])
            data = ledger_export(actor=actor, kind=options["kind"], node=node, reveal=options["reveal"], fmt=fmt)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        out.write_bytes(data)
        self.stdout.write(f"wrote {out}")
