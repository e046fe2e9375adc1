"""Generate (or regenerate) a daily bulletin and write it as .xlsx and .pdf."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import bulletin_xlsx


class Command(BaseCommand):
    help = "生成某日某辖区（区、街道编码）或承办单位（unit:编码）的日通报，输出 .xlsx 和 .pdf"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="通报日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--scope", required=True, help="辖区编码（如 410403）或单位编码（unit:410403-cgj）")
        parser.add_argument("--out", default=".", help="输出目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            day = dt.date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        try:
            bulletin = bulletin_generate(actor=SystemActor("bulletin"), date=day, scope_code=opts["scope"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"日通报_{bulletin.scope_code}_{day:%Y%m%d}"
        xlsx_path, pdf_path = out / f"{stem}.xlsx", out / f"{stem}.pdf"
        xlsx_path.write_bytes(bulletin_xlsx(bulletin))
        pdf_path.write_bytes(bulletin_pdf(bulletin))
        self.stdout.write(f"{bulletin} 第 {bulletin.version} 版")
        self.stdout.write(str(xlsx_path))
        self.stdout.write(str(pdf_path))
