"""Reads of 共商共治: the figures of meetings and tasks, a 红色物业's scores and ratings, what a territory node
shows of 分包, and the map layer. Every number a page shows is computed here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.cogovernance.choices import AssignmentKind, TaskStatus
from wangge.cogovernance.deadlines import done_on_time, end_of, overdue_q
from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting, PropertyReview, RedProperty
from wangge.territory.models import Territory

DEFINITIONS = {
    "overdue": _("落实中且已过办结时限当日（北京时间）的落实事项"),
    "on_time": _("在办结时限当日结束前办结的落实事项"),
}


def task_figures(tasks: QuerySet[FollowUpTask], now: dt.datetime | None = None) -> dict[str, int]:
    """落实事项: total, 落实中, 已办结 (of which on time), overdue now, 已撤销."""
    now = now or timezone.now()
    done = list(tasks.filter(status=TaskStatus.DONE).values_list("done_at", "deadline"))
    return {
        "total": tasks.count(),
        "open": tasks.filter(status=TaskStatus.OPEN).count(),
        "done": len(done),
        "on_time": sum(1 for done_at, deadline in done if done_at is not None and done_at < end_of(deadline)),
        "overdue": tasks.filter(overdue_q(now)).count(),
        "cancelled": tasks.filter(status=TaskStatus.CANCELLED).count(),
    }


def overdue_tasks(user: Any, now: dt.datetime | None = None) -> QuerySet[FollowUpTask]:
    return (
        FollowUpTask.objects.restrict(user)
        .filter(overdue_q(now or timezone.now()))
        .select_related("meeting", "meeting__territory")
        .order_by("deadline", "id")
    )


def meeting_rows(meetings: QuerySet[Meeting], now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings with their resolution, task, open and overdue counts."""
    now = now or timezone.now()
    return meetings.select_related("territory", "estate").annotate(
        n_resolutions=Count("resolutions", distinct=True),
        n_tasks=Count("tasks", distinct=True),
        n_open=Count("tasks", filter=Q(tasks__status=TaskStatus.OPEN), distinct=True),
        n_overdue=Count("tasks", filter=overdue_q(now, "tasks__"), distinct=True),
    )


def property_figures(prop: RedProperty) -> dict[str, Any]:
    """亮牌 ratings (count, average stars, share of 4–5 stars) and the latest 述职评议 (its period, each party's
    score and their mean)."""
    ratings = prop.ratings.aggregate(n=Count("id"), avg=Avg("stars"), good=Count("id", filter=Q(stars__gte=4)))
    latest = prop.reviews.order_by("-held_on", "-id").first()
    scores: list[PropertyReview] = list(prop.reviews.filter(period=latest.period)) if latest else []
    mean = sum((r.score for r in scores), Decimal(0)) / len(scores) if scores else None
    n = int(ratings["n"] or 0)
    return {
        "ratings": n,
        "stars": round(float(ratings["avg"]), 2) if ratings["avg"] is not None else None,
        "good_share": round(100 * int(ratings["good"] or 0) / n, 1) if n else None,
        "review_period": latest.period if latest else "",
        "review_scores": scores,
        "review_mean": round(mean, 1) if mean is not None else None,
    }


def staff_figures(prop: RedProperty) -> list[dict[str, Any]]:
    rows = (
        prop.staff.filter(is_active=True).annotate(n=Count("ratings"), avg=Avg("ratings__stars")).order_by("badge_no")
    )
    return [{"staff": s, "ratings": s.n, "stars": round(float(s.avg), 2) if s.avg is not None else None} for s in rows]


def assignments(user: Any) -> QuerySet[Assignment]:
    return Assignment.objects.restrict(user).select_related("territory", "point", "point__type", "unit", "leader")


def territory_assignments(user: Any, node: Territory) -> list[Assignment]:
    """The assignments in force on a node, on the nodes above it (its community's) and under it."""
    step = Territory.steplen
    ancestors = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    return list(
        assignments(user)
        .filter(is_active=True)
        .filter(Q(territory__path__in=ancestors) | Q(territory__path__startswith=node.path))
        .order_by("kind", "territory__path", "id")[:50]
    )


def assignment_geometry(a: Assignment) -> dict[str, Any] | None:
    """Where an assignment is drawn (WGS-84): its road line, its point, or its community's centroid."""
    if a.kind == AssignmentKind.ROAD and a.line:
        return dict(a.line)
    if a.point is not None:
        return {"type": "Point", "coordinates": [a.point.lng, a.point.lat]}
    t = a.territory
    if t.centroid_lng is not None and t.centroid_lat is not None:
        return {"type": "Point", "coordinates": [t.centroid_lng, t.centroid_lat]}
    return None


def properties(user: Any) -> QuerySet[RedProperty]:
    return RedProperty.objects.restrict(user).select_related("estate", "estate__community")


def done_on_time_share(tasks: list[FollowUpTask]) -> float | None:
    done = [t for t in tasks if t.status == TaskStatus.DONE]
    return round(100 * sum(1 for t in done if done_on_time(t)) / len(done), 1) if done else None
