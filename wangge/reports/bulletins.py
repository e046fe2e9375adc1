"""What a daily bulletin (日通报) says, computed from the records.

Every figure in the tables comes from ``wangge.workorders.measures`` over the same day, so a bulletin, a
ranking and an assessment never disagree. The rest (overdue list, 督办, hot spots) are plain queries over
the same scoped cases. The result is a JSON-ready dict stored on ``Bulletin.data``; the page, the .xlsx and
the PDF are rendered from that snapshot only. Free text quoted in it (case titles, hot-issue keywords and
representative appeals) is stored with phone and identity numbers masked: a bulletin goes to every role
whose scope covers it, whether or not the role may see personal numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from wangge.accounts.models import Unit
from wangge.core.errors import NotFound
from wangge.core.masking import mask_numbers
from wangge.core.replica import replica_reads
from wangge.evaluations import selectors as evaluation_selectors
from wangge.hazards import selectors as hazard_selectors
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.inspections import selectors as inspection_selectors
from wangge.inspections.choices import DONE_STATUSES as INSPECTION_DONE
from wangge.intel.hotspots import hot_issues, trend
from wangge.mediation import selectors as mediation_selectors
from wangge.meetings import selectors as meeting_selectors
from wangge.reports import conf
from wangge.reports.choices import ScopeKind, Trend
from wangge.reports.errors import ErrorCode
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import headlines
from wangge.workorders.choices import OPEN_STATUSES, Status, SupervisionLevel
from wangge.workorders.measures import Measures, measures, satisfaction_definition
from wangge.workorders.models import Category, WorkOrder

SCHEMA = 1
UNIT_PREFIX = "unit:"

# Count fields that add up across rows (the reconciliation tests sum them).
COUNT_FIELDS = (
    "received",
    "dispatched",
    "due",
    "closed",
    "closed_on_time",
    "handled_on_time",
    "returned",
    "reworked",
    "extended",
    "reopened",
    "overdue_open",
    "responded_on_time",
    "callbacks",
    "resolved",
    "rated",
    "satisfied_top3",
    "satisfied_top2",
    "bad_ratings",
)
# What the day is compared with the previous day and the same day last week on.
COMPARED = ("received", "dispatched", "due", "closed", "closed_on_time", "overdue_open", "returned", "reworked")
COMPARED_RATES = ("closure", "on_time_closure", "response", "resolution", "satisfaction", "composite")

SATISFACTION_LABELS = {"top3": "非常满意、满意、基本满意", "top2": "非常满意、满意"}
NEXT_LEVEL: dict[str, str] = {
    TerritoryKind.CITY: TerritoryKind.DISTRICT,
    TerritoryKind.PROVINCE: TerritoryKind.DISTRICT,
    TerritoryKind.DISTRICT: TerritoryKind.STREET,
    TerritoryKind.STREET: TerritoryKind.COMMUNITY,
    TerritoryKind.COMMUNITY: TerritoryKind.GRID,
    TerritoryKind.GRID: TerritoryKind.GRID,
}
AREA_GROUP: dict[str, str] = {
    TerritoryKind.DISTRICT: "district",
    TerritoryKind.STREET: "street",
    TerritoryKind.COMMUNITY: "community",
    TerritoryKind.GRID: "grid",
}
AREA_LABELS = {"district": "区", "street": "街道", "community": "社区", "grid": "网格"}
UNLOCATED = {
    "district": "未定位",
    "street": "区级（未定位到街道）",
    "community": "未定位到社区",
    "grid": "未定位到网格",
}
NOT_DISPATCHED = "未派遣（指挥中心）"


@dataclass(frozen=True)
class BulletinScope:
    """A territory subtree or one unit's cases."""

    kind: str
    code: str
    name: str
    path: str
    territory: Territory | None = None
    unit: Unit | None = None

    @property
    def level(self) -> str:
        return self.territory.kind if self.territory is not None else "unit"

    def cases(self) -> QuerySet[WorkOrder]:
        if self.unit is not None:
            return WorkOrder.objects.filter(assigned_unit=self.unit)
        assert self.territory is not None
        return WorkOrder.objects.filter(scope_path__startswith=self.territory.path)

    @property
    def area_group(self) -> str:
        """The level of the per-area rows: the next level down (a unit's cases are split by street)."""
        if self.territory is None:
            return "street"
        return AREA_GROUP[NEXT_LEVEL.get(self.territory.kind, TerritoryKind.GRID)]


