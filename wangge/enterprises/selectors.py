"""Every number 助企包联 shows, defined once: the pages, the API and the demo call these.

The figures of a month over a territory node (or all the user may see): enterprises, cadres and enterprises per
cadre, visits and visit coverage, the 涉企 appeals of the month and how they ended, and credit and loans by
matchmaking event. See ``DEFINITIONS``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from wangge.enterprises.choices import LiaisonLevel
from wangge.enterprises.models import (
    Cadre,
    Enterprise,
    FinancingEvent,
    FinancingParticipation,
    Issue,
    Liaison,
    Visit,
    liaised_enterprise_ids,
)
from wangge.territory.models import Territory
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder

SATISFIED_FROM = 3  # a rating of 基本满意 or better counts as satisfied (as the closed loop's top3 definition)

DEFINITIONS: dict[str, Any] = {
    "enterprises": _("包联企业：在册企业数（所选辖区内，您可见的）"),
    "per_cadre": _("人均包联企业：有效的“包联干部”关系数 ÷ 包联干部人数（区级领导、部门不计）"),
    "visits": _("本月走访：走访日期在本月内的走访记录数"),
    "coverage": _("走访覆盖率：本月至少走访过一次的企业数 ÷ 在册企业数"),
    "cases": _("涉企诉求：本月受理的涉企工单（走访、服务日反映的问题及标记为涉企的工单），不含合并、无效"),
    "closed": _("已办结：上述工单中已结案的；按期办结：结案且在办结时限内处置完毕的"),
    "resolved": _(
        "已解决：企业认为已解决的；满意：企业评价为基本满意及以上的（取工单回访评价，无回访的取包联干部记录的企业评价）"
    ),
    "financing": _("授信与放款：各政银企对接活动中企业获得的授信金额与放款金额之和（万元）"),
}


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of ``month`` and the first day of the next month."""
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return first, after


def visible_enterprises(user: Any, node: Territory | None = None) -> QuerySet[Enterprise]:
    """The active enterprises ``user`` sees (territory scope, or liaising with them), under ``node``."""
    qs: QuerySet[Enterprise] = Enterprise.objects.restrict(user).filter(is_active=True)
    return qs.filter(grid__path__startswith=node.path) if node is not None else qs


def my_enterprises(user: Any) -> QuerySet[Enterprise]:
    """The enterprises the user's account liaises with (my enterprises, on the phone)."""
    return Enterprise.objects.filter(pk__in=liaised_enterprise_ids(user), is_active=True).select_related("grid")


def liaisons_of(enterprise: Enterprise) -> list[Liaison]:
    return list(
        enterprise.liaisons.filter(is_active=True)
        .select_related("cadre", "cadre__unit", "unit")
        .order_by("level", "id")
    )


def enterprise_issues(enterprise: Enterprise) -> QuerySet[Issue]:
    """The enterprise's cases, newest first, with their work orders (status, deadline, rating)."""
    return enterprise.issues.select_related("work_order", "visit", "service_day").order_by("-raised_on", "-id")


def enterprise_cases_q(user: Any, enterprises: QuerySet[Enterprise], node: Territory | None = None) -> Q:
    """The 涉企 work orders a user's figures count: the flagged cases in the user's scope (under ``node``) and the
    cases linked to the enterprises they see."""
    scoped: QuerySet[WorkOrder] = WorkOrder.objects.restrict(user).filter(enterprise_related=True)
    if node is not None:
        scoped = scoped.filter(scope_path__startswith=node.path)
    linked = Issue.objects.filter(enterprise__in=enterprises.values("pk")).values("work_order_id")
    return Q(enterprise_related=True) & (Q(pk__in=scoped.values("pk")) | Q(pk__in=linked))


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def case_figures(
    user: Any, enterprises: QuerySet[Enterprise], start: dt.date, end: dt.date, node: Territory | None
) -> dict[str, Any]:
    """The 涉企 appeals received in [start, end) and how they ended."""
    qs = WorkOrder.objects.filter(
        enterprise_cases_q(user, enterprises, node), received_at__date__gte=start, received_at__date__lt=end
    ).exclude(status__in=[Status.MERGED, Status.INVALID])
    closed = Q(status=Status.CLOSED)
    row = qs.aggregate(
        cases=Count("pk"),
        closed=Count("pk", filter=closed),
        closed_on_time=Count("pk", filter=closed & Q(handled_on_time=True)),
        resolved=Count("pk", filter=Q(resolved=True) | Q(resolved__isnull=True, enterprise_issue__resolved=True)),
        rated=Count("pk", filter=Q(rating__isnull=False) | Q(enterprise_issue__rating__isnull=False)),
        satisfied=Count(
            "pk",
            filter=Q(rating__gte=SATISFIED_FROM) | Q(rating__isnull=True, enterprise_issue__rating__gte=SATISFIED_FROM),
        ),
    )
    row["open"] = row["cases"] - row["closed"]
    row["closure_rate"] = _rate(row["closed"], row["cases"])
    row["on_time_rate"] = _rate(row["closed_on_time"], row["closed"])
    row["satisfaction_rate"] = _rate(row["satisfied"], row["rated"])
    return row


