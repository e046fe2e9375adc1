"""Scheduled bulletins and assessment drafts. Tasks take plain values and are idempotent.

The periodic runner enqueues ``generate_due_bulletins`` every minute; it does work only once a day, after
``WANGGE_BULLETIN_TIME`` (default 17:30, before the 18:00 daily meeting), for the scopes whose bulletin of
the day has not been generated since that time. It also catches up: a bulletin of one of the previous
``WANGGE_BULLETIN_CATCH_UP_DAYS`` days (default 7, from the first day the schedule ran) that was never
generated — the runner was down at the bulletin time, a scope was added — is generated as of the end of its
day; one that exists is left as the meeting saw it. It enqueues ``prepare_monthly_assessments`` every hour; it
drafts last month's 一考评 of every grid worker who has none yet (the community then scores the manual
items and the street confirms), so nothing is drafted twice and a draft already being scored is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from wangge.core.actors import SystemActor
from wangge.reports import conf
from wangge.reports.choices import BulletinPeriod, ScopeKind
from wangge.reports.models import Bulletin
from wangge.reports.services import bulletin_generate
from wangge.territory.models import Territory

SCHEDULER = SystemActor("scheduler")  # who the history and audit log name for scheduled work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BulletinRun:
    date: dt.date
    scope_code: str
    period: str = BulletinPeriod.DAY


def scheduled_scopes() -> list[str]:
    """Territory codes that get a bulletin every day (levels from ``WANGGE_BULLETIN_KINDS``)."""
    return list(
        Territory.objects.filter(kind__in=conf.bulletin_kinds()).order_by("path").values_list("code", flat=True)
    )


def catch_up_days() -> int:
    return max(0, int(getattr(settings, "WANGGE_BULLETIN_CATCH_UP_DAYS", 7)))


def missed_bulletin_runs(now: dt.datetime, scopes: list[str] | None = None) -> list[BulletinRun]:
    """The bulletins of the previous ``catch_up_days()`` days that were never generated, oldest first — from
    the first day the schedule ran (a new installation owes nothing for the days before it)."""
    today = timezone.localtime(now).date()
    first = Bulletin.objects.filter(period=BulletinPeriod.DAY, scope_kind=ScopeKind.TERRITORY).aggregate(
        first=Min("date")
    )["first"]
    if first is None:
        return []
    days = [today - dt.timedelta(days=n) for n in range(catch_up_days(), 0, -1)]
    days = [d for d in days if d >= first]
    if not days:
        return []
    codes = scheduled_scopes() if scopes is None else scopes
    have = set(
        Bulletin.objects.filter(
            period=BulletinPeriod.DAY, date__in=days, scope_kind=ScopeKind.TERRITORY, scope_code__in=codes
        ).values_list("date", "scope_code")
    )
    return [BulletinRun(day, code) for day in days for code in codes if (day, code) not in have]


def due_bulletin_runs(now: dt.datetime) -> list[BulletinRun]:
    """The bulletins the schedule still owes at ``now``: the missed ones of the previous days; after the
    bulletin time, today's bulletin for every scheduled scope not generated since that time today."""
    local = timezone.localtime(now)
    scopes = scheduled_scopes()
    missed = missed_bulletin_runs(now, scopes)
    if local.time() < conf.bulletin_time():
        return missed
    day = local.date()
    since = dt.datetime.combine(day, conf.bulletin_time(), tzinfo=local.tzinfo)
    done = set(
        Bulletin.objects.filter(
            period=BulletinPeriod.DAY, date=day, scope_kind=ScopeKind.TERRITORY, generated_at__gte=since
        ).values_list("scope_code", flat=True)
    )
    return missed + [BulletinRun(day, code) for code in scopes if code not in done]


def due_weekly_runs(now: dt.datetime) -> list[BulletinRun]:
    """Last week's 周通报 the schedule still owes at ``now``: from Monday's weekly time on, for every scheduled
    scope that has none — so a scheduler that was down on Monday catches up later in the week."""
    local = timezone.localtime(now)
    monday = local.date() - dt.timedelta(days=local.weekday())
    if local.date() == monday and local.time() < conf.weekly_bulletin_time():
        return []
    week = monday - dt.timedelta(days=7)
    scopes = scheduled_scopes()
    have = set(
        Bulletin.objects.filter(
            period=BulletinPeriod.WEEK, date=week, scope_kind=ScopeKind.TERRITORY, scope_code__in=scopes
        ).values_list("scope_code", flat=True)
    )
    return [BulletinRun(week, code, BulletinPeriod.WEEK) for code in scopes if code not in have]


def _generate(runs: list[BulletinRun], now: dt.datetime | None = None) -> dict[str, int]:
    """Each scope on its own: one that fails (logged, counted, retried at the next run) does not keep the
    others from the meeting."""
    counts = {"generated": 0, "failed": 0}
    for run in runs:
        try:
            bulletin_generate(actor=SCHEDULER, date=run.date, scope_code=run.scope_code, now=now, period=run.period)
            counts["generated"] += 1
        except Exception:  # any failure of one scope is logged; the next scope goes on
            log.exception("bulletin %s %s %s failed", run.period, run.date, run.scope_code)
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
    """Enqueue every minute: generates today's bulletins once, after the configured time, and the missed
    ones of the previous days."""
    return run_due_bulletins()


def run_due_weekly_bulletins(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return _generate(due_weekly_runs(now), now=now)


@task()
def generate_due_weekly_bulletins() -> dict[str, int]:
    """Enqueue every few minutes: from Monday's weekly time on, last week's 周通报 for every scheduled scope,
    once."""
    return run_due_weekly_bulletins()


def assessment_drafts_due(now: dt.datetime) -> tuple[dt.date, list[int]]:
    """Last month, and the active grid workers without an assessment of it."""
    from wangge.reports.models import Assessment
    from wangge.reports.selectors import grid_workers

    first = timezone.localtime(now).date().replace(day=1)
    period = (first - dt.timedelta(days=1)).replace(day=1)
    done = Assessment.objects.filter(period=period).values("worker_id")
    workers = set()
    for root in Territory.objects.filter(depth=1):
        workers |= set(grid_workers(root).exclude(pk__in=done).values_list("pk", flat=True))
    return period, sorted(workers)


def run_monthly_assessment_drafts(now: dt.datetime | None = None) -> dict[str, int]:
    """Draft last month's assessments that are missing; one worker's failure does not stop the others."""
    from wangge.accounts.models import User
    from wangge.reports.services import assessment_prepare

    now = now or timezone.now()
    period, worker_ids = assessment_drafts_due(now)
    counts = {"drafted": 0, "failed": 0}
    for worker in User.objects.filter(pk__in=worker_ids).order_by("pk"):
        try:
            assessment_prepare(actor=SCHEDULER, worker=worker, year=period.year, month=period.month, now=now)
            counts["drafted"] += 1
        except Exception:  # logged and retried at the next run
            log.exception("assessment draft %s %s failed", period, worker.pk)
            counts["failed"] += 1
    return counts


@task()
def prepare_monthly_assessments() -> dict[str, int]:
    """Enqueue every hour: drafts the previous month's missing assessments (nothing once all exist)."""
    return run_monthly_assessment_drafts()