def resolve_scope(code: str) -> BulletinScope:
    """A territory code (区、街道 …), or a unit code (optionally written ``unit:<code>``)."""
    code = code.strip()
    territory = None if code.startswith(UNIT_PREFIX) else Territory.objects.filter(code=code).first()
    if territory is not None:
        return BulletinScope(ScopeKind.TERRITORY, territory.code, territory.name, territory.path, territory=territory)
    unit_code = code.removeprefix(UNIT_PREFIX)
    unit = Unit.objects.select_related("territory").filter(code=unit_code).first()
    if unit is not None:
        return BulletinScope(ScopeKind.UNIT, unit.code, unit.name, unit.territory.path, unit=unit)
    raise NotFound(gettext("找不到编码为“%(code)s”的辖区或单位") % {"code": code}, code=ErrorCode.SCOPE_NOT_FOUND)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[00:00, next 00:00) of ``day`` in the platform's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _measure_row(m: Measures, **extra: Any) -> dict[str, Any]:
    row = m.as_dict()
    row.update(extra)
    return row


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


@replica_reads()  # a report: a read replica serves it when one is configured (config.routers)
def compute(scope: BulletinScope, day: dt.date, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The bulletin of ``day`` for ``scope`` as of ``now`` (capped at the end of the day)."""
    start, end = day_bounds(day)
    now = now or timezone.now()
    as_of = min(now, end)
    qs = scope.cases()

    totals = measures(qs, start, end, now=as_of)[0]
    prev_start, prev_end = day_bounds(day - dt.timedelta(days=1))
    week_start, week_end = day_bounds(day - dt.timedelta(days=7))
    previous = measures(qs, prev_start, prev_end, now=prev_end)[0]
    last_week = measures(qs, week_start, week_end, now=week_end)[0]

    definition = satisfaction_definition()
    return {
        "schema": SCHEMA,
        "date": day.isoformat(),
        "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name, "level": scope.level},
        "as_of": _iso(as_of),
        "satisfaction_definition": definition,
        "satisfaction_label": SATISFACTION_LABELS.get(definition, definition),
        "totals": _measure_row(totals),
        "previous_day": _measure_row(previous, date=(day - dt.timedelta(days=1)).isoformat()),
        "same_day_last_week": _measure_row(last_week, date=(day - dt.timedelta(days=7)).isoformat()),
        "changes": _changes(totals, previous, last_week),
        "units": _unit_rows(qs, start, end, as_of),
        "area_level": scope.area_group,
        "area_label": AREA_LABELS[scope.area_group],
        "areas": _area_rows(qs, start, end, as_of, scope.area_group),
        "overdue": _overdue(qs, as_of),
        "supervised": _supervised(qs, start, end),
        "hotspots": _hotspots(qs, day),
        "hot_issues": _hot_issues(qs, day),
        "hazards_overdue": _hazards_overdue(scope, as_of),
        "mediation": _mediation(scope, day),
        "inspections": _inspections(scope, day, as_of),
        "tasks_open": _tasks_open(scope, day),
        "hall_rectifications": _hall_rectifications(scope, day),
    }


def _changes(today: Measures, previous: Measures, last_week: Measures) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in COMPARED:
        t, p, w = getattr(today, f), getattr(previous, f), getattr(last_week, f)
        out[f] = {"today": t, "previous_day": p, "vs_previous_day": t - p, "last_week": w, "vs_last_week": t - w}
    for r in COMPARED_RATES:
        t, p, w = today.rates.get(r), previous.rates.get(r), last_week.rates.get(r)
        out[f"rate_{r}"] = {
            "today": t,
            "previous_day": p,
            "vs_previous_day": round(t - p, 6) if t is not None and p is not None else None,
            "last_week": w,
            "vs_last_week": round(t - w, 6) if t is not None and w is not None else None,
        }
    return out


def _sort_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Largest workload first; the row without a key (not dispatched / not located) last."""
    return sorted(rows, key=lambda r: (r["key"] is None, -r["due"], -r["dispatched"], -r["received"], r["code"]))


def _unit_rows(qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime, as_of: dt.datetime) -> list[Any]:
    rows = measures(qs, start, end, group_by="unit", now=as_of)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[m.key for m in rows if m.key is not None])}
    out = []
    for m in rows:
        unit = units.get(m.key)
        name = unit.name if unit else NOT_DISPATCHED
        out.append(_measure_row(m, code=unit.code if unit else "", name=name))
    return _sort_rows(out)


