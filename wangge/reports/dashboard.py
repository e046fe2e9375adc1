"""Data of the leader dashboard (领导驾驶舱 / 大屏), always through ``restrict(user)``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from wangge.duty import selectors as duty_selectors
from wangge.emergency import selectors as emergency_selectors
from wangge.mediation import selectors as mediation_selectors
from wangge.mediation.models import Dispute
from wangge.reports.bulletins import NOT_DISPATCHED, day_bounds
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import headlines
from wangge.workorders.measures import satisfaction_definition
from wangge.workorders.models import WorkOrder

TOP_CATEGORIES = 8


def dashboard_data(user: Any, *, now: dt.datetime | None = None, days: int = 30) -> dict[str, Any]:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    first_day = today - dt.timedelta(days=days - 1)
    start, _ = day_bounds(first_day)
    _, tomorrow = day_bounds(today)
    qs: QuerySet[WorkOrder] = WorkOrder.objects.restrict(user)

    received = {
        r["d"]: r["n"]
        for r in headlines.received_cases(qs, start, tomorrow)
        .annotate(d=TruncDate("received_at", tzinfo=tz))
        .order_by()
        .values("d")
        .annotate(n=Count("pk"))
    }
    closed = {
        r["d"]: r["n"]
        for r in headlines.closed_cases(qs, start, tomorrow)
        .annotate(d=TruncDate("closed_at", tzinfo=tz))
        .order_by()
        .values("d")
        .annotate(n=Count("pk"))
    }
    dates = [first_day + dt.timedelta(days=i) for i in range(days)]

    recent = qs.filter(received_at__gte=start)
    mix = list(
        recent.annotate(top=Coalesce(F("category__parent__name"), F("category__name")))
        .order_by()
        .values("top")
        .annotate(n=Count("pk"))
        .order_by("-n", "top")
    )
    categories = [{"name": r["top"] or "未分类", "value": r["n"]} for r in mix[:TOP_CATEGORIES]]
    rest = sum(r["n"] for r in mix[TOP_CATEGORIES:])
    if rest:
        categories.append({"name": "其他", "value": rest})

    grid_counts = {r["grid_id"]: r["n"] for r in recent.order_by().values("grid_id").annotate(n=Count("pk"))}
    grids = Territory.objects.restrict(user).filter(kind=TerritoryKind.GRID).values("pk", "code", "name")
    heat = [{"name": g["code"], "label": g["name"], "value": grid_counts.get(g["pk"], 0)} for g in grids]

    figures = headlines.headlines(qs, now)
    month = figures.month
    overdue = headlines.overdue_cases(qs, now)
    overdue_units = [
        {"name": r["assigned_unit__name"] or NOT_DISPATCHED, "value": r["n"]}
        for r in overdue.order_by()
        .values("assigned_unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "assigned_unit__name")[:8]
    ]
    return {
        "as_of": timezone.localtime(now).isoformat(),
        "days": days,
        "kpis": {
            "today_received": figures.today_received,
            "month_received": figures.month_received,
            "open": figures.open,
            "overdue": figures.overdue,
            "supervised": figures.supervised,
            "month_closed": figures.month_closed,
            "month_due": month.due,
            "month_due_closed": month.closed,
        },
        # What each figure counts, shown as its tooltip (the same words as on the home page and the bulletin).
        "definitions": {
            "today_received": headlines.definition("received"),
            "month_received": headlines.definition("received"),
            "open": headlines.definition("open"),
            "overdue": headlines.definition("overdue"),
            "supervised": headlines.definition("supervised"),
            "month_closed": headlines.definition("closed"),
            "month_due": headlines.definition("due") + "；" + headlines.definition("due_closed"),
        },
        "trend": {
            "dates": [d.isoformat() for d in dates],
            "received": [received.get(d, 0) for d in dates],
            "closed": [closed.get(d, 0) for d in dates],
        },
        "categories": categories,
        "heat": heat,
        "gauges": {
            "on_time_closure": month.rates["on_time_closure"],
            "closure": month.rates["closure"],
            "response": month.rates["response"],
            "satisfaction": month.rates["satisfaction"],
            "composite": month.rates["composite"],
        },
        "satisfaction_definition": satisfaction_definition(),
        "overdue_units": overdue_units,
        "mediation": _mediation(user, today),
        **_on_call(user, now),
    }


def _on_call(user: Any, now: dt.datetime) -> dict[str, Any]:
    """Today's duty of the highest node the user sees (its own rosters: the command centre's for a district) and
    the warnings in force over it (``duty.selectors``, ``emergency.selectors``: what their pages show)."""
    from wangge.duty.models import DutyShift

    node = Territory.objects.restrict(user).exclude(kind=TerritoryKind.BUILDING).order_by("depth", "path").first()
    if node is None:
        return {"duty": [], "warnings": []}
    shifts = duty_selectors.duty_today(node, now, qs=DutyShift.objects.restrict(user), subtree=False)
    warnings = emergency_selectors.active_warnings(node, now)
    return {
        "duty": [
            {
                "roster": s["roster"],
                "shift": s["shift"],
                "leaders": [p["name"] for p in s["leaders"]],
                "officers": [p["name"] for p in s["officers"]],
            }
            for s in shifts
        ],
        "warnings": [
            {"label": f"{w.get_hazard_type_display()}{w.get_level_display()}预警", "level": w.level, "code": w.code}
            for w in warnings
        ],
    }


def _mediation(user: Any, today: dt.date) -> dict[str, Any] | None:
    """矛盾纠纷 of the year to date in the highest territory node the user sees (``mediation.selectors``: the
    same definitions as the mediation page and the bulletin)."""
    node = Territory.objects.restrict(user).exclude(kind=TerritoryKind.BUILDING).order_by("depth", "path").first()
    if node is None:
        return None
    first = today.replace(month=1, day=1)
    s = mediation_selectors.dispute_summary(node, first, today, qs=Dispute.objects.restrict(user))
    return {
        "from": first.isoformat(),
        "accepted": s["accepted"],
        "resolved": s["resolved"],
        "resolution_rate": s["resolution_rate"],
        "high_risk_open": s["high_risk_open"],
        "definition": s["definitions"]["resolution_rate"] + s["definitions"]["resolved"],
    }


def grid_outlines(user: Any) -> dict[str, Any]:
    """The user's grids as a GeoJSON FeatureCollection (WGS-84) for the heat map; ``name`` is the grid code."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": t.code, "label": t.name},
            "geometry": t.geometry,
        }
        for t in Territory.objects.restrict(user).filter(kind=TerritoryKind.GRID, geometry__isnull=False)
    ]
    return {"type": "FeatureCollection", "features": features}
