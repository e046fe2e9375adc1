"""Reading the service hall: the figures of the 办件 ledger over a period, grouped by hall, department, item, window
or staff member, and the share of the catalogue that can be done online. One definition of each number, used by
the figures page, the API and ``bench/hall_figures.py``.

Definitions (``DEFINITIONS`` shows them on the page). The applications counted are those **received in the
period** (``received_at`` in [start, end)):

- 收件数 (``received``): every application received;
- 受理数 (``accepted``): of those, accepted (受理) — whatever happened after;
- 办结数 (``finished``): of those, finished (办结);
- 办结率 (``finish_rate``) = 办结数 / 受理数;
- 超期数 (``overdue``): of those, flagged overdue — finished after the promised instant, or open past it;
- 平均用时 (``avg_days``): the mean working days used by the finished 承诺件 (即办件 are not on a day clock);
  平均承诺 (``avg_promised``): the mean promised working days of the same applications;
  提速 (``speedup``) = 1 − 平均用时 / 平均承诺 (the seed's "比承诺时间平均提速 76%");
- 网上可办率 (``online_rate``): of the active items of the catalogue, the share with online depth 3 or 4, or that
  can be done online (网上办 or 掌上办).

The functions read a queryset already scoped by the caller (``Application.objects.restrict(user)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.hall.choices import ApplicationStatus, HandlingMode
from wangge.hall.models import Application, Item

__all__ = ["DEFINITIONS", "GROUPS", "as_percent", "figures", "in_period", "online_rate", "online_rate_by_department"]

DEFINITIONS = {
    "received": _("收件数：统计期间内收件的办件数。"),
    "accepted": _("受理数：其中已受理的办件数（含其后办结、撤回的）。"),
    "finished": _("办结数：其中已办结的办件数。"),
    "finish_rate": _("办结率：办结数 ÷ 受理数。"),
    "overdue": _("超期数：其中超过承诺办结期限才办结、或已过期限仍未办结的办件数。"),
    "speedup": _("提速：1 − 已办结承诺件的平均实际用时 ÷ 平均承诺时限（均按工作日计）。"),
    "online_rate": _("网上可办率：启用事项中网上办理深度达到三级及以上、或可网上办、掌上办的事项占比。"),
}

# Group name → (the field grouped on, the fields shown as its label).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hall": ("hall_id", ("hall__name",)),
    "department": ("department_id", ("department__name",)),
    "item": ("item_id", ("item__name", "item__code")),
    "window": ("window_id", ("window__hall__name", "window__number", "window__name")),
    "staff": ("staff_id", ("staff__display_name", "staff__username")),
}

_PROMISED_FINISHED = Q(status=ApplicationStatus.FINISHED, promised_days__gt=0)


def _aggregates() -> dict[str, Any]:
    return {
        "received": Count("id"),
        "accepted": Count("id", filter=Q(accepted_at__isnull=False)),
        "finished": Count("id", filter=Q(status=ApplicationStatus.FINISHED)),
        "overdue": Count("id", filter=Q(is_overdue=True)),
        "avg_days": Avg("elapsed_working_days", filter=_PROMISED_FINISHED),
        "avg_promised": Avg("promised_days", filter=_PROMISED_FINISHED),
    }


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    accepted, finished = row["accepted"], row["finished"]
    row["finish_rate"] = round(finished / accepted, 4) if accepted else None
    days, promised = row.get("avg_days"), row.get("avg_promised")
    row["avg_days"] = round(float(days), 2) if days is not None else None
    row["avg_promised"] = round(float(promised), 2) if promised is not None else None
    row["speedup"] = (
        round(1 - row["avg_days"] / row["avg_promised"], 4) if row["avg_days"] is not None and promised else None
    )
    return row


def in_period(qs: QuerySet[Application], start: dt.datetime, end: dt.datetime) -> QuerySet[Application]:
    return qs.filter(received_at__gte=start, received_at__lt=end)


def figures(
    qs: QuerySet[Application], *, start: dt.datetime, end: dt.datetime, by: str | None = None
) -> dict[str, Any]:
    """The period's figures: ``{"total": {...}, "rows": [{"key", "label", ...}]}`` — the rows grouped by ``by``
    (one of ``GROUPS``), largest first; no rows without ``by``."""
    period = in_period(qs, start, end).order_by()
    total = _rates(dict(period.aggregate(**_aggregates())))
    total["online_rate"] = online_rate()
    rows: list[dict[str, Any]] = []
    if by:
        key, labels = GROUPS[by]
        for row in period.values(key, *labels).annotate(**_aggregates()).order_by("-received", key):
            shown = " ".join(str(row.pop(f)) for f in labels if row.get(f) not in (None, ""))
            row = _rates(row)
            rows.append({"key": row.pop(key), "label": shown or str(_("（未指定）")), **row})
        if by == "department":
            rates = online_rate_by_department()
            for row in rows:
                row["online_rate"] = rates.get(row["key"])
    return {"total": total, "rows": rows}


def _capable(item: Mapping[str, Any]) -> bool:
    modes = item["modes"] or []
    return item["online_depth"] in {"3", "4"} or HandlingMode.ONLINE in modes or HandlingMode.MOBILE in modes


def online_rate(items: QuerySet[Item] | None = None) -> float | None:
    """网上可办率 of the active items (of ``items`` when given)."""
    rows = list(
        (items if items is not None else Item.objects.all()).filter(is_active=True).values("online_depth", "modes")
    )
    if not rows:
        return None
    return round(len([r for r in rows if _capable(r)]) / len(rows), 4)


def online_rate_by_department() -> dict[int, float]:
    counts: dict[int, list[int]] = {}
    for r in Item.objects.filter(is_active=True).values("department_id", "online_depth", "modes"):
        c = counts.setdefault(r["department_id"], [0, 0])
        c[0] += int(_capable(r))
        c[1] += 1
    return {k: round(a / b, 4) for k, (a, b) in counts.items() if b}


def as_percent(value: float | Decimal | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"
