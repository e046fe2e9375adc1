"""Reading the project ledger: the rollups of a territory node (per type and per child territory) and the
weekly summary for the 周通报. Every figure is computed here and only here; pages, the API, the export and the
reports call these functions. They read the projects under ``node`` (its subtree) or a queryset the caller has
already scoped (``restrict(user)``); they never decide who may see what.

Definitions (one each):
- 投资完成率 = 累计完成投资 / 总投资 (None when the total is 0);
- 平均进度 = the mean of the projects' reported progress;
- 已开工 = a project in 在建, 暂停 (after its start), 完工 or 验收, or with an actual start date;
- 已完工 = 完工 or 验收;
- 滞后 = ``schedule.behind_reasons`` (progress below the linear plan by more than the threshold, or a milestone
  past due), at ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from wangge.projects import conf
from wangge.projects.choices import (
    FINISHED_STATUSES,
    REPORTING_STATUSES,
    STARTED_STATUSES,
    ProjectStatus,
    ProjectType,
)
from wangge.projects.models import Milestone, Project, WeeklyEntry
from wangge.projects.schedule import behind_reasons, planned_progress, week_label, week_start_of
from wangge.territory.models import Territory

__all__ = [
    "in_subtree",
    "is_started",
    "project_rollup",
    "project_week_summary",
    "rollup_of",
    "with_milestones",
]

ZERO = Decimal("0.00")


def in_subtree(node: Territory, qs: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects in ``node``'s territory or below it."""
    base = Project.objects.all() if qs is None else qs
    return base.filter(territory__path__startswith=node.path)


def with_milestones(qs: QuerySet[Project]) -> QuerySet[Project]:
    """``qs`` with the milestones loaded in their order (any earlier prefetch is replaced)."""
    return qs.prefetch_related(None).prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("ordering", "id"))
    )


def is_started(project: Project) -> bool:
    if project.status == ProjectStatus.SUSPENDED:
        return project.actual_start is not None
    return project.status in STARTED_STATUSES or project.actual_start is not None


def _pct(part: Decimal, whole: Decimal) -> float | None:
    return None if not whole else round(float(part) * 100 / float(whole), 1)


def rollup_of(projects: Iterable[Project], as_of: dt.date) -> dict[str, Any]:
    """The figures of a group of projects (milestones prefetched): count, total investment, invested to date and
    its rate, average progress, started, finished, behind schedule."""
    rows = list(projects)
    total = sum((p.total_investment for p in rows), ZERO)
    invested = sum((p.invested for p in rows), ZERO)
    behind = [p for p in rows if behind_reasons(p, as_of, p.milestones.all())]
    return {
        "count": len(rows),
        "total_investment": str(total),
        "invested": str(invested),
        "invested_pct": _pct(invested, total),
        "average_progress": round(sum(p.progress for p in rows) / len(rows), 1) if rows else None,
        "started": sum(1 for p in rows if is_started(p)),
        "finished": sum(1 for p in rows if p.status in FINISHED_STATUSES),
        "behind": len(behind),
        "by_status": {s: sum(1 for p in rows if p.status == s) for s in ProjectStatus.values},
    }


def project_rollup(
    node: Territory, as_of: dt.date | None = None, *, qs: QuerySet[Project] | None = None
) -> dict[str, Any]:
    """The projects under ``node`` at ``as_of`` (default today): the totals, per type (every type listed, zeros
    included) and per child territory of ``node`` (those with projects; projects on ``node`` itself under
    ``node``'s own name). Money as decimal strings in 万元, rates in percent. JSON-ready."""
    day = as_of or timezone.localdate()
    projects = list(with_milestones(in_subtree(node, qs).select_related("territory")).order_by("code"))
    by_type: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        by_type[p.type].append(p)
    children = {c.path: c for c in Territory.objects.filter(path__startswith=node.path, depth=node.depth + 1)}
    by_child: dict[str, list[Project]] = defaultdict(list)
    names: dict[str, tuple[str, str]] = {node.path: (node.code, node.name)}
    for c in children.values():
        names[c.path] = (c.code, c.name)
    for p in projects:
        key = next((path for path in children if p.territory.path.startswith(path)), node.path)
        by_child[key].append(p)
    return {
        "territory": {"code": node.code, "name": node.name, "kind": node.kind},
        "as_of": day.isoformat(),
        "behind_points": conf.behind_points(),
        "totals": rollup_of(projects, day),
        "by_type": [
            {"type": value, "label": str(label), **rollup_of(by_type.get(value, []), day)}
            for value, label in ProjectType.choices
        ],
        "by_territory": [
            {"code": names[path][0], "name": names[path][1], **rollup_of(rows, day)}
            for path, rows in sorted(by_child.items())
        ],
    }


def _row(p: Project, entry: WeeklyEntry | None, previous: WeeklyEntry | None, day: dt.date) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "type": p.type,
        "status": p.status,
        "progress": entry.progress if entry is not None else p.progress,
        "progress_change": (entry.progress - previous.progress) if entry is not None and previous is not None else None,
        "invested": str(entry.invested if entry is not None else p.invested),
        "total_investment": str(p.total_investment),
        "planned_progress": planned_progress(p, day),
        "work_done": entry.work_done if entry is not None else "",
        "next_plan": entry.next_plan if entry is not None else "",
        "problems": entry.problems if entry is not None else "",
        "behind_reasons": behind_reasons(p, day, p.milestones.all()),
    }


def project_week_summary(
    node: Territory, week_start: dt.date, *, qs: QuerySet[Project] | None = None
) -> dict[str, Any]:
    """The 周通报 of the projects under ``node`` for the ISO week of ``week_start``: the entries made that week
    (with the change of progress since the project's previous entry), the projects 在建 without an entry
    (missing), and those behind schedule at the week's end. JSON-ready."""
    monday = week_start_of(week_start)
    sunday = monday + dt.timedelta(days=6)
    projects = list(with_milestones(in_subtree(node, qs)).order_by("type", "code"))
    ids = [p.pk for p in projects]
    entries = {e.project_id: e for e in WeeklyEntry.objects.filter(project_id__in=ids, week_start=monday)}
    previous: dict[int, WeeklyEntry] = {}
    for e in WeeklyEntry.objects.filter(project_id__in=ids, week_start__lt=monday).order_by(
        "project_id", "-week_start"
    ):
        previous.setdefault(e.project_id, e)
    reported = [_row(p, entries[p.pk], previous.get(p.pk), sunday) for p in projects if p.pk in entries]
    missing = [
        {"id": p.pk, "code": p.code, "name": p.name, "type": p.type}
        for p in projects
        if p.pk not in entries and p.status in REPORTING_STATUSES
    ]
    behind = [_row(p, entries.get(p.pk), previous.get(p.pk), sunday) for p in projects]
    behind = [r for r in behind if r["behind_reasons"]]
    return {
        "territory": {"code": node.code, "name": node.name, "kind": node.kind},
        "week_start": monday.isoformat(),
        "week_end": sunday.isoformat(),
        "week_label": week_label(monday),
        "expected": sum(1 for p in projects if p.status in REPORTING_STATUSES or p.pk in entries),
        "entries": reported,
        "missing": missing,
        "behind": behind,
        "totals": rollup_of(projects, sunday),
    }
