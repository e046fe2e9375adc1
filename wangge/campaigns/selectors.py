"""The figures of a campaign (专项整治), each defined once here; every page, file, API answer and report that
shows one calls these.

Definitions:

- **points** (应排查点位数): the campaign's points — its explicit points plus the points of its point types inside
  its territory node (:func:`campaign_points`).
- **inspected** (已排查点位数): campaign points with at least one campaign finding; ``inspected_pct`` is
  inspected / points (0 when the campaign has no points).
- **findings** (排查记录数), **problem_findings** (发现问题数): the campaign's findings, those with a failed item.
- **cases** (专项工单数): work orders tagged with the campaign (opened from a finding, or an existing case tagged);
  **closed** (已结案): of those, status 已结案; **overdue** (超期): of those, open with the handling deadline
  passed and no reply (``workorders.clocks.deadline_overdue``, the 超期 of every screen).
- **hazards** (专项隐患数): hazard findings tagged with the campaign; **hazards_closed**: of those, 已整改销号.
- **quantities** (整治量): the sum of the remediation quantities recorded on the campaign's cases, findings and
  hazard findings, per item.

The responsible body (责任主体) a row answers to in the bulletin: a point and its findings — the point's
responsible unit; a case — the unit it is dispatched to, else its point's responsible unit; a quantity — the
unit fixed when it was recorded (the same rule for its case, finding or hazard). The territory a row counts
under is the child node of the campaign's territory that contains it (a street under a district).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.campaigns.choices import CampaignStatus
from wangge.campaigns.models import (
    Campaign,
    CampaignFinding,
    CampaignHazard,
    QuantityItem,
    QuantityTarget,
    RemediationQuantity,
)
from wangge.hazards.choices import HazardStatus
from wangge.places.models import Point
from wangge.territory.models import Territory
from wangge.workorders.choices import Status
from wangge.workorders.clocks import deadline_overdue
from wangge.workorders.models import WorkOrder

__all__ = [
    "DEFINITIONS",
    "NO_UNIT",
    "campaign_bulletin",
    "campaign_cases",
    "campaign_hazards",
    "campaign_points",
    "campaign_totals",
    "campaigns_for",
    "campaigns_in_period",
    "quantity_rows",
]

DEFINITIONS: dict[str, str] = {
    "points": "应排查点位：专项指定的点位，加上整治范围内所选类型的点位",
    "inspected": "已排查点位：至少有一条专项排查记录的点位；排查覆盖率 = 已排查点位 ÷ 应排查点位",
    "cases": "专项工单：由排查转立或标记到本专项的工单；已结案为状态“已结案”；超期为在办且超过办结时限仍未反馈",
    "quantities": "整治量：本专项的工单、排查记录和隐患上填报的整治量之和，按项目合计",
    "responsible": (
        "责任主体：点位及其排查记录归点位的责任单位；工单归承办单位（未派遣时归点位责任单位）；"
        "整治量归填报时确定的责任单位"
    ),
}
NO_UNIT = "（未明确责任单位）"
OWN_LEVEL = "（本级）"


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    """The campaigns ``user`` sees: inside their territory, over it (a district's campaign is seen by the grid
    workers of its grids), led by their unit, or with their unit as a member."""
    from wangge.accounts.permissions import grant_paths, unit_ids

    visible: QuerySet[Campaign] = Campaign.objects.restrict(user)
    step = Territory.steplen
    above = {p[:i] for p in grant_paths(user) for i in range(step, len(p) + 1, step)}
    units = unit_ids(user)
    if not above and not units:
        return visible
    q = Q(pk__in=visible.values("pk"))
    if above:
        q |= Q(territory__path__in=sorted(above))
    if units:
        q |= Q(member_units__in=units) | Q(lead_unit__in=units)
    return Campaign.objects.filter(pk__in=Campaign.objects.filter(q).values("pk"))


def campaign_points(campaign: Campaign) -> QuerySet[Point]:
    """The points the campaign covers: its explicit points, plus its point types inside its territory."""
    q = Q(pk__in=campaign.points.values("pk"))
    type_ids = list(campaign.point_types.values_list("pk", flat=True))
    if type_ids:
        q |= Q(type_id__in=type_ids, territory__path__startswith=campaign.territory.path)
    return Point.objects.filter(q)


def campaign_cases(campaign: Campaign) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(campaign_tags__campaign=campaign)


def campaign_hazards(campaign: Campaign) -> QuerySet[Any]:
    from wangge.hazards.models import HazardFinding

    return HazardFinding.objects.filter(campaign_tags__campaign=campaign)


def _items(campaign: Campaign, totals: dict[int, Decimal]) -> list[dict[str, Any]]:
    targets = {t.item_id: t.target for t in QuantityTarget.objects.filter(campaign=campaign)}
    ids = set(totals) | set(targets)
    out = []
    for item in QuantityItem.objects.filter(pk__in=ids).order_by("ordering", "key"):
        total = totals.get(item.pk, Decimal("0"))
        target = targets.get(item.pk)
        out.append(
            {
                "key": item.key,
                "name": item.name,
                "unit": item.unit,
                "total": total,
                "target": target,
                "pct": _pct(total, target) if target else None,
            }
        )
    return out


def _pct(part: Any, whole: Any) -> float:
    return round(float(part) * 100.0 / float(whole), 1) if whole else 0.0


def campaign_totals(campaign: Campaign, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The campaign's figures (definitions in this module's docstring and ``DEFINITIONS``):
    ``{"points", "inspected", "inspected_pct", "target_inspected_pct", "findings", "problem_findings", "cases",
    "closed", "overdue", "hazards", "hazards_closed", "quantities": [{"key", "name", "unit", "total" (Decimal),
    "target" (Decimal or None), "pct"}]}``."""
    at = now or timezone.now()
    point_ids = campaign_points(campaign).values("pk")
    points = campaign_points(campaign).count()
    findings = CampaignFinding.objects.filter(campaign=campaign)
    inspected = findings.filter(point_id__in=point_ids).values("point_id").distinct().count()
    cases = campaign_cases(campaign)
    hazards = CampaignHazard.objects.filter(campaign=campaign)
    sums = dict(
        RemediationQuantity.objects.filter(campaign=campaign)
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    return {
        "points": points,
        "inspected": inspected,
        "inspected_pct": _pct(inspected, points),
        "target_inspected_pct": campaign.target_inspected_pct,
        "findings": findings.count(),
        "problem_findings": findings.filter(has_problem=True).count(),
        "cases": cases.count(),
        "closed": cases.filter(status=Status.CLOSED).count(),
        "overdue": cases.filter(deadline_overdue(at)).count(),
        "hazards": hazards.count(),
        "hazards_closed": hazards.filter(hazard__status=HazardStatus.CLOSED).count(),
        "quantities": _items(campaign, sums),
    }


def quantity_rows(campaign: Campaign) -> QuerySet[RemediationQuantity]:
    return (
        RemediationQuantity.objects.filter(campaign=campaign)
        .select_related("item", "territory", "responsible_unit", "work_order", "finding__point", "hazard")
        .order_by("-recorded_at", "-id")
    )


# --- the bulletin to each responsible body -------------------------------------------------------------------


def _group_path(root: Territory, path: str | None) -> str:
    """The child node of ``root`` containing ``path`` (its path), or ``root``'s own for rows at its level."""
    if not path or not path.startswith(root.path) or len(path) <= len(root.path):
        return str(root.path)
    return path[: len(root.path) + Territory.steplen]


def _empty_row(key: Any, name: str, item_keys: list[str]) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "points": 0,
        "inspected": 0,
        "findings": 0,
        "problem_findings": 0,
        "cases": 0,
        "closed": 0,
        "overdue": 0,
        "quantities": dict.fromkeys(item_keys, Decimal("0")),
    }


