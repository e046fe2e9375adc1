"""The demo's past 日通报: the bulletins the schedule would have generated on each of the last days of the
demo's history, at the bulletin time of each day, so the bulletin list and its downloads are not empty and
the schedule's catch-up (``reports.tasks``) has a first day to count from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from wangge.reports import conf
from wangge.reports.choices import BulletinPeriod, ScopeKind
from wangge.reports.models import Bulletin
from wangge.reports.services import bulletin_generate
from wangge.reports.tasks import scheduled_scopes
from wangge.territory.models import Territory

DEMO_BULLETIN_DAYS = 7  # the district's: calendar days back from yesterday, the week a bulletin compares with
DEMO_STREET_BULLETIN_DAYS = 1  # the streets': yesterday (about 0.5 s a bulletin; the schedule catches up the rest)


def bulletin_days(today: dt.date, days: int = DEMO_BULLETIN_DAYS) -> list[dt.date]:
    return [today - dt.timedelta(days=n) for n in range(days, 0, -1)]


def demo_runs(district_code: str, today: dt.date) -> list[tuple[dt.date, str]]:
    """(day, scope) of the bulletins the demo keeps: the district that has the demo's case history over the
    last ``DEMO_BULLETIN_DAYS`` days, its streets for the last ``DEMO_STREET_BULLETIN_DAYS``, in date order.
    The other district (no cases) and the streets' earlier days are left to the schedule's catch-up."""
    district = Territory.objects.filter(code=district_code).first()
    if district is None:
        return []
    inside = set(Territory.objects.filter(path__startswith=district.path).values_list("code", flat=True))
    scopes = [code for code in scheduled_scopes() if code in inside]
    recent = set(bulletin_days(today, DEMO_STREET_BULLETIN_DAYS))
    return [
        (day, code)
        for day in bulletin_days(today, DEMO_BULLETIN_DAYS)
        for code in scopes
        if code == district.code or day in recent
    ]


def bulletins_seed(*, actor: Any, district_code: str) -> tuple[int, int]:
    """The demo's bulletins (``demo_runs``), each generated as the schedule would at its day's bulletin time;
    one that exists is left alone. (created, unchanged)."""
    tz = timezone.get_current_timezone()
    runs = demo_runs(district_code, timezone.localdate())
    have = set(
        Bulletin.objects.filter(
            period=BulletinPeriod.DAY,
            date__in={day for day, _code in runs},
            scope_kind=ScopeKind.TERRITORY,
            scope_code__in={c for _d, c in runs},
        ).values_list("date", "scope_code")
    )
    created = 0
    for day, code in runs:
        if (day, code) in have:
            continue
        bulletin_generate(
            actor=actor, date=day, scope_code=code, now=dt.datetime.combine(day, conf.bulletin_time(), tzinfo=tz)
        )
        created += 1
    return created, len(runs) - created
