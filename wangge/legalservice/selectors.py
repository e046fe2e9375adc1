"""Reading the public legal service: coverage of the communities by advisers and liaisons, the 法律明白人 per
street, the legal-aid cases by status and their review clock, the consultations of a month — each figure defined
once here, and every screen and endpoint that shows it calls it.

The functions take the user whose scope they read (``restrict(user)``); they never widen it. The audited reveal of
protected numbers is here too: :func:`reveal` checks the ``reveal`` action over the row and writes the audit entry.

Definitions:
- a community is **covered by an adviser** on a day when an adviser serves it that day (``since`` ≤ day, no
  ``until`` or ``until`` ≥ day) and the adviser is in office;
- a community is **covered by liaisons** when a judge, a prosecutor, a police officer *and* a lawyer each liaise
  with it that day;
- a legal-aid case's **review is overdue** while it awaits review (待审查) after its review deadline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wangge.accounts.roles import REVEAL
from wangge.core import audit
from wangge.core.actors import is_system
from wangge.legalservice.choices import AidStatus, ConsultChannel, LiaisonRole, Referral
from wangge.legalservice.models import (
    AdviserCommunity,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalLiterate,
    Liaison,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = [
    "active_liaisons",
    "active_links",
    "case_counts",
    "communities",
    "consultation_counts",
    "coverage",
    "is_review_overdue",
    "legal_summary",
    "literates_by_street",
    "may_reveal",
    "reveal",
]

LIAISON_ROLES: tuple[str, ...] = tuple(LiaisonRole.values)


def communities(user: Any) -> QuerySet[Territory]:
    """The villages/communities the user sees, in code order."""
    return Territory.objects.restrict(user).filter(kind=TerritoryKind.COMMUNITY).order_by("code")


def active_links(day: dt.date) -> Q:
    """The condition of an adviser's service of a community on ``day``."""
    return Q(since__lte=day, adviser__is_active=True) & (Q(until__isnull=True) | Q(until__gte=day))


