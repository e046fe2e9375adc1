"""Reading the rounds: the figures of a territory node over a period and of a worker over a month, today's rounds
of a user, and the current checklists. One definition of each number, used by the pages, the API, the 日通报,
the 一考评 and the weekly report.

Definitions (``DEFINITIONS`` shows them on the page, in Chinese). A round is *due in a period* when the last
day of its own period (``period_end``) falls in it; an excused round (免检) is not due.

- 应巡查 (``due``): rounds due in the period;
- 已巡查 (``done``): of those, submitted (已完成 or 已抽查);
- 按时 (``on_time``) / 逾期 (``late``): done before / after the round's due time;
- 漏巡 (``missed``): marked missed, or still pending after the round closed (the periodic task marks them);
- 待巡查 (``pending``): still open to submission now;
- 位置偏离 (``far``): done farther from the point than the configured distance;
- 不合格项 (``failed_items``): failed checklist items of the done rounds; 转立工单 (``cases_opened``): the work
  orders those failures opened;
- 抽查 (``spot_checked``), 抽查不属实 (``disagreed``);
- 巡查率 = done / due, 按时巡查率 = on_time / due (None when nothing was due).

The functions read the subtree of a territory node, or a queryset already scoped by the caller; they never decide
who may see what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant
from wangge.inspections.choices import DONE_STATUSES, NOT_DUE_STATUSES, RoundStatus, Verdict
from wangge.inspections.models import ChecklistTemplate, Round
from wangge.places.models import PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = [
    "DEFINITIONS",
    "current_templates",
    "due_in",
    "in_subtree",
    "is_missed",
    "missed_q",
    "rounds_by_grid",
    "rounds_by_type",
    "rounds_summary",
    "today_rounds",
    "worker_round_figures",
]

DEFINITIONS = {
    "due": _("应巡查：周期截止日在统计期间内的巡查任务数（免检的不计）。"),
    "done": _("已巡查：其中已提交的任务数（含已抽查）。"),
    "on_time": _("按时：在应完成时间（周期最后一天 18:00，可配置）前提交的任务数；之后提交的计为逾期。"),
    "missed": _("漏巡：已记为漏巡，或超过补录截止时间仍未提交的任务数。"),
    "far": _("位置偏离：提交位置距点位超过规定距离（默认 200 米）的任务数，只标记不拒收。"),
    "failed_items": _("不合格项：已提交任务中不合格的检查项数；转立工单：由不合格项转立的工单数。"),
    "rates": _("巡查率 = 已巡查 ÷ 应巡查；按时巡查率 = 按时 ÷ 应巡查。"),
}
DONE_Q = Q(status__in=sorted(DONE_STATUSES))


def missed_q(now: dt.datetime) -> Q:
    """The condition of a missed round at ``now``: marked so, or still pending after it closed."""
    return Q(status=RoundStatus.MISSED) | Q(status=RoundStatus.PENDING, closes_at__lt=now)


def is_missed(r: Round, now: dt.datetime | None = None) -> bool:
    return r.status == RoundStatus.MISSED or (r.status == RoundStatus.PENDING and r.closes_at < (now or timezone.now()))


def in_subtree(node: Territory, qs: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """The rounds of the points in the grids under ``node`` (the node itself when it is a grid)."""
    base = Round.objects.all() if qs is None else qs
    return base.filter(grid__path__startswith=node.path)


def due_in(start: dt.date, end: dt.date, qs: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """The rounds due in the days ``start``..``end`` (inclusive): their period ends in it; excused ones left out."""
    base = Round.objects.all() if qs is None else qs
    return base.filter(period_end__gte=start, period_end__lte=end).exclude(status__in=sorted(NOT_DUE_STATUSES))


def _aggregates(now: dt.datetime) -> dict[str, Any]:
    return {
        "due": Count("pk"),
        "done": Count("pk", filter=DONE_Q),
        "on_time": Count("pk", filter=DONE_Q & Q(is_late=False)),
        "late": Count("pk", filter=DONE_Q & Q(is_late=True)),
        "missed": Count("pk", filter=missed_q(now)),
        "pending": Count("pk", filter=Q(status=RoundStatus.PENDING, closes_at__gte=now)),
        "far": Count("pk", filter=DONE_Q & Q(far_from_point=True)),
        "failed_rounds": Count("pk", filter=DONE_Q & Q(failed_items__gt=0)),
        "failed_items": Coalesce(Sum("failed_items", filter=DONE_Q), 0),
        "cases_opened": Coalesce(Sum("cases_opened"), 0),
        "spot_checked": Count("pk", filter=Q(status=RoundStatus.CHECKED)),
        "disagreed": Count("pk", filter=Q(status=RoundStatus.CHECKED, verdict=Verdict.DISAGREE)),
    }


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["completion_rate"] = _rate(row["done"], row["due"])
    row["on_time_rate"] = _rate(row["on_time"], row["due"])
    return row


def rounds_by_type(
    node: Territory, start: dt.date, end: dt.date, qs: QuerySet[Round] | None = None, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The figures under ``node`` for each point type that had rounds due (see the module notes)."""
    at = now or timezone.now()
    rows = (
        due_in(start, end, in_subtree(node, qs))
        .order_by()
        .values(type_id=F("point__type_id"))
        .annotate(**_aggregates(at))
    )
    types = {t.pk: t for t in PointType.objects.filter(pk__in=[r["type_id"] for r in rows])}
    out = []
    for r in rows:
        t = types[r.pop("type_id")]
        out.append(_with_rates({"key": t.key, "name": t.name, "ordering": t.ordering, **r}))
    out.sort(key=lambda r: (r.pop("ordering"), r["key"]))
    return out


