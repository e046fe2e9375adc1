"""Move audit entries (including login and logout events) older than a cutoff into a gzip JSON-lines file;
rows inside the retention (WANGGE_AUDIT_RETENTION_DAYS, at least 183 days) are never touched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.ops.backup import BackupError, audit_archive


class Command(BaseCommand):
    help = "把早于截止时间的审计与安全日志归档为 gzip JSON Lines 文件并从数据库删除（不得早于保留期）"

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--before", type=dt.date.fromisoformat, help="归档此日期（本地时间零点）之前的记录")
        when.add_argument("--older-than-days", type=int, help="归档早于 N 天的记录")
        parser.add_argument("--out", required=True, type=Path, help="归档文件（.jsonl.gz）")

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        if opts["before"] is not None:
            before = timezone.make_aware(dt.datetime.combine(opts["before"], dt.time.min))
        else:
            before = now - dt.timedelta(days=opts["older_than_days"])
        try:
            count = audit_archive(opts["out"], before=before, now=now)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"archived and deleted {count} audit entries before {before.isoformat()} to {opts['out']}")
