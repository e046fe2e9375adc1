"""Read-side queries of supervision and assessment, scoped to the user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from wangge.accounts.choices import Role
from wangge.accounts.models import User
from wangge.reports.bulletins import day_bounds
from wangge.reports.models import Assessment, Bulletin, DailyLog, PatrolCheckin
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.workflow import Actor


def bulletins_for(user: Any) -> QuerySet[Bulletin]:
    return Bulletin.objects.restrict(user).defer("data")


def grid_workers(under: Territory) -> QuerySet[User]:
    """Active grid workers holding a grant on a grid in ``under``'s subtree."""
    ids = User.objects.filter(
        is_active=True,
        grants__role=Role.GRID_WORKER,
        grants__territory__kind=TerritoryKind.GRID,
        grants__territory__path__startswith=under.path,
    ).values("pk")
    return User.objects.filter(pk__in=ids).order_by("username")


def checkins_for(user: Any, *, worker_id: int, day: dt.date) -> QuerySet[PatrolCheckin]:
    """A worker's check-ins of one day: in the user's scope, or the user's own."""
    start, end = day_bounds(day)
    visible: QuerySet[PatrolCheckin] = PatrolCheckin.objects.restrict(user) | PatrolCheckin.objects.filter(worker=user)
    return (
        visible.filter(worker_id=worker_id, at__gte=start, at__lt=end)
        .select_related("grid", "territory", "worker")
        .order_by("at", "pk")
    )


def daily_log_for(user: Any, *, worker_id: int, day: dt.date) -> DailyLog | None:
    visible: QuerySet[DailyLog] = DailyLog.objects.restrict(user) | DailyLog.objects.filter(worker=user)
    return visible.filter(worker_id=worker_id, date=day).first()


def assessments_for(user: Any, *, period: dt.date | None = None) -> QuerySet[Assessment]:
    """Assessments in the user's scope, and the user's own."""
    qs: QuerySet[Assessment] = Assessment.objects.restrict(user) | Assessment.objects.filter(worker=user)
    if period is not None:
        qs = qs.filter(period=period)
    return qs.select_related("worker", "grid", "community", "street")


def communities_scored_by(user: Any) -> list[Territory]:
    """Communities where the user may score assessments."""
    return _nodes_with_role(user, frozenset({Role.COMMUNITY_STAFF, Role.ADMIN}), TerritoryKind.COMMUNITY)


def streets_confirmed_by(user: Any) -> list[Territory]:
    """Streets where the user may confirm assessments and decide the ladder."""
    return _nodes_with_role(user, frozenset({Role.STREET_STAFF, Role.ADMIN}), TerritoryKind.STREET)


def _nodes_with_role(user: Any, roles: frozenset[str], kind: str) -> list[Territory]:
    actor = Actor.of(user)
    nodes = Territory.objects.restrict(user).filter(kind=kind)
    return [n for n in nodes if actor.has_role_over(roles, n.path)]


def may_score(user: Any, a: Assessment) -> bool:
    return Actor.of(user).has_role_over(frozenset({Role.COMMUNITY_STAFF, Role.ADMIN}), a.community.path)


def may_confirm(user: Any, a: Assessment) -> bool:
    return Actor.of(user).has_role_over(frozenset({Role.STREET_STAFF, Role.ADMIN}), a.street.path)
