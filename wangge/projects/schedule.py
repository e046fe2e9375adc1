"""The schedule rules of a project, defined once: the ISO week of a date, the linear plan, and what makes a
project behind schedule. Selectors, filters, pages and the API all read them from here.

Behind schedule (滞后): a project not yet finished whose reported progress trails its linear plan — the share of
the days from planned start to planned end that have passed at ``as_of`` — by more than the configured number
of points (``conf.behind_points``, default 10), or that has a milestone past its planned date and not done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from wangge.projects import conf
from wangge.projects.choices import FINISHED_STATUSES


class Scheduled(Protocol):
    status: str
    progress: int
    planned_start: dt.date | None
    planned_end: dt.date | None


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week ``day`` falls in."""
    return day - dt.timedelta(days=day.weekday())


def week_label(week_start: dt.date) -> str:
    year, week, _day = week_start.isocalendar()
    return f"{year}年第{week}周"


def planned_progress(project: Scheduled, as_of: dt.date) -> int | None:
    """The progress the linear plan expects at ``as_of`` (0–100), or None without planned dates."""
    start, end = project.planned_start, project.planned_end
    if start is None or end is None:
        return None
    if as_of <= start:
        return 0
    if as_of >= end or end <= start:
        return 100
    return round(100 * (as_of - start).days / (end - start).days)


def overdue_milestones(milestones: Iterable[Any], as_of: dt.date) -> list[Any]:
    """The milestones whose planned date is before ``as_of`` and that are not done."""
    return [m for m in milestones if m.done_date is None and m.planned_date < as_of]


def behind_reasons(project: Scheduled, as_of: dt.date, milestones: Iterable[Any] = ()) -> list[str]:
    """Why the project is behind schedule at ``as_of`` (empty: it is not). Finished projects never are."""
    if project.status in FINISHED_STATUSES:
        return []
    reasons: list[str] = []
    planned = planned_progress(project, as_of)
    if planned is not None and project.progress < planned - conf.behind_points():
        reasons.append(f"进度 {project.progress}% 落后计划 {planned}%")
    late = overdue_milestones(milestones, as_of)
    if late:
        reasons.append("节点逾期：" + "、".join(str(m.name) for m in late))
    return reasons


def is_behind(project: Scheduled, as_of: dt.date, milestones: Iterable[Any] = ()) -> bool:
    return bool(behind_reasons(project, as_of, milestones))
