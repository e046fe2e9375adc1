"""The figures of 值班备勤 and 防汛备汛, each defined once here and called by every page, the API and the reports.

- :func:`duty_today` — who leads and who is on duty at a moment, under a node, and whether each has checked in.
- :func:`check_in_missing` — the one definition of 未按时到岗: no check-in once the shift start plus the grace
  period has passed (``WANGGE_DUTY_CHECK_IN_GRACE_MINUTES``).
- :func:`depot_supply_rows` / :func:`shortfalls` — the stock of each item against its norm (a depot's own norm
  before its kind's), and the shortfall = max(norm − stock, 0).
- :func:`stocktake_state` / :func:`overdue_stocktakes` — a depot's last stock-take and whether it is overdue (no
  stock-take, or the last older than the depot's interval or ``WANGGE_DUTY_STOCKTAKE_INTERVAL_DAYS``).
- :func:`flood_readiness` — the summary for a node that the dashboard and the daily bulletin show.
- :func:`flood_activity` — what was done over a period (check-ins on time, late, missing; swaps; stock-takes;
  drills; 会商), for the weekly report and the monthly assessment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.validators import mask_phone
from wangge.duty import conf
from wangge.duty.choices import DutyRole
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyAssignment,
    DutyShift,
    DutySwap,
    RescueTeam,
    Stock,
    StockTake,
    SupplyItem,
    SupplyNorm,
)
from wangge.territory.models import Territory

DEFINITIONS = {
    "missing": _("未按时到岗：班次开始后超过宽限时间仍未签到的值班人员。"),
    "shortfall": _("缺口：储备定额减去现有库存（不足时计，储备点自身定额优先于同类型定额）。"),
    "overdue": _("盘点逾期：从未盘点，或最近一次盘点距今超过该储备点的盘点周期（未设置则按平台默认周期）。"),
}


# --- duty ---------------------------------------------------------------------------------------------------


def check_in_missing(starts_at: dt.datetime, checked_in_at: dt.datetime | None, at: dt.datetime) -> bool:
    """未按时到岗: not checked in although the shift started more than the grace period before ``at``."""
    return checked_in_at is None and at > starts_at + dt.timedelta(minutes=conf.check_in_grace_minutes())


def _person(a: DutyAssignment, at: dt.datetime) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "user_id": a.user_id,
        "phone": mask_phone(a.phone or ""),
        "checked_in": a.checked_in_at is not None,
        "checked_in_at": a.checked_in_at,
        "missing": check_in_missing(a.shift.starts_at, a.checked_in_at, at),
    }


def shifts_at(qs: QuerySet[DutyShift], at: dt.datetime) -> QuerySet[DutyShift]:
    """The shifts of ``qs`` under way at ``at``."""
    return qs.filter(starts_at__lte=at, ends_at__gt=at)


def _with_people(qs: QuerySet[DutyShift]) -> QuerySet[DutyShift]:
    return qs.select_related("roster", "roster__territory", "roster__unit", "pattern").prefetch_related(
        Prefetch("assignments", queryset=DutyAssignment.objects.select_related("shift").order_by("role", "id"))
    )


def shift_row(shift: DutyShift, at: dt.datetime) -> dict[str, Any]:
    """One shift as the pages, the API and the reports show it (phones masked)."""
    people = list(shift.assignments.all())
    leaders = [_person(a, at) for a in people if a.role == DutyRole.LEADER]
    officers = [_person(a, at) for a in people if a.role == DutyRole.OFFICER]
    return {
        "shift_id": shift.pk,
        "roster_id": shift.roster_id,
        "roster": shift.roster.name,
        "territory": shift.roster.territory.name,
        "territory_code": shift.roster.territory.code,
        "unit": shift.roster.unit.name if shift.roster.unit else "",
        "phone": shift.roster.phone,
        "day": shift.day,
        "shift": shift.pattern.name,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "leaders": leaders,
        "officers": officers,
        "missing": sum(1 for p in leaders + officers if p["missing"]),
        "all_checked_in": all(p["checked_in"] for p in leaders + officers),
    }


def duty_today(
    node: Territory, at: dt.datetime | None = None, *, qs: QuerySet[DutyShift] | None = None, subtree: bool = True
) -> list[dict[str, Any]]:
    """Who is on duty at ``at`` (default now) on the rosters of ``node`` (and of the nodes under it unless
    ``subtree`` is false): per shift the roster, its node, the shift, the 带班领导 and the 值班员 with their masked
    phone, whether each has checked in and whether a check-in is missing. Ordered by node, then roster.

    ``qs`` narrows the shifts (a user's scope: ``DutyShift.objects.restrict(user)``)."""
    moment = at or timezone.now()
    base = qs if qs is not None else DutyShift.objects.all()
    base = (
        base.filter(roster__territory__path__startswith=node.path) if subtree else base.filter(roster__territory=node)
    )
    rows = _with_people(shifts_at(base.filter(roster__is_active=True), moment)).order_by(
        "roster__territory__path", "roster__name", "starts_at"
    )
    return [shift_row(s, moment) for s in rows]


def roster_month(
    roster_qs: QuerySet[DutyShift], first: dt.date, last: dt.date, at: dt.datetime | None = None
) -> dict[dt.date, list[dict[str, Any]]]:
    """The shifts of ``roster_qs`` from ``first`` to ``last``, by day (for the month calendar)."""
    moment = at or timezone.now()
    out: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    for s in _with_people(roster_qs.filter(day__gte=first, day__lte=last)).order_by("day", "starts_at"):
        out[s.day].append(shift_row(s, moment))
    return dict(out)


def missing_check_ins(qs: QuerySet[DutyAssignment], at: dt.datetime | None = None) -> QuerySet[DutyAssignment]:
    """The assignments of ``qs`` whose check-in is missing at ``at`` (their shift still under way or over)."""
    moment = at or timezone.now()
    cutoff = moment - dt.timedelta(minutes=conf.check_in_grace_minutes())
    return qs.filter(checked_in_at__isnull=True, shift__starts_at__lt=cutoff)


# --- supplies -----------------------------------------------------------------------------------------------


def _norms_for(depots: list[Depot]) -> dict[int, dict[int, Decimal]]:
    """depot id → item id → required quantity (the depot's own norm before its kind's)."""
    kinds = {d.kind for d in depots}
    by_kind: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for n in SupplyNorm.objects.filter(depot__isnull=True, depot_kind__in=kinds):
        by_kind[n.depot_kind][n.item_id] = n.quantity
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for n in SupplyNorm.objects.filter(depot__in=[d.pk for d in depots]):
        assert n.depot_id is not None
        own[n.depot_id][n.item_id] = n.quantity
    return {d.pk: {**by_kind.get(d.kind, {}), **own.get(d.pk, {})} for d in depots}


def _supply_rows(depots: list[Depot]) -> dict[int, list[dict[str, Any]]]:
    norms = _norms_for(depots)
    stock: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for s in Stock.objects.filter(depot__in=[d.pk for d in depots]):
        stock[s.depot_id][s.item_id] = s.quantity
    items = {i.pk: i for i in SupplyItem.objects.all()}
    out: dict[int, list[dict[str, Any]]] = {}
    for d in depots:
        ids = set(norms[d.pk]) | set(stock[d.pk])
        rows = []
        for item_id in sorted(ids, key=lambda i: (items[i].ordering, items[i].key)):
            have = stock[d.pk].get(item_id, Decimal(0))
            need = norms[d.pk].get(item_id)
            rows.append(
                {
                    "item": items[item_id],
                    "item_key": items[item_id].key,
                    "item_name": items[item_id].name,
                    "unit_label": items[item_id].unit_label,
                    "stock": have,
                    "required": need,
                    "shortfall": max(need - have, Decimal(0)) if need is not None else Decimal(0),
                }
            )
        out[d.pk] = rows
    return out


def depot_supply_rows(depot: Depot) -> list[dict[str, Any]]:
    """Every item the depot holds or must hold: stock, norm (None when none) and shortfall."""
    return _supply_rows([depot])[depot.pk]


def depots_with_rows(depots: QuerySet[Depot], today: dt.date | None = None) -> list[Depot]:
    """The depots of ``depots``, each with ``rows`` (its supply rows), ``short`` (rows with a shortfall) and its
    stock-take state (``last_taken_on``, ``stocktake_due``, ``stocktake_overdue``)."""
    day = today or timezone.localdate()
    listed: list[Depot] = list(depots.select_related("territory").annotate(last_taken_on=Max("stocktakes__taken_on")))
    rows = _supply_rows(listed)
    for d in listed:
        d.rows = rows[d.pk]  # type: ignore[attr-defined]
        d.short = [r for r in rows[d.pk] if r["shortfall"] > 0]  # type: ignore[attr-defined]
        state = stocktake_state(d, day, last=getattr(d, "last_taken_on", None))
        d.stocktake_due = state["due"]  # type: ignore[attr-defined]
        d.stocktake_overdue = state["overdue"]  # type: ignore[attr-defined]
    return listed


def shortfalls(depots: QuerySet[Depot]) -> list[dict[str, Any]]:
    """Every (depot, item) short of its norm, biggest shortfall first within a depot."""
    listed = list(depots.select_related("territory"))
    out = []
    rows = _supply_rows(listed)
    for d in listed:
        for r in rows[d.pk]:
            if r["shortfall"] > 0:
                out.append({"depot": d, "depot_id": d.pk, "depot_name": d.name, "territory": d.territory.name, **r})
    return out


def stocktake_state(depot: Depot, today: dt.date, *, last: dt.date | None = None) -> dict[str, Any]:
    """The last stock-take of ``depot``, the day the next one is due, and whether it is overdue."""
    if last is None:
        last = depot.stocktakes.aggregate(m=Max("taken_on"))["m"]
    interval = depot.stocktake_interval_days or conf.stocktake_interval_days()
    due = last + dt.timedelta(days=interval) if last is not None else None
    return {"last": last, "due": due, "interval": interval, "overdue": due is None or today > due}


def overdue_stocktakes(depots: QuerySet[Depot], today: dt.date | None = None) -> list[Depot]:
    """The active depots of ``depots`` whose stock-take is overdue on ``today``."""
    day = today or timezone.localdate()
    out: list[Depot] = []
    for d in (
        depots.filter(is_active=True).select_related("territory").annotate(last_taken_on=Max("stocktakes__taken_on"))
    ):
        state = stocktake_state(d, day, last=d.last_taken_on)
        if state["overdue"]:
            d.stocktake_due = state["due"]  # type: ignore[attr-defined]
            out.append(d)
    return out


# --- the summary --------------------------------------------------------------------------------------------


def flood_readiness(
    node: Territory,
    at: dt.datetime | None = None,
    *,
    depots: QuerySet[Depot] | None = None,
    teams: QuerySet[RescueTeam] | None = None,
    shifts: QuerySet[DutyShift] | None = None,
) -> dict[str, Any]:
    """The 防汛备汛 figures of ``node`` at ``at``: the duty now (as :func:`duty_today`), the check-ins missing,
    the depots short of their norms, the overdue stock-takes and the rescue forces. Querysets narrow to a scope."""
    moment = at or timezone.now()
    today = timezone.localtime(moment).date()
    depot_qs = (depots if depots is not None else Depot.objects.all()).filter(
        territory__path__startswith=node.path, is_active=True
    )
    team_qs = (teams if teams is not None else RescueTeam.objects.all()).filter(
        territory__path__startswith=node.path, is_active=True
    )
    duty = duty_today(node, moment, qs=shifts)
    short = shortfalls(depot_qs)
    overdue = overdue_stocktakes(depot_qs, today)
    members = team_qs.aggregate(n=Sum("members"))["n"] or 0
    return {
        "at": moment,
        "duty": duty,
        "on_duty": sum(len(r["leaders"]) + len(r["officers"]) for r in duty),
        "missing_check_ins": sum(r["missing"] for r in duty),
        "depots": depot_qs.count(),
        "shortfalls": short,
        "depots_short": len({r["depot_id"] for r in short}),
        "overdue_stocktakes": [
            {"depot_id": d.pk, "depot": d.name, "territory": d.territory.name, "due": d.stocktake_due}  # type: ignore[attr-defined]
            for d in overdue
        ],
        "teams": team_qs.count(),
        "team_members": members,
    }


def flood_activity(node: Territory, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What was done under ``node`` from ``start`` to ``end`` (both included), for the weekly report and the
    monthly assessment: shifts worked and their check-ins (on time, late, missing), the swaps of those shifts,
    stock-takes, drills with their participants, and 会商 records."""

    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    grace = dt.timedelta(minutes=conf.check_in_grace_minutes())
    duties = list(
        DutyAssignment.objects.filter(
            shift__roster__territory__path__startswith=node.path, shift__day__gte=start, shift__day__lte=end
        )
        .select_related("shift")
        .only("checked_in_at", "shift__starts_at")
    )
    now = timezone.now()
    on_time = sum(1 for a in duties if a.checked_in_at is not None and a.checked_in_at <= a.shift.starts_at + grace)
    late = sum(1 for a in duties if a.checked_in_at is not None and a.checked_in_at > a.shift.starts_at + grace)
    missing = sum(1 for a in duties if check_in_missing(a.shift.starts_at, a.checked_in_at, now))
    drills = Drill.objects.filter(territory__path__startswith=node.path, held_on__gte=start, held_on__lte=end)
    return {
        "start": start,
        "end": end,
        "shifts": DutyShift.objects.filter(
            roster__territory__path__startswith=node.path, day__gte=start, day__lte=end
        ).count(),
        "duties": len(duties),
        "checked_in_on_time": on_time,
        "checked_in_late": late,
        "missing_check_ins": missing,
        "swaps": DutySwap.objects.filter(
            assignment__shift__roster__territory__path__startswith=node.path,
            assignment__shift__day__gte=start,
            assignment__shift__day__lte=end,
        ).count(),
        "stocktakes": StockTake.objects.filter(
            depot__territory__path__startswith=node.path, taken_on__gte=start, taken_on__lte=end
        ).count(),
        "drills": drills.count(),
        "drill_participants": drills.aggregate(n=Sum("participants"))["n"] or 0,
        "consultations": Consultation.objects.filter(
            territory__path__startswith=node.path, held_at__gte=begin, held_at__lt=finish
        ).count(),
    }
