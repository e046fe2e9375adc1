"""Making rounds due and closing the ones not done (the periodic task's work).

- :func:`period_of` — the period a schedule gives a day: the day itself (daily), its week Monday–Sunday or its
  month, cut at the season's edges so that no two periods of one schedule overlap; with ``working_days_only``
  a day that is no working day has no daily round, and a longer period is due on its last working day.
- :func:`rounds_generate` — the rounds due on ``day``: for every active schedule (by priority), every point it
  covers that has a grid and a current checklist gets one round for the period, unless the point already has a
  round whose period covers the day (never two for one period, whatever ran before; the unique constraint on
  (point, period start) is the backstop against two runs at once). The assignee (定人) is the point's
  responsible user (rule ``responsible_user``), else the grid worker on turn: the grid's grid workers by id, in
  rotation by day. Rows are written in bulk with one audit entry per schedule.
- :func:`rounds_mark_missed` — every pending round past its closing time goes to 已漏巡 through the workflow.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import DomainError
from wangge.inspections import conf
from wangge.inspections.choices import AssigneeRule, Frequency, RoundStatus
from wangge.inspections.models import ChecklistTemplate, Round, Schedule
from wangge.inspections.services.rounds import round_transition
from wangge.places.models import Point
from wangge.workcalendar.arithmetic import get_calendar

__all__ = ["Period", "in_season", "period_of", "points_of", "rounds_generate", "rounds_mark_missed"]

Period = tuple[dt.date, dt.date, dt.date, str]  # start, end, due day, frequency


def in_season(schedule: Schedule, day: dt.date) -> bool:
    """Whether ``day`` lies in the schedule's season (which may run over the new year)."""
    start = (schedule.season_start_month, schedule.season_start_day)
    end = (schedule.season_end_month, schedule.season_end_day)
    md = (day.month, day.day)
    return start <= md <= end if start <= end else (md >= start or md <= end)


def period_of(schedule: Schedule, day: dt.date, *, calendar: Any = None) -> Period | None:
    """The period of ``schedule`` that contains ``day``, as (start, end, due day, frequency); None when the day
    has no round (a daily round on a day off of a working-days-only schedule, or a period without a working
    day)."""
    cal = calendar or get_calendar()
    season = in_season(schedule, day)
    frequency = schedule.season_frequency if season else schedule.off_season_frequency
    if frequency == Frequency.DAILY:
        first = last = day
    elif frequency == Frequency.WEEKLY:
        first, last = day - dt.timedelta(days=day.weekday()), day + dt.timedelta(days=6 - day.weekday())
    else:
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    while first < day and in_season(schedule, first) != season:  # cut at the season's edges
        first += dt.timedelta(days=1)
    while last > day and in_season(schedule, last) != season:
        last -= dt.timedelta(days=1)
    due = last
    if schedule.working_days_only:
        while due >= first and not cal.is_working_day(due):
            due -= dt.timedelta(days=1)
        if due < first:
            return None
    return first, last, due, str(frequency)


def points_of(schedule: Schedule) -> Any:
    """The points a schedule covers: those listed, else those of its point types, in its territory's subtree."""
    qs = Point.objects.filter(territory__path__startswith=schedule.territory.path, grid__isnull=False)
    listed = list(schedule.points.values_list("pk", flat=True))
    if listed:
        return qs.filter(pk__in=listed)
    return qs.filter(type__in=schedule.point_types.all())


def _grid_workers(grid_ids: set[int]) -> dict[int, list[int]]:
    rows = (
        RoleGrant.objects.filter(role=Role.GRID_WORKER, territory_id__in=grid_ids, user__is_active=True)
        .order_by("user_id")
        .values_list("territory_id", "user_id")
    )
    out: dict[int, list[int]] = defaultdict(list)
    for grid_id, user_id in rows:
        if user_id not in out[grid_id]:
            out[grid_id].append(user_id)
    return out


def assignee_for(schedule: Schedule, point: Point, start: dt.date, workers: dict[int, list[int]]) -> int | None:
    if schedule.assignee_rule == AssigneeRule.RESPONSIBLE_USER and point.responsible_user_id:
        return point.responsible_user_id
    on_grid = workers.get(point.grid_id or 0) or []
    return on_grid[(start.toordinal() + point.pk) % len(on_grid)] if on_grid else None


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def rounds_generate(*, actor: ActorLike, day: dt.date, is_synthetic: bool = False) -> dict[str, int]:
    """Make the rounds due for ``day`` (see the module notes); returns the counts ``created``, ``existing``
    (a round already covers the day), ``no_checklist`` and ``schedules``. Idempotent."""
    require(actor)
    cal = get_calendar()
    templates = {t.point_type_id: t.pk for t in ChecklistTemplate.objects.filter(is_current=True)}
    claimed: set[int] = set()
    counts = {"created": 0, "existing": 0, "no_checklist": 0, "schedules": 0}
    schedules = Schedule.objects.filter(is_active=True).select_related("territory").order_by("priority", "pk")
    for schedule in schedules:
        period = period_of(schedule, day, calendar=cal)
        if period is None:
            continue
        start, end, due_day, frequency = period
        points = [
            p
            for p in points_of(schedule).only("pk", "type_id", "grid_id", "responsible_user_id")
            if p.pk not in claimed
        ]
        claimed.update(p.pk for p in points)
        covered = set(
            Round.objects.filter(
                point__in=[p.pk for p in points], period_start__lte=day, period_end__gte=day
            ).values_list("point_id", flat=True)
        ) | set(
            Round.objects.filter(point__in=[p.pk for p in points], period_start=start).values_list(
                "point_id", flat=True
            )
        )
        workers = _grid_workers({p.grid_id for p in points if p.grid_id})
        due_at = _moment(due_day, conf.due_time())
        rows = []
        for p in points:
            if p.pk in covered:
                counts["existing"] += 1
                continue
            template_id = templates.get(p.type_id)
            if template_id is None:
                counts["no_checklist"] += 1
                continue
            rows.append(
                Round(
                    point_id=p.pk,
                    grid_id=p.grid_id,
                    schedule=schedule,
                    template_id=template_id,
                    frequency=frequency,
                    period_start=start,
                    period_end=end,
                    due_at=due_at,
                    closes_at=due_at + conf.grace(),
                    assignee_id=assignee_for(schedule, p, start, workers),
                    status=RoundStatus.PENDING,
                    is_synthetic=is_synthetic,
                )
            )
        if not rows:
            continue
        with transaction.atomic():
            Round.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
            counts["created"] += len(rows)
            counts["schedules"] += 1
            audit.record(
                actor=actor,
                action="inspections.rounds_generate",
                obj=schedule,
                after={"day": day.isoformat(), "period": [start.isoformat(), end.isoformat()], "rounds": len(rows)},
                only_changes=False,
            )
    return counts


def rounds_mark_missed(*, actor: ActorLike, now: dt.datetime | None = None) -> int:
    """Mark every pending round past its closing time missed (已漏巡), each through the workflow; returns how
    many. Idempotent: a round already marked or submitted meanwhile is left alone."""
    at = now or timezone.now()
    marked = 0
    for pk in list(Round.objects.filter(Q(status=RoundStatus.PENDING, closes_at__lt=at)).values_list("pk", flat=True)):
        try:
            round_transition(actor=actor, round=pk, name="mark_missed", now=at)
        except DomainError:  # a round moved on meanwhile (submitted, excused): nothing to do
            if Round.objects.filter(pk=pk, status=RoundStatus.PENDING, closes_at__lt=at).exists():
                raise
            continue
        marked += 1
    return marked