def financing_by_event(user: Any, start: dt.date, end: dt.date, node: Territory | None = None) -> list[dict[str, Any]]:
    """Per matchmaking event held in [start, end): enterprises taking part, needs, credit granted, loans (万元)."""
    events: QuerySet[FinancingEvent] = FinancingEvent.objects.restrict(user).filter(held_on__gte=start, held_on__lt=end)
    if node is not None:
        events = events.filter(territory__path__startswith=node.path)
    zero = Decimal("0")
    rows = (
        events.order_by("-held_on", "-id")
        .values("pk", "title", "held_on", "online")
        .annotate(
            enterprises=Count("participations", distinct=True),
            need=Sum("participations__need_amount", default=zero),
            credit=Sum("participations__credit_granted", default=zero),
            loans=Sum("participations__loan_disbursed", default=zero),
            credited=Count("participations", filter=Q(participations__credit_granted__gt=0), distinct=True),
        )
    )
    return [dict(r) for r in rows]


def enterprise_figures(
    user: Any, month: dt.date, *, node: Territory | None = None, year_start: dt.date | None = None
) -> dict[str, Any]:
    """The 助企 figures of ``month`` (any day in it) over ``node`` (see ``DEFINITIONS``); the matchmaking figures
    run from ``year_start`` (default 1 January of the month's year) to the month's end."""
    start, end = month_range(month)
    enterprises = visible_enterprises(user, node)
    total = enterprises.count()
    cadre_links = Liaison.objects.filter(
        enterprise__in=enterprises.values("pk"), level=LiaisonLevel.CADRE, is_active=True, cadre__is_active=True
    )
    link_count = cadre_links.count()
    cadres = cadre_links.values("cadre_id").distinct().count()
    visits = Visit.objects.filter(enterprise__in=enterprises.values("pk"), visited_on__gte=start, visited_on__lt=end)
    visited = visits.values("enterprise_id").distinct().count()
    events = financing_by_event(user, year_start or start.replace(month=1), end, node)
    zero = Decimal("0")
    return {
        "month": start,
        "start": start,
        "end": end - dt.timedelta(days=1),
        "enterprises": total,
        "cadres": cadres,
        "cadre_links": link_count,
        "per_cadre": round(link_count / cadres, 2) if cadres else None,
        "visits": visits.count(),
        "visited": visited,
        "coverage": _rate(visited, total),
        "problems": Issue.objects.filter(
            enterprise__in=enterprises.values("pk"), raised_on__gte=start, raised_on__lt=end
        ).count(),
        "cases": case_figures(user, enterprises, start, end, node),
        "financing": {
            "events": events,
            "event_count": len(events),
            "enterprises": sum(e["enterprises"] for e in events),
            "need": sum((e["need"] for e in events), zero),
            "credit": sum((e["credit"] for e in events), zero),
            "loans": sum((e["loans"] for e in events), zero),
        },
    }


def cadre_rows(user: Any, month: dt.date, node: Territory | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Per cadre (the most enterprises first): enterprises liaised with and visits recorded in the month."""
    start, end = month_range(month)
    enterprises = visible_enterprises(user, node)
    rows = (
        Cadre.objects.filter(
            liaisons__enterprise__in=enterprises.values("pk"), liaisons__is_active=True, is_active=True
        )
        .values("pk", "name", "rank", "unit__name")
        .annotate(enterprises=Count("liaisons", distinct=True))
        .order_by("-enterprises", "name")[:limit]
    )
    out = [dict(r) for r in rows]
    counts = dict(
        Visit.objects.filter(cadre_id__in=[r["pk"] for r in out], visited_on__gte=start, visited_on__lt=end)
        .values("cadre_id")
        .annotate(n=Count("pk"))
        .values_list("cadre_id", "n")
    )
    for r in out:
        r["visits"] = counts.get(r["pk"], 0)
    return out


def participations_of(event: FinancingEvent, user: Any) -> QuerySet[FinancingParticipation]:
    return (
        event.participations.filter(enterprise__in=Enterprise.objects.restrict(user).values("pk"))
        .select_related("enterprise", "bank", "product")
        .order_by("-credit_granted", "enterprise__name")
    )