def active_liaisons(day: dt.date) -> Q:
    """The condition of a liaison assignment running on ``day``."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def coverage(user: Any, day: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per community the user sees: its advisers and its liaisons on ``day`` (today by default),
    whether an adviser covers it and whether all four liaison roles do."""
    day = day or timezone.localdate()
    nodes = list(communities(user).only("pk", "code", "name", "path"))
    ids = [c.pk for c in nodes]
    advisers: dict[int, list[str]] = defaultdict(list)
    for community_id, name in (
        AdviserCommunity.objects.filter(active_links(day), community_id__in=ids)
        .order_by("adviser__name")
        .values_list("community_id", "adviser__name")
    ):
        advisers[community_id].append(name)
    liaisons: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for community_id, role, name in (
        Liaison.objects.filter(active_liaisons(day), community_id__in=ids)
        .order_by("person_name")
        .values_list("community_id", "role", "person_name")
    ):
        liaisons[community_id][role].append(name)
    rows = []
    for c in nodes:
        by_role = liaisons.get(c.pk, {})
        rows.append(
            {
                "community": c,
                "advisers": advisers.get(c.pk, []),
                "has_adviser": bool(advisers.get(c.pk)),
                "liaisons": [(role, by_role.get(role, [])) for role in LIAISON_ROLES],
                "missing_roles": [role for role in LIAISON_ROLES if not by_role.get(role)],
                "liaisons_complete": all(by_role.get(role) for role in LIAISON_ROLES),
            }
        )
    return rows


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def literates_by_street(user: Any) -> list[dict[str, Any]]:
    """The 法律明白人 in register (在册) per street the user sees (streets without any listed with 0), and per
    street the number of grids that have at least one."""
    streets = list(
        Territory.objects.restrict(user)
        .filter(kind=TerritoryKind.STREET)
        .order_by("code")
        .only("pk", "code", "name", "path")
    )
    counts: Counter[str] = Counter()
    grids: Counter[str] = Counter()
    rows: Any = (
        LegalLiterate.objects.restrict(user)
        .filter(is_active=True)
        .values("grid__path")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        for street in streets:
            if row["grid__path"].startswith(street.path):
                counts[street.path] += row["n"]
                grids[street.path] += 1
                break
    return [{"street": s, "count": counts[s.path], "grids": grids[s.path]} for s in streets]


def case_counts(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The legal-aid cases the user sees: the total, per status (every status listed) and reviews overdue."""
    at = now or timezone.now()
    cases: Any = LegalAidCase.objects.restrict(user).order_by()
    by_status = {r["status"]: r["n"] for r in cases.values("status").annotate(n=Count("pk"))}
    overdue = cases.filter(status=AidStatus.APPLIED, review_due_at__lt=at).count()
    return {
        "total": sum(by_status.values()),
        "by_status": {s: by_status.get(s, 0) for s in AidStatus.values},
        "review_overdue": overdue,
    }


def is_review_overdue(case: LegalAidCase, now: dt.datetime | None = None) -> bool:
    return case.status == AidStatus.APPLIED and case.review_due_at < (now or timezone.now())


def consultation_counts(user: Any, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The consultations the user sees logged from ``first`` to ``last`` (both included): the total, per
    channel and the referrals to legal aid and to mediation."""
    rows: Any = Consultation.objects.restrict(user).filter(consulted_on__range=(first, last)).order_by()
    totals = rows.aggregate(
        total=Count("pk"),
        legal_aid=Count("pk", filter=Q(referral=Referral.LEGAL_AID)),
        mediation=Count("pk", filter=Q(referral=Referral.MEDIATION)),
    )
    by_channel = {r["channel"]: r["n"] for r in rows.values("channel").annotate(n=Count("pk"))}
    return {
        "from": first,
        "to": last,
        "total": totals["total"],
        "by_channel": {c: by_channel.get(c, 0) for c in ConsultChannel.values},
        "referred_legal_aid": totals["legal_aid"],
        "referred_mediation": totals["mediation"],
    }


def legal_summary(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """The figures of the home page: adviser coverage, 法律明白人, liaison coverage, legal-aid cases by status and
    the consultations of the current month."""
    at = now or timezone.now()
    today = timezone.localdate(at)
    rows = coverage(user, today)
    covered = sum(1 for r in rows if r["has_adviser"])
    complete = sum(1 for r in rows if r["liaisons_complete"])
    return {
        "communities": len(rows),
        "advisers": LegalAdviser.objects.restrict(user).filter(is_active=True).count(),
        "adviser_covered": covered,
        "adviser_coverage": _rate(covered, len(rows)),
        "literates": LegalLiterate.objects.restrict(user).filter(is_active=True).count(),
        "liaison_complete": complete,
        "liaison_coverage": _rate(complete, len(rows)),
        "cases": case_counts(user, at),
        "consultations": consultation_counts(user, today.replace(day=1), today),
    }


# --- protected numbers -----------------------------------------------------------------------------------------


def may_reveal(user: Any, obj: Any) -> bool:
    """Whether ``user`` may read ``obj``'s full numbers: the ``reveal`` action covers the row (the system always)."""
    if is_system(user):
        return True
    return bool(type(obj).objects.restrict(user, REVEAL).filter(pk=obj.pk).exists())


def reveal(
    *, user: Any, obj: Any, fields: tuple[str, ...], ip: str | None = None, channel: str = "web"
) -> dict[str, str]:
    """The full values of ``fields`` of ``obj`` for an entitled ``user``, written to the audit trail (one entry
    naming the fields shown); ``{}`` (and nothing written) when the user may not see them."""
    if not may_reveal(user, obj):
        return {}
    shown = {name: str(getattr(obj, name) or "") for name in fields}
    audit.record(
        actor=user,
        action=f"legalservice.{obj._meta.model_name}_reveal",
        obj=obj,
        after={"fields": [name for name, value in shown.items() if value]},
        note=channel,
        ip=ip,
        only_changes=False,
    )
    return shown