def _area_rows(
    qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime, as_of: dt.datetime, group: str
) -> list[dict[str, Any]]:
    rows = measures(qs, start, end, group_by=group, now=as_of)
    nodes = {t.pk: t for t in Territory.objects.filter(pk__in=[m.key for m in rows if m.key is not None])}
    out = []
    for m in rows:
        node = nodes.get(m.key)
        out.append(_measure_row(m, code=node.code if node else "", name=node.name if node else UNLOCATED[group]))
    return _sort_rows(out)


def _case_row(wo: dict[str, Any]) -> dict[str, Any]:
    return {
        "tracking_code": wo["tracking_code"],
        "title": mask_numbers(wo["title"]),  # read by every role, reveal right or not
        "status": wo["status"],
        "status_label": str(Status(wo["status"]).label),
        "unit": wo["assigned_unit__name"] or NOT_DISPATCHED,
        "unit_code": wo["assigned_unit__code"] or "",
        "street": wo["street__name"] or "",
        "grid": wo["grid__name"] or "",
        "category": wo["category__name"] or "",
        "received_at": _iso(wo["received_at"]),
        "due_at": _iso(wo["due_at"]),
        "supervision": wo["supervision"],
        "supervision_label": str(SupervisionLevel(wo["supervision"]).label) if wo["supervision"] else "",
        "supervised_at": _iso(wo["supervised_at"]),
    }


CASE_FIELDS = (
    "tracking_code",
    "title",
    "status",
    "assigned_unit__name",
    "assigned_unit__code",
    "street__name",
    "grid__name",
    "category__name",
    "received_at",
    "due_at",
    "supervision",
    "supervised_at",
)