def campaign_bulletin(campaign: Campaign, *, by: str = "territory", now: dt.datetime | None = None) -> dict[str, Any]:
    """The campaign bulletin (通报责任主体): one row per responsible body — ``by="territory"`` the child nodes
    of the campaign's territory (属地), ``by="unit"`` the responsible units — with points, inspected points,
    findings, problems, cases opened / closed / overdue and the quantities per item; plus the campaign's totals.

    ``{"campaign": {...}, "by": by, "items": [{"key", "name", "unit"}], "rows": [...], "totals": campaign_totals}``;
    every row's ``quantities`` maps item keys to Decimals. The rows add up to the totals (a case or quantity
    counts once, under the one body the rule in this module's docstring names)."""
    assert by in ("territory", "unit"), by
    at = now or timezone.now()
    totals = campaign_totals(campaign, now=at)
    items = [{"key": q["key"], "name": q["name"], "unit": q["unit"]} for q in totals["quantities"]]
    item_keys = [i["key"] for i in items]
    root = campaign.territory
    rows: dict[Any, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        if key not in rows:
            rows[key] = _empty_row(key, "", item_keys)
        return rows[key]

    def point_key(territory_path: str | None, unit_id: int | None) -> Any:
        return _group_path(root, territory_path) if by == "territory" else unit_id

    points = list(campaign_points(campaign).values_list("pk", "territory__path", "responsible_unit_id"))
    key_of_point = {pk: point_key(path, unit) for pk, path, unit in points}
    for key in key_of_point.values():
        row(key)["points"] += 1
    finding_rows = CampaignFinding.objects.filter(campaign=campaign).values_list(
        "point_id", "point__territory__path", "point__responsible_unit_id", "has_problem"
    )
    inspected: set[int] = set()
    for point_id, path, unit, problem in finding_rows:
        key = key_of_point.get(point_id, point_key(path, unit))
        r = row(key)
        r["findings"] += 1
        r["problem_findings"] += int(bool(problem))
        if point_id in key_of_point and point_id not in inspected:
            inspected.add(point_id)
            r["inspected"] += 1
    overdue_ids = set(campaign_cases(campaign).filter(deadline_overdue(at)).values_list("pk", flat=True))
    for pk, path, assigned, point_unit, status in campaign_cases(campaign).values_list(
        "pk", "scope_path", "assigned_unit_id", "point__responsible_unit_id", "status"
    ):
        r = row(_group_path(root, path) if by == "territory" else (assigned or point_unit))
        r["cases"] += 1
        r["closed"] += int(status == Status.CLOSED)
        r["overdue"] += int(pk in overdue_ids)
    sums = (
        RemediationQuantity.objects.filter(campaign=campaign)
        .values("scope_path", "responsible_unit_id", "item__key")
        .annotate(total=Sum("quantity"))
    )
    for s in sums:
        key = _group_path(root, s["scope_path"]) if by == "territory" else s["responsible_unit_id"]
        q = row(key)["quantities"]
        q[s["item__key"]] = q.get(s["item__key"], Decimal("0")) + s["total"]
    if by == "territory":
        names = dict(Territory.objects.filter(path__in=[k for k in rows if k]).values_list("path", "name"))
        for key, r in rows.items():
            r["name"] = OWN_LEVEL + root.name if key == root.path else names.get(key, str(key))
        ordered = sorted(rows.values(), key=lambda r: (r["key"] == root.path, r["key"]))
    else:
        names = dict(Unit.objects.filter(pk__in=[k for k in rows if k]).values_list("pk", "name"))
        for key, r in rows.items():
            r["name"] = names.get(key, NO_UNIT) if key else NO_UNIT
        ordered = sorted(rows.values(), key=lambda r: (r["key"] is None, r["name"]))
    for r in ordered:
        r["inspected_pct"] = _pct(r["inspected"], r["points"])
    return {
        "campaign": {
            "id": campaign.pk,
            "code": campaign.code,
            "name": campaign.name,
            "territory": root.name,
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "status": campaign.status,
            "status_label": str(campaign.get_status_display()),
            "lead_unit": campaign.lead_unit.name if campaign.lead_unit is not None else "",
        },
        "by": by,
        "generated_at": at,
        "items": items,
        "rows": ordered,
        "totals": totals,
    }


# --- the weekly report ---------------------------------------------------------------------------------------


def campaigns_in_period(
    node: Territory, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Campaigns under way during ``start``–``end`` (inclusive) that concern ``node``: their territory lies in
    ``node``'s subtree or covers ``node``; drafts are left out. One dict each, oldest start first: ``id``,
    ``code``, ``name``, ``kind``, ``kind_label``, ``status``, ``status_label``, ``territory``, ``lead_unit``,
    ``start_date``, ``end_date``, ``totals`` (:func:`campaign_totals`), ``progress_pct`` (the inspected share),
    and what happened in the period: ``findings_in_period``, ``cases_in_period`` (tagged cases received in it) and
    ``quantities_in_period`` (``[{"key", "name", "unit", "total"}]``)."""
    ancestors = [node.path[:i] for i in range(Territory.steplen, len(node.path) + 1, Territory.steplen)]
    qs = (
        Campaign.objects.exclude(status=CampaignStatus.DRAFT)
        .filter(start_date__lte=end, end_date__gte=start)
        .filter(Q(territory__path__startswith=node.path) | Q(territory__path__in=ancestors))
        .select_related("territory", "lead_unit")
        .order_by("start_date", "id")
    )
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    out = []
    for c in qs:
        totals = campaign_totals(c, now=now)
        in_period = (
            RemediationQuantity.objects.filter(campaign=c, recorded_at__gte=since, recorded_at__lt=until)
            .values("item__key", "item__name", "item__unit", "item__ordering")
            .annotate(total=Sum("quantity"))
            .order_by("item__ordering", "item__key")
        )
        out.append(
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "kind_label": str(c.get_kind_display()),
                "status": c.status,
                "status_label": str(c.get_status_display()),
                "territory": c.territory.name,
                "lead_unit": c.lead_unit.name if c.lead_unit is not None else "",
                "start_date": c.start_date,
                "end_date": c.end_date,
                "totals": totals,
                "progress_pct": totals["inspected_pct"],
                "findings_in_period": CampaignFinding.objects.filter(
                    campaign=c, found_at__gte=since, found_at__lt=until
                ).count(),
                "cases_in_period": campaign_cases(c).filter(received_at__gte=since, received_at__lt=until).count(),
                "quantities_in_period": [
                    {"key": r["item__key"], "name": r["item__name"], "unit": r["item__unit"], "total": r["total"]}
                    for r in in_period
                ],
            }
        )
    return out


def status_counts(qs: QuerySet[Campaign]) -> dict[str, int]:
    return dict(qs.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
