"""The periodic work of 巡查体检: make today's rounds due and mark the closed ones missed. Takes no arguments
and is idempotent — run twice, or after a missed run, it creates no second round for a period and marks no round
twice (``services.generation``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from wangge.core.actors import SystemActor
from wangge.inspections.services import rounds_generate, rounds_mark_missed

SCHEDULER = SystemActor("scheduler")


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """One run: the rounds due today, then the rounds past their closing time marked missed."""
    at = now or timezone.now()
    counts = rounds_generate(actor=SCHEDULER, day=timezone.localtime(at).date())
    counts["missed"] = rounds_mark_missed(actor=SCHEDULER, now=at)
    return counts


@task()
def generate_inspection_rounds() -> dict[str, int]:
    return run()