def _overdue(qs: QuerySet[WorkOrder], as_of: dt.datetime) -> dict[str, Any]:
    overdue = headlines.overdue_cases(qs, as_of)  # 超期, as on the home page and the 大屏
    limit = conf.bulletin_list_limit()
    rows = []
    for wo in overdue.order_by("due_at", "pk").values(*CASE_FIELDS)[:limit]:
        row = _case_row(wo)
        row["days_over"] = round((as_of - wo["due_at"]).total_seconds() / 86400, 1)
        rows.append(row)
    by_unit = [
        {
            "unit": r["assigned_unit__name"] or NOT_DISPATCHED,
            "unit_code": r["assigned_unit__code"] or "",
            "count": r["n"],
        }
        for r in overdue.order_by()
        .values("assigned_unit__name", "assigned_unit__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "assigned_unit__code")
    ]
    return {"total": sum(r["count"] for r in by_unit), "rows": rows, "by_unit": by_unit, "limit": limit}


def _supervised(qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Open cases under 督办, red cards first then the oldest flags; two queries over the flagged rows."""
    flagged = qs.filter(supervision__in=[SupervisionLevel.YELLOW, SupervisionLevel.RED])
    is_open = Q(status__in=OPEN_STATUSES)
    counts = flagged.aggregate(
        red=Count("pk", filter=is_open & Q(supervision=SupervisionLevel.RED)),
        yellow=Count("pk", filter=is_open & Q(supervision=SupervisionLevel.YELLOW)),
        new_today=Count("pk", filter=Q(supervised_at__gte=start, supervised_at__lt=end)),
    )
    limit = conf.bulletin_list_limit()
    red_first = Case(When(supervision=SupervisionLevel.RED, then=Value(0)), default=Value(1))
    rows = [
        _case_row(wo)
        for wo in flagged.filter(is_open)
        .annotate(red_first=red_first)
        .order_by("red_first", "supervised_at", "pk")
        .values(*CASE_FIELDS)[:limit]
    ]
    return {
        "total": counts["red"] + counts["yellow"],
        "red": counts["red"],
        "yellow": counts["yellow"],
        "new_today": counts["new_today"],
        "rows": rows,
        "limit": limit,
    }


def _hazards_overdue(scope: BulletinScope, as_of: dt.datetime) -> dict[str, Any]:
    """治安隐患超期未整改: findings awaiting their rectification or its check past their deadline at ``as_of``, in
    the scope's grids (for a unit: those it must rectify), the longest overdue first, with the count by type."""
    findings: QuerySet[HazardFinding]
    if scope.unit is not None:
        findings = HazardFinding.objects.filter(owner_unit=scope.unit)
    else:
        assert scope.territory is not None
        findings = hazard_selectors.in_subtree(scope.territory)
    late = hazard_selectors.overdue(findings, now=as_of)
    limit = conf.bulletin_list_limit()
    rows = [
        {
            "code": f["code"],
            "type": f["type__name"],
            "title": mask_numbers(f["title"]),  # read by every role, reveal right or not
            "grid": f["grid__name"],
            "status_label": str(HazardStatus(f["status"]).label),
            "due_at": _iso(f["due_at"]),
            "days_over": round((as_of - f["due_at"]).total_seconds() / 86400, 1),
        }
        for f in late.values("code", "type__name", "title", "grid__name", "status", "due_at")[:limit]
    ]
    by_type = [
        {"type": r["type__name"], "count": r["n"]}
        for r in late.order_by().values("type__name").annotate(n=Count("pk")).order_by("-n", "type__name")
    ]
    return {"total": sum(r["count"] for r in by_type), "rows": rows, "by_type": by_type, "limit": limit}


def _mediation(scope: BulletinScope, day: dt.date) -> dict[str, Any] | None:
    """矛盾纠纷调解 of a territory scope: the day's and the year-to-date figures (``mediation.selectors``, the one
    definition of each), and the disputes of level 重大 open now, those under 督办 first. None for a unit."""
    if scope.territory is None:
        return None
    node = scope.territory
    keys = ("found", "accepted", "resolved", "resolution_rate", "average_days")
    today = mediation_selectors.dispute_summary(node, day, day)
    year = mediation_selectors.dispute_summary(node, day.replace(month=1, day=1), day)
    limit = conf.bulletin_list_limit()
    open_high = mediation_selectors.high_risk_open(node)
    rows = [
        {
            "code": d.code,
            "type": d.type.name,
            "title": mask_numbers(d.title),  # read by every role, reveal right or not
            "grid": d.grid.name,
            "status_label": d.get_status_display(),
            "reasons": "；".join(d.risk_reasons),
            "supervised": d.supervised,
            "found_at": _iso(d.found_at),
        }
        for d in open_high[:limit]
    ]
    return {
        "day": {k: today[k] for k in keys},
        "year": {k: year[k] for k in keys} | {"from": day.replace(month=1, day=1).isoformat()},
        "by_track": year["by_track"],
        "high_risk_open": today["high_risk_open"],
        "rows": rows,
        "limit": limit,
        "definitions": today["definitions"],
    }


def _inspections(scope: BulletinScope, day: dt.date, as_of: dt.datetime) -> dict[str, Any] | None:
    """The inspection rounds (巡查体检) of a territory scope due the day before: the figures
    (``inspections.selectors``, the one definition) and the rounds missed or done late, with their point and
    assignee. The previous day's, because a round is due at 18:00 (after the bulletin) and may be made up until
    its grace ends: the day before is the last whose rounds are settled."""
    if scope.territory is None:
        return None
    previous = day - dt.timedelta(days=1)
    summary = inspection_selectors.rounds_summary(scope.territory, previous, previous, now=as_of)
    summary.pop("definitions", None)
    summary.pop("by_day", None)
    summary["date"] = previous.isoformat()
    rounds = inspection_selectors.due_in(previous, previous, inspection_selectors.in_subtree(scope.territory))
    missed = inspection_selectors.missed_q(as_of)
    late = Q(is_late=True, status__in=sorted(INSPECTION_DONE))
    rows = (
        rounds.filter(missed | late)
        .order_by("grid__path", "point__code")
        .values("point__code", "point__name", "point__type__name", "grid__name", "assignee__display_name", "is_late")
    )
    summary["exceptions"] = [
        {
            "point": f"{r['point__name']}（{r['point__code']}）",
            "type": r["point__type__name"],
            "grid": r["grid__name"],
            "assignee": r["assignee__display_name"] or "",
            "kind": "逾期巡查" if r["is_late"] else "漏巡",
        }
        for r in rows[: conf.bulletin_list_limit()]
    ]
    return summary


def _tasks_open(scope: BulletinScope, day: dt.date) -> list[dict[str, Any]] | None:
    """The 18:00 meeting's 交办 tasks still open at the end of the day (overdue first), listed until closed."""
    if scope.territory is None:
        return None
    return meeting_selectors.open_tasks_for_bulletin(scope.territory, day)


def _hall_rectifications(scope: BulletinScope, day: dt.date) -> list[dict[str, Any]] | None:
    """The 办件 rectifications (差评整改, 好差评) still open at the end of the day, overdue first, with their
    deadlines: listed every day until closed (``evaluations.selectors``, the one definition)."""
    if scope.territory is None:
        return None
    return evaluation_selectors.open_rectifications_for_bulletin(scope.territory, day)


def trend_of(today: int, avg: float) -> str:
    """The day's count against the previous week's daily average: the one trend rule (``hotspots.trend``)."""
    return Trend(trend(today, avg))


def _hotspots(qs: QuerySet[WorkOrder], day: dt.date) -> dict[str, Any]:
    start, end = day_bounds(day)
    week_start, _ = day_bounds(day - dt.timedelta(days=7))
    out: dict[str, Any] = {}
    for key, column in (("categories", "category_id"), ("grids", "grid_id")):
        today = _counts(qs.filter(received_at__gte=start, received_at__lt=end), column)
        week = _counts(qs.filter(received_at__gte=week_start, received_at__lt=start), column)
        names = _category_names(set(today) | set(week)) if key == "categories" else _grid_names(set(today) | set(week))
        rows = []
        for k in (set(today) | set(week)) - {None}:
            n, avg = today.get(k, 0), round(week.get(k, 0) / 7, 2)
            rows.append(
                {
                    "key": k,
                    "name": names.get(k, "未分类" if key == "categories" else "未定位到网格"),
                    "count": n,
                    "avg_7d": avg,
                    "change": round(n - avg, 2),
                    "trend": trend_of(n, avg),
                }
            )
        top = sorted((r for r in rows if r["count"]), key=lambda r: (-r["count"], -r["change"], r["name"]))
        rising = sorted(
            (r for r in rows if r["trend"] == Trend.RISING), key=lambda r: (-r["change"], -r["count"], r["name"])
        )
        n_top = conf.hotspot_count()
        out[key] = top[:n_top]
        out[f"rising_{key}"] = rising[:n_top]
    return out


def _hot_issues(qs: QuerySet[WorkOrder], day: dt.date) -> dict[str, Any]:
    """热点诉求: appeals clustered by topic and place over the days up to ``day``, against the days before."""
    days = conf.hot_issue_days()
    _start, end = day_bounds(day)
    start = end - dt.timedelta(days=days)
    limit = conf.hot_issue_cases()
    issues = hot_issues(qs, start=start, end=end, top=conf.hotspot_count(), limit=limit)
    return {
        "days": days,
        "limit": limit,
        "rows": [
            {
                "label": mask_numbers(h.label),
                "keywords": [mask_numbers(k) for k in h.keywords],
                "size": h.size,
                "previous": h.previous,
                "growth": h.growth,
                "trend": h.trend,
                "support": h.support,
                "heat": round(h.heat, 2),
                "places": [list(p) for p in h.places],
                "representatives": [[case_id, mask_numbers(title)] for case_id, title in h.representatives],
            }
            for h in issues
        ],
    }


def _counts(qs: QuerySet[WorkOrder], column: str) -> dict[Any, int]:
    return {r[column]: r["n"] for r in qs.order_by().values(column).annotate(n=Count("pk"))}


def _category_names(ids: set[Any]) -> dict[Any, str]:
    out = {}
    for c in Category.objects.filter(pk__in=[i for i in ids if i is not None]).select_related("parent"):
        out[c.pk] = f"{c.parent.name}／{c.name}" if c.parent else c.name
    return out


def _grid_names(ids: set[Any]) -> dict[Any, str]:
    """A grid's name with its community's, unless the grid's own name already starts with it."""
    grids = list(Territory.objects.filter(pk__in=[i for i in ids if i is not None]))
    parents = {t.path: t.name for t in Territory.objects.filter(path__in={g.path[: -Territory.steplen] for g in grids})}
    out = {}
    for g in grids:
        community = parents.get(g.path[: -Territory.steplen], "")
        stem = community.split("（")[0]
        out[g.pk] = g.name if stem and g.name.startswith(stem) else f"{community}{g.name}"
    return out


# --- reading a stored bulletin ----------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def headline(data: dict[str, Any]) -> str:
    """The bulletin's opening sentence, as read out at the daily meeting."""
    day = dt.date.fromisoformat(data["date"])
    t = data["totals"]
    r = t["rates"]
    ch = data["changes"]["received"]
    delta = ch["vs_previous_day"]
    versus = f"较前一日{'增加' if delta > 0 else '减少'} {abs(delta)} 件" if delta else "与前一日持平"
    sup = data["supervised"]
    text = (
        f"{day.month}月{day.day}日，{data['scope']['name']}共受理群众诉求 {t['received']} 件"
        f"，{versus}；派遣 {t['dispatched']} 件；"
        f"应结案 {t['due']} 件，结案 {t['closed']} 件，按期结案 {t['closed_on_time']} 件，"
        f"结案率 {pct(r['closure'])}，按期结案率 {pct(r['on_time_closure'])}；"
        f"当日满意率 {pct(r['satisfaction'])}。"
        f"截至统计时点，超期未办结工单 {data['overdue']['total']} 件，督办中工单 {sup['total']} 件"
        + (f"，其中红牌 {sup['red']} 件、黄牌 {sup['yellow']} 件。" if sup["total"] else "。")
    )
    rising = [r["name"] for r in data["hotspots"].get("rising_categories", [])[:3]]
    if rising:
        text += f"“{'”“'.join(rising)}”类诉求较前7日明显上升，请相关单位关注。"
    rounds = data.get("inspections")  # bulletins stored before the inspection rounds have none
    if rounds and rounds["due"]:
        text += (
            f"前一日点位巡查应巡 {rounds['due']} 次，已巡 {rounds['done']} 次，漏巡 {rounds['missed']} 次"
            f"，不合格 {rounds['failed_items']} 项转工单 {rounds['cases_opened']} 件。"
        )
    tasks = data.get("tasks_open")
    if tasks:
        overdue = sum(1 for t in tasks if t["overdue"])
        text += f"调度会交办事项在办 {len(tasks)} 项" + (f"，其中逾期 {overdue} 项。" if overdue else "。")
    fixes = data.get("hall_rectifications")  # bulletins stored before 好差评 have none
    if fixes:
        late = sum(1 for r in fixes if r["overdue"])
        text += f"政务服务差评整改在办 {len(fixes)} 件" + (f"，其中超期 {late} 件。" if late else "。")
    return text
