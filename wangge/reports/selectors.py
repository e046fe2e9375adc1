"""Read-side queries of supervision and assessment, scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.reports.bulletins import day_bounds
from wangge.reports.models import Assessment, Bulletin, DailyLog, PatrolCheckin
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import Event, WorkOrder
from wangge.workorders.workflow import TRANSITIONS


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
    workers: QuerySet[User] = User.objects.filter(pk__in=ids)
    return workers.order_by("username")


def checkins_for(user: Any, *, worker_id: int, day: dt.date) -> QuerySet[PatrolCheckin]:
    """A worker's check-ins of one day: in the user's scope, or the user's own."""
    start, end = day_bounds(day)
    return (
        visible_checkins(user)
        .filter(worker_id=worker_id, at__gte=start, at__lt=end)
        .select_related("grid", "territory", "worker")
        .order_by("at", "pk")
    )


PATROL_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER)


def patrol_workers(user: Any, *, under: Territory | None = None) -> QuerySet[User]:
    """Active grid workers (and 网格长) responsible for a grid the user sees, optionally within ``under``."""
    grids = Territory.objects.restrict(user).filter(kind=TerritoryKind.GRID)
    if under is not None:
        grids = grids.filter(path__startswith=under.path)
    ids = User.objects.filter(
        is_active=True, grants__role__in=PATROL_ROLES, grants__territory__in=grids.values("pk")
    ).values("pk")
    workers: QuerySet[User] = User.objects.filter(pk__in=ids)
    return workers.order_by("username")


def visible_worker(user: Any, worker_id: int) -> User | None:
    """The worker whose log the user may read: oneself, or a worker of a grid in the user's scope."""
    if worker_id == getattr(user, "pk", None):
        oneself: User | None = User.objects.filter(pk=worker_id).first()
        return oneself
    return patrol_workers(user).filter(pk=worker_id).first()


def visible_checkins(user: Any) -> QuerySet[PatrolCheckin]:
    """Check-ins in the user's scope, and the user's own."""
    return PatrolCheckin.objects.restrict(user) | PatrolCheckin.objects.filter(worker=user)


@dataclass
class WorkerDay:
    """One line of the daily-log review: a worker's check-ins and log of one day."""

    worker: User
    grids: list[Territory]
    checkins: int = 0
    in_own_grid: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    log: DailyLog | None = None

    @property
    def submitted(self) -> bool:
        return self.log is not None and self.log.is_complete


def worker_days(user: Any, *, day: dt.date, under: Territory | None = None) -> list[WorkerDay]:
    """Every worker the user oversees with the day's check-ins (as far as the user sees them) and log,
    in grid order; three queries whatever the number of workers."""
    workers = list(patrol_workers(user, under=under))
    ids = [w.pk for w in workers]
    grids: dict[int, list[Territory]] = {}
    for g in (
        RoleGrant.objects.filter(user_id__in=ids, role__in=PATROL_ROLES, territory__kind=TerritoryKind.GRID)
        .select_related("territory")
        .order_by("territory__path")
    ):
        assert g.territory is not None
        if all(t.pk != g.territory.pk for t in grids.setdefault(g.user_id, [])):
            grids[g.user_id].append(g.territory)
    start, end = day_bounds(day)
    stats = {
        r["worker_id"]: r
        for r in visible_checkins(user)
        .filter(worker_id__in=ids, at__gte=start, at__lt=end)
        .order_by()
        .values("worker_id")
        .annotate(n=Count("pk"), own=Count("pk", filter=Q(in_own_grid=True)), first=Min("at"), last=Max("at"))
    }
    visible_logs: QuerySet[DailyLog] = DailyLog.objects.restrict(user) | DailyLog.objects.filter(worker=user)
    logs = {log.worker_id: log for log in visible_logs.filter(worker_id__in=ids, date=day)}
    rows = []
    for w in workers:
        s = stats.get(w.pk, {})
        rows.append(
            WorkerDay(
                worker=w,
                grids=grids.get(w.pk, []),
                checkins=s.get("n", 0),
                in_own_grid=s.get("own", 0),
                first_at=s.get("first"),
                last_at=s.get("last"),
                log=logs.get(w.pk),
            )
        )
    rows.sort(key=lambda r: (r.grids[0].path if r.grids else "~", r.worker.username))
    return rows


# Steps a grid worker takes in the field that belong in their day's log.
FIELD_STEPS = ("resolve_on_site", "verify_pass", "verify_fail")


def daily_log_draft(user: Any, *, day: dt.date) -> str:
    """What the user's log of ``day`` starts from before they write it: the day's check-ins, the cases they
    reported and the cases they checked or resolved on the spot, one line each kind (empty when none)."""
    start, end = day_bounds(day)
    lines = []
    checkins = list(checkins_for(user, worker_id=user.pk, day=day))
    if checkins:
        stops = [
            f"{timezone.localtime(c.at):%H:%M} {(c.grid or c.territory).name}" + (f"（{c.note}）" if c.note else "")
            for c in checkins
        ]
        lines.append(_("巡查签到 %(n)d 次：%(stops)s") % {"n": len(stops), "stops": "；".join(stops)})
    filed = list(
        WorkOrder.objects.filter(filed_by=user, received_at__gte=start, received_at__lt=end).order_by("received_at")
    )
    if filed:
        named = "；".join(f"{wo.tracking_code} {wo.title}" for wo in filed)
        lines.append(_("上报事件 %(n)d 件：%(cases)s") % {"n": len(filed), "cases": named})
    steps = list(
        Event.objects.filter(actor=user, name__in=FIELD_STEPS, at__gte=start, at__lt=end)
        .select_related("work_order")
        .order_by("at")
    )
    if steps:
        named = "；".join(
            f"{ev.work_order.tracking_code} {ev.work_order.title}（{TRANSITIONS[ev.name].label}）" for ev in steps
        )
        lines.append(_("核查和现场处置 %(n)d 件：%(cases)s") % {"n": len(steps), "cases": named})
    return "\n".join(lines)


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
    nodes = Territory.objects.restrict(user).filter(kind=kind)
    return [n for n in nodes if permissions.has_role_over(user, roles, n.path)]


def may_score(user: Any, a: Assessment) -> bool:
    return permissions.has_role_over(user, frozenset({Role.COMMUNITY_STAFF, Role.ADMIN}), a.community.path)


def may_confirm(user: Any, a: Assessment) -> bool:
    return permissions.has_role_over(user, frozenset({Role.STREET_STAFF, Role.ADMIN}), a.street.path)
