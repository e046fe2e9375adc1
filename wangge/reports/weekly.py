"""What a weekly bulletin (周通报) says: the week's cases and the week's work of the other modules, computed from
the records with the same definitions as the daily bulletin.

A week is an ISO week, Monday 00:00 to the next Monday 00:00 in the platform's time zone, named like
``2026-W48``. The case figures come from ``wangge.workorders.measures`` over the week, compared with the week
before; the lists (units, areas, overdue cases) are the daily bulletin's, over the week. The other sections ask
each module's selectors (inspection rounds, 专项 campaigns, projects, warnings, 交办 tasks), so a figure on the
weekly bulletin is the figure on that module's own page. The result is a JSON-ready dict stored on
``Bulletin.data`` (``period="week"``, dated by the Monday); the page, the .xlsx and the PDF render that snapshot.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from wangge.core.errors import ValidationFailed
from wangge.core.replica import replica_reads
from wangge.reports import bulletins
from wangge.reports.errors import ErrorCode
from wangge.workorders.measures import measures, satisfaction_definition

SCHEMA = 1
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")

# The case figures compared week on week (the daily bulletin's, without the day-only ones).
COMPARED = bulletins.COMPARED
COMPARED_RATES = bulletins.COMPARED_RATES


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> dt.date:
    """``2026-W48`` → the Monday of that ISO week; anything else is a clear error."""
    match = WEEK_RE.match(text.strip())
    if match is None:
        raise ValidationFailed(f"周次“{text}”的格式应为 YYYY-Www，例如 2026-W48", code=ErrorCode.WEEK_INVALID)
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValidationFailed(f"{year} 年没有第 {week} 周", code=ErrorCode.WEEK_INVALID) from exc


def previous_week(today: dt.date) -> dt.date:
    """The Monday of the last complete week before ``today``."""
    return week_start(today) - dt.timedelta(days=7)


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start, _end = bulletins.day_bounds(monday)
    _start, end = bulletins.day_bounds(monday + dt.timedelta(days=6))
    return start, end


@replica_reads()  # a report: a read replica serves it when one is configured (config.routers)
def compute(scope: bulletins.BulletinScope, monday: dt.date, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The weekly bulletin of the ISO week starting ``monday`` for ``scope``, as of ``now`` (capped at the
    week's end)."""
    monday = week_start(monday)
    start, end = week_bounds(monday)
    now = now or timezone.now()
    as_of = min(now, end)
    qs = scope.cases()

    totals = measures(qs, start, end, now=as_of)[0]
    prev_start, prev_end = week_bounds(monday - dt.timedelta(days=7))
    previous = measures(qs, prev_start, prev_end, now=prev_end)[0]
    days = []
    for n in range(7):
        day = monday + dt.timedelta(days=n)
        d_start, d_end = bulletins.day_bounds(day)
        if d_start >= as_of:
            break
        days.append(
            bulletins._measure_row(measures(qs, d_start, d_end, now=min(as_of, d_end))[0], date=day.isoformat())
        )

    definition = satisfaction_definition()
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "period": "week",
        "date": monday.isoformat(),
        "end": (monday + dt.timedelta(days=6)).isoformat(),
        "week": week_label(monday),
        "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name, "level": scope.level},
        "as_of": bulletins._iso(as_of),
        "satisfaction_definition": definition,
        "satisfaction_label": bulletins.SATISFACTION_LABELS.get(definition, definition),
        "totals": bulletins._measure_row(totals),
        "previous_week": bulletins._measure_row(previous, date=(monday - dt.timedelta(days=7)).isoformat()),
        "changes": _changes(totals.as_dict(), previous.as_dict()),
        "days": days,
        "units": bulletins._unit_rows(qs, start, end, as_of),
        "area_level": scope.area_group,
        "area_label": bulletins.AREA_LABELS[scope.area_group],
        "areas": bulletins._area_rows(qs, start, end, as_of, scope.area_group),
        "overdue": bulletins._overdue(qs, as_of),
    }
    data.update(_modules(scope, monday, start, end, as_of))
    return data


def _changes(this: dict[str, Any], before: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in COMPARED:
        t, p = this[f], before[f]
        out[f] = {"this_week": t, "previous_week": p, "vs_previous_week": t - p}
    for r in COMPARED_RATES:
        t, p = this["rates"].get(r), before["rates"].get(r)
        out[f"rate_{r}"] = {
            "this_week": t,
            "previous_week": p,
            "vs_previous_week": None if t is None or p is None else round(t - p, 6),
        }
    return out


def _modules(
    scope: bulletins.BulletinScope, monday: dt.date, start: dt.datetime, end: dt.datetime, as_of: dt.datetime
) -> dict[str, Any]:
    """The week's work of the other modules, in the territory of a territory scope (a unit's bulletin has its
    cases only)."""
    if scope.territory is None:
        return {}
    from wangge.reports import weekly_sections

    return weekly_sections.compute(scope.territory, monday, start, end, as_of)


def headline(data: dict[str, Any]) -> str:
    """The weekly bulletin's opening sentence."""
    t = data["totals"]
    r = t["rates"]
    delta = data["changes"]["received"]["vs_previous_week"]
    versus = f"较上周{'增加' if delta > 0 else '减少'} {abs(delta)} 件" if delta else "与上周持平"
    monday = dt.date.fromisoformat(data["date"])
    sunday = dt.date.fromisoformat(data["end"])
    return (
        f"{monday.month}月{monday.day}日至{sunday.month}月{sunday.day}日，{data['scope']['name']}共受理群众诉求 "
        f"{t['received']} 件，{versus}；派遣 {t['dispatched']} 件；应结案 {t['due']} 件，结案 {t['closed']} 件，"
        f"结案率 {bulletins.pct(r['closure'])}，按期结案率 {bulletins.pct(r['on_time_closure'])}；"
        f"本周满意率 {bulletins.pct(r['satisfaction'])}。截至统计时点，超期未办结工单 {data['overdue']['total']} 件。"
    )
