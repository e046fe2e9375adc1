"""Measures of the closed loop (DOMAIN §4) per unit or territory for a period.

Denominators are "应…数": cases whose deadline fell in the period (应结案), not cases filed. 三率 are over
the cases dispatched (响应) or called back (解决, 满意) in the period. Everything is one aggregate query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet

from wangge.workorders.choices import Status
from wangge.workorders.clocks import deadline_overdue
from wangge.workorders.models import WorkOrder

GROUPS = {
    "unit": "assigned_unit_id",
    "district": "district_id",
    "street": "street_id",
    "community": "community_id",
    "grid": "grid_id",
    "category": "category_id",
}

SATISFACTION_DEFINITIONS = {"top3": 3, "top2": 4}  # lowest rating counted as satisfied


def sanlv_weights() -> dict[str, float]:
    w = getattr(settings, "WANGGE_SANLV_WEIGHTS", {"response": 30, "resolution": 35, "satisfaction": 35})
    return {k: float(v) for k, v in w.items()}


def satisfaction_definition() -> str:
    return str(getattr(settings, "WANGGE_SATISFACTION_DEFINITION", "top3"))


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


@dataclass
class Measures:
    key: Any = None
    received: int = 0
    dispatched: int = 0
    due: int = 0  # 应结案数
    closed: int = 0  # 结案数
    closed_on_time: int = 0  # 按期结案数
    handled_on_time: int = 0  # 按期处置数
    returned: int = 0
    reworked: int = 0
    extended: int = 0
    reopened: int = 0
    overdue_open: int = 0  # 超期未结
    responded_on_time: int = 0
    callbacks: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied_top3: int = 0
    satisfied_top2: int = 0
    bad_ratings: int = 0
    avg_handling_hours: float | None = None
    rates: dict[str, float | None] = field(default_factory=dict)

    def compute_rates(self) -> Measures:
        sat_def = satisfaction_definition()
        satisfied = self.satisfied_top3 if sat_def == "top3" else self.satisfied_top2
        r = {
            "closure": _rate(self.closed, self.due),  # 结案率
            "on_time_closure": _rate(self.closed_on_time, self.due),  # 按期结案率
            "on_time_handling": _rate(self.handled_on_time, self.due),  # 按期处置率
            "rework": _rate(self.reworked, self.due),  # 返工率
            "extension": _rate(self.extended, self.due),  # 延期率
            "return": _rate(self.returned, self.due),  # 退回率
            "reopen": _rate(self.reopened, self.due),  # 重办率
            "response": _rate(self.responded_on_time, self.dispatched),  # 响应率
            "resolution": _rate(self.resolved, self.callbacks),  # 解决率
            "satisfaction": _rate(satisfied, self.rated),  # 满意率 (configured definition)
            "satisfaction_top3": _rate(self.satisfied_top3, self.rated),
            "satisfaction_top2": _rate(self.satisfied_top2, self.rated),
        }
        weights = sanlv_weights()
        parts = [(weights[k], r[k]) for k in ("response", "resolution", "satisfaction")]
        r["composite"] = (
            round(sum(w * (v or 0.0) for w, v in parts) / sum(w for w, _ in parts), 6)
            if all(v is not None for _, v in parts)
            else None
        )
        self.rates = r
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def measures(
    queryset: QuerySet[WorkOrder] | None,
    start: dt.datetime,
    end: dt.datetime,
    *,
    group_by: str | None = None,
    now: dt.datetime | None = None,
) -> list[Measures]:
    """Measures over ``[start, end)``. ``queryset`` is already scoped (e.g. ``restrict(user)``)."""
    qs = queryset if queryset is not None else WorkOrder.objects.all()
    now = now or end
    counted = ~Q(status__in=[Status.MERGED, Status.INVALID])
    recv = Q(received_at__gte=start, received_at__lt=end)
    disp = Q(dispatched_at__gte=start, dispatched_at__lt=end) & counted
    due = Q(due_at__gte=start, due_at__lt=end) & counted & Q(parent__isnull=True) | (
        Q(due_at__gte=start, due_at__lt=end) & Q(relation="rectification")
    )
    cb = Q(callback_at__gte=start, callback_at__lt=end, callback_unreachable=False) & counted
    closed = Q(status=Status.CLOSED)
    sat3 = SATISFACTION_DEFINITIONS["top3"]
    sat2 = SATISFACTION_DEFINITIONS["top2"]
    agg = {
        "received": Count("pk", filter=recv),
        "dispatched": Count("pk", filter=disp),
        "due": Count("pk", filter=due),
        "closed": Count("pk", filter=due & closed),
        "closed_on_time": Count("pk", filter=due & closed & Q(handled_on_time=True)),
        "handled_on_time": Count("pk", filter=due & Q(handled_on_time=True)),
        "returned": Count("pk", filter=due & Q(return_count__gt=0)),
        "reworked": Count("pk", filter=due & Q(rework_count__gt=0)),
        "extended": Count("pk", filter=due & Q(extension_count__gt=0)),
        "reopened": Count("pk", filter=due & Q(reopen_count__gt=0)),
        "overdue_open": Count("pk", filter=due & deadline_overdue(now)),
        "responded_on_time": Count("pk", filter=disp & Q(accepted_on_time=True)),
        "callbacks": Count("pk", filter=cb & Q(resolved__isnull=False)),
        "resolved": Count("pk", filter=cb & Q(resolved=True)),
        "rated": Count("pk", filter=cb & Q(rating__isnull=False)),
        "satisfied_top3": Count("pk", filter=cb & Q(rating__gte=sat3)),
        "satisfied_top2": Count("pk", filter=cb & Q(rating__gte=sat2)),
        "bad_ratings": Count("pk", filter=cb & Q(rating__lte=2)),
        "avg_handling_seconds": Avg("handling_seconds", filter=due & closed),
    }
    window = recv | disp | Q(due_at__gte=start, due_at__lt=end) | Q(callback_at__gte=start, callback_at__lt=end)
    base = qs.filter(window)
    if group_by is None:
        rows = [base.aggregate(**agg)]
    else:
        column = GROUPS[group_by]
        rows = list(base.order_by().values(column).annotate(**agg))
    out: list[Measures] = []
    for row in rows:
        avg = row.pop("avg_handling_seconds")
        key = row.pop(GROUPS[group_by]) if group_by else None
        m = Measures(key=key, avg_handling_hours=round(avg / 3600, 2) if avg is not None else None, **row)
        out.append(m.compute_rates())
    return out


def measures_total(queryset: QuerySet[WorkOrder] | None, start: dt.datetime, end: dt.datetime) -> Measures:
    return measures(queryset, start, end)[0]
