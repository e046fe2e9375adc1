"""Every number of 好差评 shown anywhere, defined once.

- :func:`figures` — per hall, window, item or staff (one selector): 评价数, 好评数, 好评率, 差评数, 整改数,
  按期整改数, 申诉数, 申诉成立数;
- :func:`open_rectifications_for_bulletin` — the rectifications open at the end of a day, with their deadlines
  (the 日通报 lists each until it is closed);
- :func:`is_overdue` — a rectification past its deadline and not closed.

The functions read querysets the caller already scoped (or every row); they never decide who may see what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.evaluations.choices import OPEN_RECTIFICATION, AppealStatus, RectificationStatus
from wangge.evaluations.models import Evaluation, Rectification
from wangge.territory.models import Territory

__all__ = ["DEFINITIONS", "GROUPS", "figures", "is_overdue", "open_rectifications_for_bulletin"]

DEFINITIONS = {
    "ratings": _("评价数：期间内的评价（申诉成立而剔除的不计）。"),
    "good_rate": _("好评率 = 非常满意、满意、基本满意 ÷ 评价数。"),
    "bad": _("差评数：不满意、非常不满意（申诉成立而剔除的不计）。"),
    "rectified_on_time": _("按期整改：期间内开始的整改中，在整改期限前办结的件数。"),
    "appeals": _("申诉：期间内的差评提出的申诉数，及其中复核成立数。"),
}

# What the figures can be grouped by: the attribution field, and how a row is named.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hall": ("hall_id", ("hall__name",)),
    "window": ("window_id", ("window__hall__name", "window__number", "window__name")),
    "item": ("item_id", ("item__name",)),
    "staff": ("staff_id", ("staff__display_name", "staff__username")),
}


def _name(by: str, row: dict[str, Any]) -> str:
    if row.get(GROUPS[by][0]) is None:
        return str(_("（未记录）"))
    if by == "window":
        return f"{row['window__hall__name']} {row['window__number']} {row['window__name']}"
    if by == "staff":
        return str(row["staff__display_name"] or row["staff__username"])
    return str(row[GROUPS[by][1][0]])


def figures(
    by: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    evaluations: QuerySet[Evaluation] | None = None,
    rectifications: QuerySet[Rectification] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The rows (one per hall, window, item or staff member) and the total over [start, end). Ratings count by
    ``rated_at``, rectifications by ``opened_at``; pass querysets already scoped to the reader."""
    assert by in GROUPS, by
    key, names = GROUPS[by]
    ev = (evaluations if evaluations is not None else Evaluation.objects.all()).filter(
        rated_at__gte=start, rated_at__lt=end
    )
    rect = (rectifications if rectifications is not None else Rectification.objects.all()).filter(
        opened_at__gte=start, opened_at__lt=end
    )
    counted = Q(excluded=False)
    rating_rows = ev.values(key, *names).annotate(
        ratings=Count("id", filter=counted),
        good=Count("id", filter=counted & Q(is_bad=False)),
        bad=Count("id", filter=counted & Q(is_bad=True)),
        appeals=Count("appeal", filter=Q(appeal__isnull=False)),
        appeals_upheld=Count("appeal", filter=Q(appeal__status=AppealStatus.UPHELD)),
    )
    rect_rows = rect.values(key, *names).annotate(
        rectifications=Count("id", filter=~Q(status=RectificationStatus.WITHDRAWN)),
        rectified_on_time=Count("id", filter=Q(on_time=True)),
        rectifying=Count("id", filter=Q(status__in=sorted(OPEN_RECTIFICATION))),
        overdue=Count("id", filter=Q(status__in=sorted(OPEN_RECTIFICATION), due_at__lt=now or timezone.now())),
    )
    fields = (
        "ratings",
        "good",
        "bad",
        "appeals",
        "appeals_upheld",
        "rectifications",
        "rectified_on_time",
        "rectifying",
        "overdue",
    )
    rows: dict[Any, dict[str, Any]] = {}
    for r in list(rating_rows) + list(rect_rows):
        row = rows.setdefault(r[key], {"key": r[key], "name": _name(by, r), **dict.fromkeys(fields, 0)})
        for f in fields:
            if f in r:
                row[f] += r[f]
    total: dict[str, Any] = {"key": None, "name": str(_("合计")), **dict.fromkeys(fields, 0)}
    for row in rows.values():
        for f in fields:
            total[f] += row[f]
    out = sorted(rows.values(), key=lambda x: (-x["ratings"], x["name"]))
    for row in [*out, total]:
        row["good_rate"] = row["good"] / row["ratings"] if row["ratings"] else None
        row["on_time_rate"] = row["rectified_on_time"] / row["rectifications"] if row["rectifications"] else None
    return {"by": by, "rows": out, "total": total, "definitions": DEFINITIONS}


def is_overdue(r: Rectification, now: dt.datetime | None = None) -> bool:
    return r.status in OPEN_RECTIFICATION and r.due_at < (now or timezone.now())


def open_rectifications_for_bulletin(
    node: Territory | None, day: dt.date, *, qs: QuerySet[Rectification] | None = None
) -> list[dict[str, Any]]:
    """The rectifications open at the end of ``day`` (opened before it ended, not closed or withdrawn by then),
    overdue first then by deadline: the 办件, hall, window, item, department, source, status, deadline and days
    overdue (calendar days past the deadline's day)."""
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    base = qs if qs is not None else Rectification.objects.all()
    if node is not None:
        base = base.filter(hall__territory__path__startswith=node.path)
    rows = (
        base.filter(opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .select_related("hall", "window", "item", "department", "application")
        .order_by("due_at", "id")
    )
    out = []
    for r in rows:
        due_day = timezone.localtime(r.due_at, tz).date()
        overdue = r.due_at < end
        out.append(
            {
                "code": r.code,
                "application": r.application.code,
                "hall": r.hall.name,
                "window": f"{r.window.number} {r.window.name}" if r.window else "",
                "item": r.item.name,
                "unit": r.department.name,
                "source": r.get_source_display(),
                "status_label": r.get_status_display(),
                "opened": timezone.localtime(r.opened_at, tz).date().isoformat(),
                "deadline": due_day.isoformat(),
                "overdue": overdue,
                "days_overdue": (day - due_day).days if overdue else 0,
            }
        )
    out.sort(key=lambda x: (not x["overdue"], x["deadline"]))
    return out
