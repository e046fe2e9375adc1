"""Demo data of 专项整治: 湛河区 29 座桥涵的整治专项及其整治量 (seed 000, 湛河区, October 2021).

The campaign is placed in a recent period (thirty days before the demo's today to five days after it, so it
is still 进行中 and the weekly report finds it), not in October 2021: the cases it opens run on the working
calendar the demo seeds for the current years. Everything goes through the services: the campaign, all 29
bridges inspected by the grid worker of each bridge's grid (or the demo's system account), six findings with
failed items opening cases through the one intake (located at the bridge, routed as any case), every case
dispatched to the unit routing names and about half of them taken through the loop to 已结案, and the
remediation quantities the article reports —
清运垃圾 53 车, 清理小广告 327 处, 桥涵墙体罩白 350 平方米, 加固护栏 2 处, 护栏限高杆刷漆 40 平方米 — spread
over the findings and cases so that they add up to exactly those totals.

Deterministic for a given today; idempotent (a district that already holds the demo campaign is left alone);
marked synthetic (``is_synthetic``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.models import Unit, User
from wangge.campaigns.models import Campaign, ChecklistItem
from wangge.campaigns.services import campaign_create, campaign_transition, finding_record, quantity_record
from wangge.demo.catalogue import ZHANHE, unit_code
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder

NAME = "桥涵整治提升专项行动"
DESCRIPTION = (
    "为推进“双创”工作，成立由县级干部任组长的桥涵整治提升工作领导小组，对辖区区管桥涵及基础设施进行大排查、"
    "大整治、大提升。区住建局牵头，区城管局、区交通运输局、区环卫局厘清责任、上下协同，指导各桥涵属地全面排查"
    "梳理问题；区督查局开展专项督查，通报责任主体。（演示数据）"
)
CHECKLIST = [
    {"text": "桥下及周边无垃圾、杂草树枝堆积", "opens_case": True, "category_code": "E0103"},
    {"text": "桥涵墙体、立柱无小广告", "opens_case": True, "category_code": "E0202"},
    {"text": "护栏、限高杆完好，油漆无脱落", "opens_case": True, "category_code": "C0203"},
    {"text": "桥涵墙体洁净，无污损", "opens_case": False, "category_code": ""},
    {"text": "无毁绿种菜", "opens_case": False, "category_code": ""},
]
# The six bridges (by position in code order) where problems were found, and the checklist lines that failed.
PROBLEMS: dict[int, tuple[int, ...]] = {0: (0, 1, 3), 4: (0, 3), 9: (1, 2, 3), 14: (0, 1), 20: (2, 3, 4), 25: (0, 1, 3)}
# Quantities on the findings (by bridge position): item key -> amount. Their sum with CASE_QUANTITIES is the
# article's totals.
FINDING_QUANTITIES: dict[int, dict[str, str]] = {
    0: {"wall_paint": "80"},
    4: {"wall_paint": "70"},
    9: {"wall_paint": "90", "railing_paint": "15"},
    14: {"posters": "20"},
    20: {"wall_paint": "60", "guardrail_fix": "1", "railing_paint": "15"},
    25: {"wall_paint": "50"},
}
# Quantities on the cases, per failed line (0: rubbish, 1: posters, 2: guardrail) in the order they are opened.
CASE_QUANTITIES: list[dict[str, str]] = [
    {"rubbish": "9"},
    {"posters": "62"},
    {"rubbish": "11"},
    {"posters": "75"},
    {"guardrail_fix": "1"},
    {"rubbish": "8"},
    {"posters": "58"},
    {"railing_paint": "10"},
    {"rubbish": "25"},
    {"posters": "112"},
]
TOTALS = {
    "rubbish": Decimal("53"),
    "posters": Decimal("327"),
    "wall_paint": Decimal("350"),
    "guardrail_fix": Decimal("2"),
    "railing_paint": Decimal("40"),
}


def _grid_worker(point: Point, fallback: Any) -> Any:
    if point.grid_id is None:
        return fallback
    user = (
        User.objects.filter(is_active=True, grants__role=Role.GRID_WORKER, grants__territory_id=point.grid_id)
        .order_by("pk")
        .first()
    )
    return user or fallback


def _advance(wo: WorkOrder, actor: Any, checker: Any, start: dt.datetime, now: dt.datetime, *, close: bool) -> None:
    """Dispatch a case to the unit routing names and have it accepted; when ``close``, take it on through the
    reply, the check and the callback to 已结案 — two hours or so a step."""
    from wangge.workorders.services import suggest_unit, work_order_transition

    t = start
    unit = suggest_unit(category=wo.category, territory=wo.territory) if wo.category_id else None
    plan: list[tuple[str, Any, dict[str, Any]]] = [
        ("dispatch", actor, {"unit": unit} if unit is not None else {}),
        ("accept", actor, {}),
        ("reply", actor, {"text": "已组织人员清理整治完毕。", "result": "resolved"}),
        ("verify_pass", checker, {}),
    ]
    for name, by, payload in plan if close else plan[:2]:
        t += dt.timedelta(hours=2)
        if t >= now or (name == "dispatch" and unit is None):
            return
        wo = work_order_transition(actor=by, work_order_id=wo.pk, name=name, now=t, **payload)
    if not close:
        return
    if wo.status == Status.CALLBACK:
        t += dt.timedelta(hours=2)
        wo = work_order_transition(actor=actor, work_order_id=wo.pk, name="callback", now=t, rating=5, resolved=True)
    if wo.status == Status.TO_CLOSE:
        work_order_transition(actor=actor, work_order_id=wo.pk, name="close", now=t + dt.timedelta(hours=1))


def campaigns_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    from wangge.demo.history import system_actor

    district = Territory.objects.filter(code=ZHANHE.code).first()
    bridge_type = PointType.objects.filter(key="bridge").first()
    if district is None or bridge_type is None:
        return 0, 0
    existing = Campaign.objects.filter(territory=district, name=NAME, is_synthetic=True).first()
    if existing is not None:
        return 0, 1
    bridges = list(
        Point.objects.filter(type=bridge_type, territory__path__startswith=district.path)
        .select_related("territory", "grid")
        .order_by("code")
    )
    if not bridges:
        return 0, 0
    units = {u.code: u for u in Unit.objects.filter(code__startswith=f"{district.code}-")}
    system = system_actor()
    checker = system_actor("system_demo_history_check", "演示历史数据（抽查核查）")
    now = timezone.now()
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    tz = timezone.get_current_timezone()
    begun = dt.datetime.combine(start, dt.time(9, 0), tzinfo=tz)
    created = 0
    with transaction.atomic():
        campaign = campaign_create(
            actor=system,
            name=NAME,
            kind="facility",
            territory=district,
            start_date=start,
            end_date=today + dt.timedelta(days=5),
            description=DESCRIPTION,
            point_types=[bridge_type],
            lead_unit=units.get(unit_code(district.code, "zjj")),
            member_units=[
                u for key in ("cgj", "jtj", "sanitation") if (u := units.get(unit_code(district.code, key))) is not None
            ],
            checklist=CHECKLIST,
            targets={"rubbish": "50", "posters": "300", "wall_paint": "300"},
            is_synthetic=True,
            now=begun,
        )
        campaign_transition(actor=system, campaign=campaign, name="start", note="领导小组部署启动", now=begun)
        lines = list(ChecklistItem.objects.filter(campaign=campaign).order_by("ordering"))
        opened: list[tuple[WorkOrder, dt.datetime]] = []
        findings = {}
        for i, bridge in enumerate(bridges):
            found_at = begun + dt.timedelta(days=1 + i // 3, hours=(i % 3) * 2)
            failed = PROBLEMS.get(i, ())
            results = {line.pk: ("fail" if n in failed else "pass") for n, line in enumerate(lines)}
            description = "桥下堆放垃圾杂物，墙体小广告较多，需清理整治。" if failed else ""
            finding = finding_record(
                actor=_grid_worker(bridge, system),
                campaign=campaign,
                point=bridge,
                results=results,
                description=description,
                found_at=found_at,
                is_synthetic=True,
                now=found_at,
            )
            findings[i] = finding
            created += 1
            for tag in finding.case_tags.select_related("work_order").order_by("work_order_id"):
                opened.append((tag.work_order, found_at))
        for i, amounts in FINDING_QUANTITIES.items():
            if i not in findings:
                continue
            for key, amount in amounts.items():
                quantity_record(
                    actor=system,
                    campaign=campaign,
                    item=key,
                    quantity=amount,
                    finding=findings[i],
                    is_synthetic=True,
                    now=findings[i].found_at + dt.timedelta(days=2),
                )
                created += 1
        for n, (wo, found_at) in enumerate(opened):
            _advance(wo, system, checker, found_at, now, close=n % 2 == 0)
            for key, amount in (CASE_QUANTITIES[n] if n < len(CASE_QUANTITIES) else {}).items():
                quantity_record(
                    actor=system,
                    campaign=campaign,
                    item=key,
                    quantity=amount,
                    work_order=wo,
                    is_synthetic=True,
                    now=min(found_at + dt.timedelta(days=3), now),
                )
                created += 1
        # What the case list did not absorb (fewer cases than planned) goes on the first finding, so the totals
        # are always the article's.
        from wangge.campaigns.selectors import campaign_totals

        got = {q["key"]: q["total"] for q in campaign_totals(campaign)["quantities"]}
        for key, total in TOTALS.items():
            rest = total - got.get(key, Decimal("0"))
            if rest > 0 and findings:
                first = findings[min(findings)]
                quantity_record(
                    actor=system, campaign=campaign, item=key, quantity=rest, finding=first, is_synthetic=True, now=now
                )
                created += 1
    return created + 1, 0
