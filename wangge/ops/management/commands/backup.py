"""Write one backup archive: the database (pg_dump custom format, or the SQLite file copied online), the uploads
and a manifest of row counts and the case checksum."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个归档（tar），附清单（迁移状态、主要表行数、工单校验和）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="归档写入的目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            archive, manifest = backup(opts["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{k} {v}" for k, v in manifest["row_counts"].items())
        self.stdout.write(f"{archive}\n{manifest['engine']}: {counts}\ncase checksum {manifest['case_checksum']}")
