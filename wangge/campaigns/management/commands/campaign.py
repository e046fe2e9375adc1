"""``manage.py campaign list`` prints the campaigns; ``manage.py campaign report ID --out DIR`` writes the
campaign bulletin (通报责任主体) as .xlsx and .pdf into DIR and prints their paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.campaigns.documents import bulletin_pdf, bulletin_xlsx, file_stem
from wangge.campaigns.models import Campaign
from wangge.campaigns.selectors import campaign_totals
from wangge.core import audit
from wangge.core.actors import SYSTEM


class Command(BaseCommand):
    help = "专项整治：list 列出专项；report ID --out DIR 生成专项通报（.xlsx 与 .pdf）并打印文件路径。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("list", help="list the campaigns with their progress")
        report = sub.add_parser("report", help="write the campaign bulletin as .xlsx and .pdf")
        report.add_argument("id", type=int, help="campaign id")
        report.add_argument("--out", required=True, help="directory to write into (created if missing)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list()
        else:
            self._report(options["id"], Path(options["out"]))

    def _list(self) -> None:
        for c in Campaign.objects.select_related("territory").order_by("-start_date", "-id"):
            t = campaign_totals(c)
            self.stdout.write(
                f"{c.pk}\t{c.code}\t{c.get_status_display()}\t{c.start_date}~{c.end_date}\t{c.territory.name}\t"
                f"{c.name}\t点位 {t['inspected']}/{t['points']}\t工单 {t['closed']}/{t['cases']}"
            )

    def _report(self, pk: int, out: Path) -> None:
        campaign = Campaign.objects.select_related("territory", "lead_unit").filter(pk=pk).first()
        if campaign is None:
            raise CommandError(f"no campaign with id {pk}")
        out.mkdir(parents=True, exist_ok=True)
        stem = file_stem(campaign)
        xlsx, pdf = out / f"{stem}.xlsx", out / f"{stem}.pdf"
        xlsx.write_bytes(bulletin_xlsx(campaign))
        pdf.write_bytes(bulletin_pdf(campaign))
        audit.record(
            actor=SYSTEM,
            action="campaigns.report_generate",
            obj=campaign,
            after={"files": [xlsx.name, pdf.name]},
            only_changes=False,
        )
        self.stdout.write(str(xlsx.resolve()))
        self.stdout.write(str(pdf.resolve()))
