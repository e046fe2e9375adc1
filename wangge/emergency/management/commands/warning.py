"""预警 from the command line, acting as the system (``core.actors.SystemActor``):

manage.py warning issue --type rainstorm --level orange --scope 410403 --text "…"   → warning=ID
manage.py warning coverage ID                                                        → coverage as JSON
manage.py warning lift ID [--note "…"]
manage.py warning upgrade ID --level red [--note "…"]   (and downgrade)
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.emergency.choices import HazardType, Level
from wangge.emergency.models import Warning
from wangge.emergency.selectors import coverage
from wangge.emergency.services import warning_issue, warning_transition

ACTOR = SystemActor("命令行")


def _warning(value: str) -> Warning:
    try:
        found = Warning.objects.filter(pk=int(value)).first()
    except ValueError:
        found = Warning.objects.filter(code=value).first()
    if found is None:
        raise CommandError(f"unknown warning: {value}")
    return found


class Command(BaseCommand):
    help = "预警：发布（issue）、覆盖情况（coverage，JSON）、升级/降级（upgrade/downgrade）、解除（lift）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue a warning; prints warning=ID")
        issue.add_argument("--type", required=True, choices=HazardType.values, dest="hazard_type")
        issue.add_argument("--level", required=True, choices=Level.values)
        issue.add_argument("--scope", required=True, action="append", help="territory code (repeat for several)")
        issue.add_argument("--text", required=True)
        issue.add_argument(
            "--hours", type=float, default=None, help="valid for this many hours (default: until lifted)"
        )
        cov = sub.add_parser("coverage", help="print the coverage of a warning as JSON")
        cov.add_argument("warning")
        lift = sub.add_parser("lift", help="lift (解除) a warning")
        lift.add_argument("warning")
        lift.add_argument("--note", default="")
        for name in ("upgrade", "downgrade"):
            p = sub.add_parser(name, help=f"{name} a warning to a new level")
            p.add_argument("warning")
            p.add_argument("--level", required=True, choices=Level.values)
            p.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "issue":
                now = timezone.now()
                hours = options.get("hours")
                warning = warning_issue(
                    actor=ACTOR,
                    hazard_type=options["hazard_type"],
                    level=options["level"],
                    text=options["text"],
                    nodes=options["scope"],
                    valid_until=now + dt.timedelta(hours=hours) if hours else None,
                    now=now,
                )
                self.stdout.write(f"warning={warning.pk}")
            elif action == "coverage":
                self.stdout.write(json.dumps(coverage(_warning(options["warning"])), ensure_ascii=False))
            elif action == "lift":
                w = warning_transition(
                    actor=ACTOR, warning=_warning(options["warning"]), name="lift", note=options["note"]
                )
                self.stdout.write(f"warning={w.pk} status={w.status}")
            else:
                w = warning_transition(
                    actor=ACTOR,
                    warning=_warning(options["warning"]),
                    name=action,
                    new_level=options["level"],
                    note=options["note"],
                )
                self.stdout.write(f"warning={w.pk} level={w.level} revision={w.revision}")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
