"""Print the ledgers' counts within a territory node's subtree as one JSON object."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.ledgers.kinds import summary
from wangge.territory.models import Territory


class Command(BaseCommand):
    help = (
        "打印某区域（含下级）的台账数量，一个 JSON 对象：buildings, households, residents, merchants, "
        "hazards_open, hazards_overdue, key_persons, visits_overdue。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="territory code, e.g. 410403")

    def handle(self, *args: Any, **options: Any) -> None:
        node = Territory.objects.filter(code=options["code"]).first()
        if node is None:
            raise CommandError(f"unknown territory code: {options['code']}")
        self.stdout.write(json.dumps(summary(node), ensure_ascii=False))