def rounds_summary(
    node: Territory, start: dt.date, end: dt.date, qs: QuerySet[Round] | None = None, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The figures of the rounds under ``node`` due in ``start``..``end`` (inclusive), JSON-ready: ``due``,
    ``done``, ``on_time``, ``late``, ``missed``, ``pending``, ``far``, ``failed_rounds``, ``failed_items``,
    ``cases_opened``, ``spot_checked``, ``disagreed``, ``completion_rate``, ``on_time_rate`` (see the module
    notes), the same per point type (``by_type``) and per day (``by_day``), and the definitions."""
    at = now or timezone.now()
    rounds = due_in(start, end, in_subtree(node, qs)).order_by()
    totals = _with_rates(dict(rounds.aggregate(**_aggregates(at))))
    days = {r["period_end"]: r for r in rounds.values("period_end").annotate(**_aggregates(at))}
    by_day = []
    day = start
    while day <= end and (end - start).days <= 62:
        r = days.get(day)
        row = (
            {k: v for k, v in r.items() if k != "period_end"}
            if r
            else {k: 0 for k in totals if not k.endswith("_rate")}
        )
        by_day.append(_with_rates({"date": day.isoformat(), **row}))
        day += dt.timedelta(days=1)
    return {
        "territory": {"code": node.code, "name": node.name, "kind": node.kind},
        "from": start.isoformat(),
        "to": end.isoformat(),
        **totals,
        "by_type": rounds_by_type(node, start, end, qs, now=at),
        "by_day": by_day,
        "definitions": {key: str(text) for key, text in DEFINITIONS.items()},
    }


def rounds_by_grid(
    node: Territory, start: dt.date, end: dt.date, qs: QuerySet[Round] | None = None, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The figures per grid under ``node`` (only grids with rounds due), the lowest on-time rate first."""
    at = now or timezone.now()
    rows = due_in(start, end, in_subtree(node, qs)).order_by().values("grid_id").annotate(**_aggregates(at))
    grids = {g.pk: g for g in Territory.objects.filter(pk__in=[r["grid_id"] for r in rows])}
    out = [_with_rates({"code": grids[r["grid_id"]].code, "name": grids[r["grid_id"]].name, **r}) for r in rows]
    for r in out:
        r.pop("grid_id")
    out.sort(key=lambda r: (r["on_time_rate"] if r["on_time_rate"] is not None else 2, r["code"]))
    return out


def worker_round_figures(
    user: Any, month_start: dt.date, month_end: dt.date, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A worker's rounds for the 一考评 automatic items: the rounds assigned to ``user`` (定人) due in
    ``month_start``..``month_end`` — ``due``, ``done``, ``on_time``, ``late``, ``missed``, ``on_time_rate`` —
    and ``done_by_self`` (rounds due in the period the user submitted, whoever they were assigned to)."""
    at = now or timezone.now()
    mine = due_in(month_start, month_end).filter(assignee=user).order_by()
    row = mine.aggregate(
        due=Count("pk"),
        done=Count("pk", filter=DONE_Q),
        on_time=Count("pk", filter=DONE_Q & Q(is_late=False)),
        late=Count("pk", filter=DONE_Q & Q(is_late=True)),
        missed=Count("pk", filter=missed_q(at)),
    )
    row["on_time_rate"] = _rate(row["on_time"], row["due"])
    row["done_by_self"] = due_in(month_start, month_end).filter(DONE_Q, submitted_by=user).count()
    return row


def today_rounds(user: Any, qs: QuerySet[Round], *, now: dt.datetime | None = None) -> QuerySet[Round]:
    """The rounds open to ``user`` now (pending, not yet closed) that are theirs: assigned to them, or without an
    assignee in a grid where they are a grid worker or grid leader. ``qs`` is already scoped to the user."""
    at = now or timezone.now()
    user_id: int = getattr(user, "pk", None) or 0
    grids = RoleGrant.objects.filter(
        user_id=user_id, role__in=[Role.GRID_WORKER, Role.GRID_LEADER], territory__isnull=False
    ).values("territory_id")
    return (
        qs.filter(status=RoundStatus.PENDING, closes_at__gte=at, period_start__lte=timezone.localtime(at).date())
        .filter(Q(assignee_id=user_id) | Q(assignee__isnull=True, grid_id__in=grids))
        .select_related("point", "point__type", "grid")
        .order_by("due_at", "point__code")
    )


def current_templates() -> QuerySet[ChecklistTemplate]:
    return (
        ChecklistTemplate.objects.filter(is_current=True)
        .select_related("point_type")
        .order_by("point_type__ordering", "point_type__key")
    )


def district_of(node: Territory) -> Territory | None:
    """The district at or above ``node``."""
    step = Territory.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    found: Territory | None = (
        Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).order_by("-depth").first()
    )
    return found
