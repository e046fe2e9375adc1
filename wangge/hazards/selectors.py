"""Reading the hazard ledger: which findings are overdue, and the counts of a territory node.

A finding is overdue while it waits for its rectification or for the check of it (``OPEN_STATUSES``) and its
deadline has passed. The functions take querysets already scoped by the caller (``restrict(user)``) or a
territory node whose subtree they read; they never decide who may see what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wangge.hazards.choices import OPEN_STATUSES, HazardStatus
from wangge.hazards.models import HazardFinding, HazardType
from wangge.territory.models import Territory

__all__ = ["counts_for", "in_subtree", "is_overdue", "overdue", "overdue_q"]


def overdue_q(now: dt.datetime) -> Q:
    """The condition of an overdue finding at ``now``."""
    return Q(status__in=sorted(OPEN_STATUSES), due_at__lt=now)


def overdue(qs: QuerySet[HazardFinding] | None = None, *, now: dt.datetime | None = None) -> QuerySet[HazardFinding]:
    """The findings of ``qs`` (every finding when None) still open or awaiting their check after their
    deadline, the longest overdue first."""
    base = HazardFinding.objects.all() if qs is None else qs
    return base.filter(overdue_q(now or timezone.now())).order_by("due_at", "pk")


def is_overdue(finding: HazardFinding, now: dt.datetime | None = None) -> bool:
    return finding.status in OPEN_STATUSES and finding.due_at < (now or timezone.now())


def in_subtree(node: Territory, qs: QuerySet[HazardFinding] | None = None) -> QuerySet[HazardFinding]:
    """The findings in the grids under ``node`` (the node itself when it is a grid)."""
    base = HazardFinding.objects.all() if qs is None else qs
    return base.filter(grid__path__startswith=node.path)


def counts_for(
    node: Territory, *, qs: QuerySet[HazardFinding] | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The findings under ``node``: the total, open (awaiting rectification or check), overdue, per status
    and per type (every active type listed, zeros included), as one JSON-ready dict."""
    at = now or timezone.now()
    findings = in_subtree(node, qs).order_by()
    open_q = Q(status__in=sorted(OPEN_STATUSES))
    totals = findings.aggregate(
        total=Count("pk"), open=Count("pk", filter=open_q), overdue=Count("pk", filter=overdue_q(at))
    )
    by_status = {r["status"]: r["n"] for r in findings.values("status").annotate(n=Count("pk"))}
    by_type_rows = {
        r["type_id"]: r
        for r in findings.values("type_id").annotate(
            total=Count("pk"), open=Count("pk", filter=open_q), overdue=Count("pk", filter=overdue_q(at))
        )
    }
    types = list(
        HazardType.objects.filter(Q(is_active=True) | Q(pk__in=list(by_type_rows))).order_by("ordering", "key")
    )
    return {
        "territory": {"code": node.code, "name": node.name, "kind": node.kind},
        "total": totals["total"],
        "open": totals["open"],
        "overdue": totals["overdue"],
        "by_status": {status: by_status.get(status, 0) for status in HazardStatus.values},
        "by_type": [
            {
                "key": t.key,
                "name": t.name,
                "total": by_type_rows.get(t.pk, {}).get("total", 0),
                "open": by_type_rows.get(t.pk, {}).get("open", 0),
                "overdue": by_type_rows.get(t.pk, {}).get("overdue", 0),
            }
            for t in types
        ],
    }
