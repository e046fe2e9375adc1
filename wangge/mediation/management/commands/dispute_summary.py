"""Print the dispute figures of a territory node over a period as JSON (``mediation.selectors.dispute_summary``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.mediation.selectors import dispute_summary
from wangge.territory.models import Territory


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "矛盾纠纷统计（JSON）：排查数、受理数、调解成功数、化解率、平均化解天数及按成因、类型、街道、调解类型的分项。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="territory code (district, street, community or grid)")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: a year before --to)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        node = Territory.objects.filter(code=options["code"]).first()
        if node is None:
            raise CommandError(f"unknown territory code: {options['code']}")
        end = _day(options["end"]) if options.get("end") else timezone.localdate()
        start = _day(options["start"]) if options.get("start") else end - dt.timedelta(days=365)
        if start > end:
            raise CommandError("--from is after --to")
        data = dispute_summary(node, start, end)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
