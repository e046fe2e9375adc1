"""Generate (or regenerate) the weekly bulletin (周通报) of an ISO week and write it as .xlsx and .pdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.reports import weekly
from wangge.reports.choices import BulletinPeriod
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import bulletin_xlsx


class Command(BaseCommand):
    help = "生成某周某辖区（区、街道编码）或承办单位（unit:编码）的周通报，输出 .xlsx 和 .pdf"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="周次 YYYY-Www（ISO 周，如 2026-W48），默认上一周")
        parser.add_argument("--scope", required=True, help="辖区编码（如 410403）或单位编码（unit:410403-cgj）")
        parser.add_argument("--out", default=".", help="输出目录")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            monday = weekly.parse_week(opts["week"]) if opts["week"] else weekly.previous_week(timezone.localdate())
            bulletin = bulletin_generate(
                actor=SystemActor("bulletin"), date=monday, scope_code=opts["scope"], period=BulletinPeriod.WEEK
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        stem = f"周通报_{bulletin.scope_code}_{weekly.week_label(monday)}"
        xlsx_path, pdf_path = out / f"{stem}.xlsx", out / f"{stem}.pdf"
        xlsx_path.write_bytes(bulletin_xlsx(bulletin))
        pdf_path.write_bytes(bulletin_pdf(bulletin))
        self.stdout.write(f"{bulletin} 第 {bulletin.version} 版")
        self.stdout.write(str(xlsx_path))
        self.stdout.write(str(pdf_path))
