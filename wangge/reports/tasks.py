"""Scheduled bulletins. Tasks take plain values and are idempotent.

The periodic runner enqueues ``generate_due_bulletins`` every minute; it does work only once a day, after
``WANGGE_BULLETIN_TIME`` (default 17:30, before the 18:00 daily meeting), for the scopes whose bulletin of
the day has not been generated since that time.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.utils import timezone
from django_tasks import task

from wangge.reports import conf
from wangge.reports.choices import ScopeKind
from wangge.reports.models import Bulletin
from wangge.reports.services import bulletin_generate
from wangge.territory.models import Territory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BulletinRun:
    date: dt.date
    scope_code: str


def scheduled_scopes() -> list[str]:
    """Territory codes that get a bulletin every day (levels from ``WANGGE_BULLETIN_KINDS``)."""
    return list(
        Territory.objects.filter(kind__in=conf.bulletin_kinds()).order_by("path").values_list("code", flat=True)
    )


def due_bulletin_runs(now: dt.datetime) -> list[BulletinRun]:
    """The bulletins the schedule still owes at ``now``: none before the bulletin time; after it, today's
    bulletin for every scheduled scope not generated since that time today."""
    local = timezone.localtime(now)
    if local.time() < conf.bulletin_time():
        return []
    day = local.date()
    since = dt.datetime.combine(day, conf.bulletin_time(), tzinfo=local.tzinfo)
    done = set(
        Bulletin.objects.filter(date=day, scope_kind=ScopeKind.TERRITORY, generated_at__gte=since).values_list(
            "scope_code", flat=True
        )
    )
    return [BulletinRun(day, code) for code in scheduled_scopes() if code not in done]


def _generate(runs: list[BulletinRun], now: dt.datetime | None = None) -> dict[str, int]:
    """Each scope on its own: one that fails (logged, counted, retried at the next run) does not keep the
    others from the meeting."""
    counts = {"generated": 0, "failed": 0}
    for run in runs:
        try:
            bulletin_generate(actor=None, date=run.date, scope_code=run.scope_code, now=now)
            counts["generated"] += 1
        except Exception:  # any failure of one scope is logged; the next scope goes on
            log.exception("bulletin %s %s failed", run.date, run.scope_code)
            counts["failed"] += 1
    return counts


@task()
def generate_daily_bulletins(date: str | None = None) -> dict[str, int]:
    """(Re)generate the bulletins of ``date`` (ISO, default today) for every scheduled scope."""
    day = dt.date.fromisoformat(date) if date else timezone.localdate()
    return _generate([BulletinRun(day, code) for code in scheduled_scopes()])


def run_due_bulletins(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return _generate(due_bulletin_runs(now), now=now)


@task()
def generate_due_bulletins() -> dict[str, int]:
    """Enqueue every minute: generates today's bulletins once, after the configured time."""
    return run_due_bulletins()
