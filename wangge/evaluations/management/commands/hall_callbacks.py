"""``hall_callbacks draw --month YYYY-MM [--share 0.2] --seed N``: draw a month's callback sample (or return the
recorded one) and print ``{"finished", "sampled", "bad_ratings_included", "ids_sha256"}`` as one JSON object.
``hall_callbacks replay --month YYYY-MM``: draw the recorded month again from its seed and compare."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.evaluations.models import CallbackDraw
from wangge.evaluations.services import callback_draw, callback_draw_replay


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError("--month must be YYYY-MM") from exc


class Command(BaseCommand):
    help = "Draw a month's 好差评 callback sample (draw), or check a recorded draw against its seed (replay)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        draw = sub.add_parser("draw")
        draw.add_argument("--month", required=True, help="YYYY-MM")
        draw.add_argument("--share", default=None, help="share of the finished 办件 (default: the setting)")
        draw.add_argument("--seed", required=True, type=int)
        replay = sub.add_parser("replay")
        replay.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        month = _month(options["month"])
        if options["action"] == "replay":
            draw = CallbackDraw.objects.filter(month=month).first()
            if draw is None:
                raise CommandError(f"no draw recorded for {month:%Y-%m}")
            self.stdout.write(json.dumps(callback_draw_replay(draw), ensure_ascii=False))
            return
        try:
            drawn, _created = callback_draw(
                actor=SystemActor("hall_callbacks"), month=month, seed=options["seed"], share=options["share"]
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        result = {
            "finished": drawn.finished,
            "sampled": drawn.sampled,
            "bad_ratings_included": drawn.bad_ratings_included,
            "ids_sha256": drawn.ids_sha256,
        }
        self.stdout.write(json.dumps(result))
