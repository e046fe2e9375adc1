"""Reads of 一表: the templates one may fill, the forms one may see, and 入户排查 registration coverage.

Coverage ("居民信息排查登记实现全覆盖"): per grid under a node, the active households visited in a quarter —
by a household form filed in the quarter, or a ``last_visited_at`` in it (visits recorded by the ledgers) —
over the active households. The callers decide that the node lies in the reader's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wangge.ledgers.choices import RecordStatus
from wangge.ledgers.models import Household
from wangge.surveys.choices import FormTarget
from wangge.surveys.models import FormSubmission, FormTemplate
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


class CoverageRow(TypedDict):
    grid: Territory
    households: int
    visited: int
    ratio: float | None  # None for a grid without households


def quarter_start_of(day: dt.date) -> dt.date:
    """The first day of the quarter ``day`` falls in."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(start: dt.date) -> dt.date:
    month = start.month + 3
    return dt.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_quarter(text: str) -> dt.date | None:
    """``2026-Q3`` → 2026-07-01; None when malformed."""
    parts = text.strip().upper().split("-Q")
    if len(parts) != 2 or not parts[0].isdigit() or parts[1] not in {"1", "2", "3", "4"}:
        return None
    year = int(parts[0])
    if not 2000 <= year <= 2100:
        return None
    return dt.date(year, 3 * (int(parts[1]) - 1) + 1, 1)


def quarter_label(start: dt.date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def registration_coverage(node: Territory, quarter_start: dt.date | None = None) -> list[CoverageRow]:
    """One row per grid at or under ``node`` (in code order): active households, those visited in the quarter
    starting ``quarter_start`` (default: the current quarter) and their ratio."""
    start = quarter_start_of(quarter_start or timezone.localdate())
    since, until = _local_midnight(start), _local_midnight(next_quarter(start))
    grids = list(Territory.objects.filter(path__startswith=node.path, kind=TerritoryKind.GRID).order_by("code"))
    filed = FormSubmission.objects.filter(
        household=OuterRef("pk"),
        template__target=FormTarget.HOUSEHOLD,
        submitted_at__gte=since,
        submitted_at__lt=until,
    )
    counts = {
        row["grid_id"]: row
        for row in Household.objects.filter(grid__path__startswith=node.path, status=RecordStatus.ACTIVE)
        .annotate(filed=Exists(filed))
        .values("grid_id")
        .annotate(
            total=Count("pk"),
            visited=Count("pk", filter=Q(filed=True) | Q(last_visited_at__gte=since, last_visited_at__lt=until)),
        )
        .order_by()
    }
    rows: list[CoverageRow] = []
    for grid in grids:
        found = counts.get(grid.pk, {})
        total, visited = int(found.get("total", 0)), int(found.get("visited", 0))
        rows.append(CoverageRow(grid=grid, households=total, visited=visited, ratio=visited / total if total else None))
    return rows


class CoverageTotal(TypedDict):
    households: int
    visited: int
    ratio: float | None


def coverage_total(rows: list[CoverageRow]) -> CoverageTotal:
    """The rows summed."""
    total = sum(r["households"] for r in rows)
    visited = sum(r["visited"] for r in rows)
    return CoverageTotal(households=total, visited=visited, ratio=visited / total if total else None)


def fillable_templates() -> QuerySet[FormTemplate]:
    """Active templates that have a published version."""
    return FormTemplate.objects.filter(is_active=True, versions__published_at__isnull=False).distinct().order_by("key")


def submissions_for(user: Any) -> QuerySet[FormSubmission]:
    """The filled forms ``user`` may see (their grids, and their own), newest first."""
    return FormSubmission.objects.restrict(user).select_related(
        "template", "version", "grid", "household", "building", "merchant", "resident", "work_order"
    )
