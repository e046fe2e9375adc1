"""Reading the dispute ledger: the figures of a territory node over a period, the open high-risk disputes and
the caseload of mediators. One definition of each number, used by the mediation page, the 日通报, the dashboard,
the API and ``dispute_summary``.

Definitions (``DEFINITIONS`` shows them on the page, in Chinese):

- 排查数 (``found``): disputes found (registered) in the period, whatever their source;
- 受理数 (``accepted``): disputes accepted (受理) in the period;
- 调解成功数 (``resolved``): of those, the ones mediated to an agreement (书面或口头协议), by now; a dispute
  referred from one track to another is one dispute and counts once;
- 化解率 (``resolution_rate``): resolved / accepted, between 0 and 1 (None when nothing was accepted);
- 平均化解天数 (``average_days``): mean natural days from 受理 to agreement of the resolved ones;
- 高风险在办 (``high_risk_open``): disputes of level 重大 still open now (not limited to the period).

The functions read the subtree of a territory node, or a queryset already scoped by the caller; they never
decide who may see what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.scoping import scope_for
from wangge.mediation.choices import (
    OPEN_STATUSES,
    RESOLVED_STATUSES,
    CauseClass,
    DisputeStatus,
    RiskLevel,
    Track,
)
from wangge.mediation.models import Dispute, DisputeStint, DisputeType, MediationOrganisation, Mediator
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = [
    "DEFINITIONS",
    "day_range",
    "dispute_summary",
    "high_risk_open",
    "in_subtree",
    "is_overdue",
    "mediator_caseloads",
    "mediators_for",
    "organisations_for",
]

DEFINITIONS = {
    "found": _("排查数：期间内排查发现并登记的矛盾纠纷数（各来源合计）。"),
    "accepted": _("受理数：期间内受理的矛盾纠纷数。"),
    "resolved": _(
        "调解成功数：期间内受理的纠纷中，至今已达成书面或口头调解协议的件数；一件纠纷经多种调解方式接续调解，只计一次。"
    ),
    "resolution_rate": _("化解率 = 调解成功数 ÷ 受理数。"),
    "average_days": _("平均化解天数：调解成功的纠纷从受理到达成协议的平均自然日。"),
    "high_risk_open": _("高风险在办：风险等级为“重大”且尚未办结的纠纷（当前数，不限期间）。"),
}
RESOLVED_Q = Q(status__in=sorted(RESOLVED_STATUSES))


def day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[00:00 of ``start``, 00:00 of the day after ``end``) in the platform's time zone."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def in_subtree(node: Territory, qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    """The disputes in the grids under ``node``."""
    base = Dispute.objects.all() if qs is None else qs
    return base.filter(grid__path__startswith=node.path)


def is_overdue(dispute: Dispute, now: dt.datetime | None = None) -> bool:
    """Still being mediated after its time limit (extensions included)."""
    return (
        dispute.status == DisputeStatus.MEDIATING
        and dispute.due_at is not None
        and dispute.due_at < (now or timezone.now())
    )


def high_risk_open(node: Territory | None = None, qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    """Open disputes of level 重大, those under 督办 and the longest-known first."""
    base = Dispute.objects.all() if qs is None else qs
    if node is not None:
        base = in_subtree(node, base)
    return (
        base.filter(risk_level=RiskLevel.HIGH, status__in=sorted(OPEN_STATUSES))
        .select_related("type", "grid", "mediator", "organisation")
        .order_by("-supervised", "found_at", "pk")
    )


def _rate(resolved: int, accepted: int) -> float | None:
    return round(resolved / accepted, 4) if accepted else None


def _row(accepted: int, resolved: int, **extra: Any) -> dict[str, Any]:
    return {**extra, "accepted": accepted, "resolved": resolved, "resolution_rate": _rate(resolved, accepted)}


def _streets(node: Territory) -> list[Territory]:
    if node.kind in (TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID):
        step = Territory.steplen
        prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
        return list(Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.STREET))
    return list(Territory.objects.filter(path__startswith=node.path, kind=TerritoryKind.STREET).order_by("path"))


def dispute_summary(
    node: Territory, start: dt.date, end: dt.date, *, qs: QuerySet[Dispute] | None = None
) -> dict[str, Any]:
    """The figures of the disputes under ``node`` for the days ``start``..``end`` (inclusive), JSON-ready: the
    totals (see the module notes) and the breakdowns by cause class, type, street and track."""
    lo, hi = day_range(start, end)
    disputes = in_subtree(node, qs).order_by()
    found = disputes.filter(found_at__gte=lo, found_at__lt=hi).count()
    accepted_qs = disputes.filter(accepted_at__gte=lo, accepted_at__lt=hi)
    totals = accepted_qs.aggregate(accepted=Count("pk"), resolved=Count("pk", filter=RESOLVED_Q))
    spans = accepted_qs.filter(RESOLVED_Q, resolved_at__isnull=False).values_list("accepted_at", "resolved_at")
    days = [(r - a).total_seconds() / 86400 for a, r in spans if a is not None and r is not None]
    average_days = round(sum(days) / len(days), 1) if days else None

    def grouped(column: str) -> dict[Any, tuple[int, int]]:
        rows = accepted_qs.values(column).annotate(n=Count("pk"), ok=Count("pk", filter=RESOLVED_Q))
        return {r[column]: (r["n"], r["ok"]) for r in rows}

    causes = grouped("cause_class")
    by_cause = [_row(*causes.get(value, (0, 0)), key=value, name=str(label)) for value, label in CauseClass.choices]
    types = grouped("type_id")
    by_type = [
        _row(*types.get(t.pk, (0, 0)), key=t.key, name=t.name)
        for t in DisputeType.objects.filter(Q(is_active=True) | Q(pk__in=list(types))).order_by("ordering", "key")
    ]
    streets = _streets(node)
    by_street: list[dict[str, Any]] = []
    if streets:
        width = len(streets[0].path)
        rows = (
            accepted_qs.annotate(street_path=Substr("grid__path", 1, width))
            .values("street_path")
            .annotate(n=Count("pk"), ok=Count("pk", filter=RESOLVED_Q))
        )
        per_path = {r["street_path"]: (r["n"], r["ok"]) for r in rows}
        by_street = [_row(*per_path.get(s.path, (0, 0)), code=s.code, name=s.name) for s in streets]
    # A dispute counts under every track it went through; it counts as resolved under the track that settled it.
    through = {
        r["track"]: r["n"]
        for r in DisputeStint.objects.filter(dispute__in=accepted_qs)
        .values("track")
        .annotate(n=Count("dispute_id", distinct=True))
    }
    settled = {r["track"]: r["n"] for r in accepted_qs.filter(RESOLVED_Q).values("track").annotate(n=Count("pk"))}
    by_track = [
        _row(through.get(value, 0), settled.get(value, 0), key=value, name=str(label)) for value, label in Track.choices
    ]
    open_high = high_risk_open(node, qs)
    return {
        "territory": {"code": node.code, "name": node.name, "kind": node.kind},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "found": found,
        "accepted": totals["accepted"],
        "resolved": totals["resolved"],
        "resolution_rate": _rate(totals["resolved"], totals["accepted"]),
        "average_days": average_days,
        "high_risk_open": open_high.count(),
        "supervised_open": open_high.filter(supervised=True).count(),
        "by_cause_class": by_cause,
        "by_type": by_type,
        "by_street": by_street,
        "by_track": by_track,
        "definitions": {key: str(text) for key, text in DEFINITIONS.items()},
    }


def _serving_q(user: Any, field: str) -> Q | None:
    """Organisations at, under or above the user's grants: a grid worker sees their community's and street's
    committees and the district's 行政调解 units and court (None: no restriction)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    q = Q(pk__in=[])
    step = Territory.steplen
    for path in scope.territory_paths:
        ancestors = [path[:i] for i in range(step, len(path), step)]
        q |= Q(**{f"{field}__startswith": path}) | Q(**{f"{field}__in": ancestors})
    return q


def organisations_for(user: Any) -> QuerySet[MediationOrganisation]:
    """The mediation organisations serving the user's territory (the register is no secret within it)."""
    q = _serving_q(user, "territory__path")
    qs = MediationOrganisation.objects.all()
    return qs if q is None else qs.filter(q)


def mediators_for(user: Any) -> QuerySet[Mediator]:
    q = _serving_q(user, "organisation__territory__path")
    qs = Mediator.objects.all()
    return qs if q is None else qs.filter(q)


def mediator_caseloads(qs: QuerySet[Mediator]) -> QuerySet[Mediator]:
    """Mediators with their caseload: disputes mediated (any pass), open now, and resolved by them."""
    return qs.annotate(
        cases=Count("stints__dispute", distinct=True),
        open_cases=Count("disputes", filter=Q(disputes__status=DisputeStatus.MEDIATING), distinct=True),
        resolved_cases=Count("disputes", filter=Q(disputes__status__in=sorted(RESOLVED_STATUSES)), distinct=True),
    )
