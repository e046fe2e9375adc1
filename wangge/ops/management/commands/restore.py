"""Restore a backup archive into the configured database (or ``--database-url``) and MEDIA_ROOT, then compare
the row counts and the case checksum with the archive's manifest; exits non-zero on a mismatch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.ops.backup import BackupError, database_alias, restore


class Command(BaseCommand):
    help = "从备份归档恢复数据库与上传文件，并按清单核对行数与工单校验和"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="backup 命令写出的 .tar 归档")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然覆盖")
        parser.add_argument("--database-url", help="恢复到另一个数据库（演练），默认是当前配置的数据库")
        parser.add_argument("--no-media", action="store_true", help="不恢复上传文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            with database_alias(opts["database_url"]) as alias:
                comparison = restore(opts["archive"], alias=alias, force=opts["force"], media=not opts["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for line in comparison.lines():
            self.stdout.write(line)
        if not comparison.ok:
            raise CommandError("the restored database does not match the manifest", returncode=3)
        self.stdout.write("restore verified")
