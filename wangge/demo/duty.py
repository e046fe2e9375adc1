"""Demo data of 值班表、防汛物资、抢险队伍、预案、演练与会商记录 in 卫东区's flood season (the district news page of
Jul 2023: duty at the 区应急管理指挥中心, supplies stock-taken, forces pre-positioned, 防汛实战演练 by every
street and the 区防指's member units, 会商 after the city's flood meeting; the hazard list 8/12/5/51/7/22).

What it builds, for the month of the demo's today:

- a 值班表 of the district command centre (its unit in the catalogue) and one of each street, generated through
  ``duty_roster_generate`` on the working calendar (白班 + 夜班 on working days, 24 小时 on rest days and
  holidays), with the demo logins on duty today (demo_leader leads the district, demo_dispatcher and
  demo_call_taker are on; demo_street_staff on 优越路街道's roster) and named people elsewhere; the shifts
  started before now are checked in, except a few left missing so the dashboard shows the flag;
- four depots (the district warehouse and three streets) with norms by depot kind, stock-takes and one
  shortfall (救生衣 at 东高皇街道, near 金鹰河), one depot's stock-take overdue;
- four rescue teams (专业, 民兵, 志愿者, 企业) with their equipment, pre-positioned by area;
- two plans with two versions each (the older superseded), a drill under the district plan and a 会商 record.

Everything is synthetic (``is_synthetic=True``, invented names end in "（示例）"), deterministic for a given
today and idempotent: a roster, depot, team, plan, drill or record already there (same name) is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Unit, User
from wangge.core import audit
from wangge.demo.catalogue import WEIDONG, unit_code
from wangge.demo.layout import SYNTHETIC_SUFFIX
from wangge.duty.choices import DepotKind, PlanKind, TeamKind
from wangge.duty.models import (
    Consultation,
    Depot,
    Drill,
    DutyAssignment,
    DutyRoster,
    EmergencyPlan,
    RescueTeam,
    ShiftPattern,
    SupplyNorm,
)
from wangge.duty.services import (
    consultation_record,
    depot_create,
    drill_record,
    duty_roster_create,
    duty_roster_generate,
    patterns_for,
    plan_create,
    plan_revise,
    stock_move,
    stocktake_record,
    supply_norm_set,
    team_create,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

SEED = 4104030020
S = SYNTHETIC_SUFFIX
DISTRICT_ROSTER = "卫东区防汛值班（区应急管理指挥中心）"
LEADERS = ("区政府副区长 王建设", "区应急管理局局长 刘志强", "区水利局局长 陈海涛", "区城管局局长 杨振东")
OFFICERS = ("赵晓燕", "孙立新", "周玉梅", "吴文涛", "郑雪梅", "冯春生")
STREET_LEADERS = ("党工委书记", "办事处主任", "党工委副书记", "办事处副主任")

# Norms by depot kind: (item key, quantity).
NORMS: dict[str, tuple[tuple[str, int], ...]] = {
    DepotKind.DISTRICT: (
        ("woven_bag", 20000),
        ("sand_gravel", 200),
        ("life_jacket", 300),
        ("pump", 20),
        ("generator", 10),
        ("assault_boat", 4),
        ("flood_light", 100),
        ("raincoat", 300),
    ),
    DepotKind.STREET: (
        ("woven_bag", 3000),
        ("sand_gravel", 30),
        ("life_jacket", 50),
        ("pump", 4),
        ("generator", 2),
        ("flood_light", 20),
        ("raincoat", 50),
    ),
}
# (name, kind, territory code or None for the district, days since the last stock-take, counts by item key).
DEPOTS: tuple[tuple[str, str, str | None, int, dict[str, int]], ...] = (
    (
        f"卫东区防汛物资仓库{S}",
        DepotKind.DISTRICT,
        None,
        6,
        {
            "woven_bag": 25000,
            "sand_gravel": 260,
            "life_jacket": 320,
            "pump": 24,
            "generator": 12,
            "assault_boat": 4,
            "flood_light": 120,
            "raincoat": 360,
        },
    ),
    (
        f"优越路街道防汛物资储备点{S}",
        DepotKind.STREET,
        "410403001",
        9,
        {
            "woven_bag": 3500,
            "sand_gravel": 35,
            "life_jacket": 60,
            "pump": 5,
            "generator": 2,
            "flood_light": 24,
            "raincoat": 60,
        },
    ),
    (
        f"东高皇街道防汛物资储备点{S}",
        DepotKind.STREET,
        "410403002",
        4,
        {
            "woven_bag": 3200,
            "sand_gravel": 40,
            "life_jacket": 30,  # the shortfall: 20 short of the 50 a street depot holds
            "pump": 6,
            "generator": 3,
            "flood_light": 25,
            "raincoat": 55,
        },
    ),
    (
        f"五一一路街道防汛物资储备点{S}",
        DepotKind.STREET,
        "410403003",
        45,  # overdue: the platform's interval is 30 days
        {
            "woven_bag": 3000,
            "sand_gravel": 30,
            "life_jacket": 50,
            "pump": 4,
            "generator": 2,
            "flood_light": 20,
            "raincoat": 50,
        },
    ),
)
TEAMS: tuple[tuple[str, str, str | None, str | None, str, int, tuple[tuple[str, int, str], ...]], ...] = (
    (
        f"卫东区应急救援大队{S}",
        TeamKind.PROFESSIONAL,
        None,
        "yjj",
        "马振华",
        45,
        (("冲锋舟", 2, "艘"), ("抽水泵", 6, "台"), ("发电机", 3, "台"), ("救生衣", 60, "件")),
    ),
    (
        f"卫东区民兵应急排{S}",
        TeamKind.MILITIA,
        None,
        None,
        "高永旺",
        32,
        (("编织袋", 3000, "条"), ("铁锹", 40, "把"), ("照明灯", 10, "盏")),
    ),
    (
        f"优越路街道防汛志愿服务队{S}",
        TeamKind.VOLUNTEER,
        "410403001",
        None,
        "林淑珍",
        28,
        (("雨衣", 30, "套"), ("手电筒", 30, "个")),
    ),
    (
        f"东高皇街道企业防汛抢险队{S}",
        TeamKind.ENTERPRISE,
        "410403002",
        None,
        "何建国",
        20,
        (("挖掘机", 1, "台"), ("抽水泵", 4, "台"), ("编织袋", 2000, "条")),
    ),
)
PLAN_UNITS = ("yjj", "slj", "cgj", "zjj", "gaj")
HAZARD_LIST = "8条河道、12座下穿式桥涵、5家地下商超、51家地下停车场、7个地质灾害点、22处易积水点"


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}0000{rng.randint(1000, 9999)}"


def _people(names: tuple[str, ...], rng: random.Random) -> list[dict[str, str]]:
    return [{"name": n, "phone": _phone(rng)} for n in names]


def _user(username: str) -> User | None:
    found: User | None = User.objects.filter(username=username).first()
    return found


def _month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _rotate_to(people: list[Any], who: Any, turn: int) -> list[Any]:
    """The rotation turned so that ``who`` comes up at ``turn`` (the number of turns taken before)."""
    if who is None:
        return people
    ordered = [who, *[p for p in people if p is not who]]
    shift = turn % len(ordered)
    return ordered[-shift:] + ordered[:-shift] if shift else ordered


def _shifts_before(first: dt.date, today: dt.date) -> int:
    """How many shifts a roster generated from ``first`` has before ``today`` (the officers' turns taken)."""
    active = list(ShiftPattern.objects.filter(is_active=True))
    return sum(len(patterns_for(first + dt.timedelta(days=i), active)) for i in range((today - first).days))


def _rosters(actor: Any, district: Territory, rng: random.Random, now: dt.datetime) -> tuple[int, int]:
    today = timezone.localtime(now).date()
    first, last = _month(today)
    created = unchanged = 0
    centre = Unit.objects.filter(code=unit_code(WEIDONG.code, "zhzx")).first()
    plans: list[tuple[str, Territory, Unit | None, list[Any], list[Any]]] = []
    leaders: list[Any] = [*_people(LEADERS, rng)]
    demo_leader = _user("demo_leader")
    if demo_leader is not None:
        leaders = _rotate_to([demo_leader, *leaders], demo_leader, (today - first).days)
    turns = _shifts_before(first, today)
    officers: list[Any] = _people(OFFICERS, rng)
    dispatcher = _user("demo_dispatcher")
    officers = _rotate_to([u for u in (_user("demo_call_taker"),) if u is not None] + officers, dispatcher, turns)
    plans.append((DISTRICT_ROSTER, district, centre, leaders, officers))
    streets = Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.STREET).order_by("code")
    for street in streets:
        office = Unit.objects.filter(code=unit_code(street.code, "jdb")).first()
        base = street.name.removesuffix(S)
        s_leaders: list[Any] = [{"name": f"{base}{t}", "phone": _phone(rng)} for t in STREET_LEADERS]
        s_officers: list[Any] = _people(tuple(f"{base[:2]}值班员{i}" for i in range(1, 5)), rng)
        staff = _user("demo_street_staff") if street.code == f"{WEIDONG.code}001" else None
        if staff is not None:
            s_officers = _rotate_to(s_officers, staff, turns)
        plans.append((f"{street.name}防汛值班", street, office, s_leaders, s_officers))
    for name, node, unit, lead, crew in plans:
        roster = DutyRoster.objects.filter(territory=node, name=name).first()
        if roster is not None:
            unchanged += 1
            continue
        roster = duty_roster_create(
            actor=actor,
            name=name,
            territory=node,
            unit=unit,
            location=f"{unit.name if unit else node.name}值班室",
            phone=f"0375-{rng.randint(2000000, 8999999)}",
            is_synthetic=True,
        )
        result = duty_roster_generate(actor=actor, roster=roster, start=first, end=last, leaders=lead, officers=crew)
        created += 1 + result.created
    _check_ins(district, rng, now)
    return created, unchanged


def _check_ins(district: Territory, rng: random.Random, now: dt.datetime) -> None:
    """The duties started before now are checked in a few minutes before their start, from the roster's node;
    about one in fifteen is left without a check-in (and the current shift of one street)."""
    rows = list(
        DutyAssignment.objects.filter(
            shift__roster__territory__path__startswith=district.path,
            shift__roster__is_synthetic=True,
            shift__starts_at__lte=now,
            checked_in_at__isnull=True,
        )
        .select_related("shift", "shift__roster", "shift__roster__territory")
        .order_by("shift__starts_at", "id")
    )
    changed = []
    for a in rows:
        current = a.shift.ends_at > now
        roster_name = a.shift.roster.name
        leave_missing = (current and roster_name.startswith("东高皇") and a.role == "officer") or (
            not current and rng.random() < 1 / 15
        )
        if leave_missing or (current and a.user_id is not None):
            continue  # a demo login on duty now checks in by itself, from the check-in page
        node = a.shift.roster.territory
        a.checked_in_at = a.shift.starts_at - dt.timedelta(minutes=rng.randint(3, 25))
        if node.centroid_lng is not None and node.centroid_lat is not None:
            a.check_in_lng = round(node.centroid_lng + rng.uniform(-0.002, 0.002), 6)
            a.check_in_lat = round(node.centroid_lat + rng.uniform(-0.002, 0.002), 6)
        changed.append(a)
    DutyAssignment.objects.bulk_update(changed, ["checked_in_at", "check_in_lng", "check_in_lat"], batch_size=500)


def _node(district: Territory, code: str | None) -> Territory | None:
    if code is None:
        return district
    found: Territory | None = Territory.objects.filter(code=code, path__startswith=district.path).first()
    return found


def _supplies(actor: Any, district: Territory, rng: random.Random, now: dt.datetime) -> tuple[int, int]:
    created = unchanged = 0
    for kind, rows in NORMS.items():
        for key, q in rows:
            if SupplyNorm.objects.filter(depot__isnull=True, depot_kind=kind, item__key=key).exists():
                unchanged += 1
                continue
            supply_norm_set(actor=actor, item=key, quantity_required=q, depot_kind=kind)
            created += 1
    today = timezone.localtime(now).date()
    for name, kind, code, days_ago, counts in DEPOTS:
        node = _node(district, code)
        if node is None:
            continue
        if Depot.objects.filter(name=name, territory=node).exists():
            unchanged += 1
            continue
        custodian = _user("demo_street_staff") if code == f"{WEIDONG.code}001" else None
        depot = depot_create(
            actor=actor,
            name=name,
            kind=kind,
            territory=node,
            address=f"{node.name.removesuffix(S)}防汛仓库",
            lng=node.centroid_lng,
            lat=node.centroid_lat,
            custodian=custodian,
            custodian_name="" if custodian is not None else f"{rng.choice('王李张刘陈杨')}保管员",
            custodian_phone=_phone(rng),
            is_synthetic=True,
        )
        taken_on = today - dt.timedelta(days=days_ago)
        stocktake_record(
            actor=actor,
            depot=depot,
            taken_on=taken_on,
            counts={k: v + (rng.choice((-10, 0, 0, 10)) if v >= 1000 else 0) for k, v in counts.items()},
            note="汛前全面盘点、检查规范",
            now=now,
        )
        if kind == DepotKind.DISTRICT:
            stock_move(
                actor=actor,
                depot=depot,
                item="woven_bag",
                direction="issue",
                quantity_moved=2000,
                reason="下穿式桥涵预置沙袋",
                now=now,
            )
            stock_move(
                actor=actor,
                depot=depot,
                item="woven_bag",
                direction="receive",
                quantity_moved=2000,
                reason="物资补充入库",
                now=now,
            )
        created += 1
    return created, unchanged


def _teams(actor: Any, district: Territory, rng: random.Random) -> tuple[int, int]:
    created = unchanged = 0
    for i, (name, kind, code, unit_key, leader, members, kit) in enumerate(TEAMS):
        node = _node(district, code)
        if node is None:
            continue
        if RescueTeam.objects.filter(name=name).exists():
            unchanged += 1
            continue
        unit = Unit.objects.filter(code=unit_code(WEIDONG.code, unit_key)).first() if unit_key else None
        lng = (node.centroid_lng or 113.3) + (i - 1.5) * 0.004
        lat = (node.centroid_lat or 33.74) + (1.5 - i) * 0.003
        team_create(
            actor=actor,
            name=name,
            kind=kind,
            territory=node,
            leader_name=leader,
            leader_phone=_phone(rng),
            members=members,
            unit=unit,
            address=f"{node.name.removesuffix(S)}驻地",
            lng=round(lng, 6),
            lat=round(lat, 6),
            equipment=kit,
            is_synthetic=True,
        )
        created += 1
    return created, unchanged


def _plans_drill_consultation(actor: Any, district: Territory, now: dt.datetime) -> tuple[int, int]:
    created = unchanged = 0
    today = timezone.localtime(now).date()
    units = list(Unit.objects.filter(code__in=[unit_code(WEIDONG.code, k) for k in PLAN_UNITS]))
    title = f"卫东区防汛应急预案{S}"
    plan = EmergencyPlan.objects.filter(title=title, territory=district).first()
    if plan is None:
        plan = plan_create(
            actor=actor,
            title=title,
            kind=PlanKind.SPECIAL,
            territory=district,
            units=units,
            version="2022版",
            effective_on=today - dt.timedelta(days=400),
            summary="明确区防指及成员单位职责、预警响应分级与处置流程。",
            is_synthetic=True,
            now=now - dt.timedelta(days=400),
        )
        plan_revise(
            actor=actor,
            plan=plan,
            version="2023版",
            effective_on=today - dt.timedelta(days=30),
            summary=f"增补{HAZARD_LIST}的分级处置；落实“123”“321”工作要求；明确物资储备定额。",
            now=now - dt.timedelta(days=30),
        )
        created += 1
    else:
        unchanged += 1
    street = Territory.objects.filter(code=f"{WEIDONG.code}001").first()
    if street is not None:
        s_title = f"优越路街道防汛应急预案{S}"
        if not EmergencyPlan.objects.filter(title=s_title, territory=street).exists():
            office = Unit.objects.filter(code=unit_code(street.code, "jdb")).first()
            s_plan = plan_create(
                actor=actor,
                title=s_title,
                kind=PlanKind.STREET,
                territory=street,
                units=[office] if office else [],
                version="1.0",
                effective_on=today - dt.timedelta(days=380),
                summary="以社区网格为单位组织巡查、转移与值守。",
                is_synthetic=True,
                now=now - dt.timedelta(days=380),
            )
            plan_revise(
                actor=actor,
                plan=s_plan,
                version="1.1",
                effective_on=today - dt.timedelta(days=20),
                summary="补充华西社区、地质社区易积水点转移路线。",
                now=now - dt.timedelta(days=20),
            )
            created += 1
        else:
            unchanged += 1
    drill_title = f"卫东区2023年汛期防汛实战演练{S}"
    if not Drill.objects.filter(title=drill_title).exists():
        drill_record(
            actor=actor,
            held_on=today - dt.timedelta(days=10),
            title=drill_title,
            territory=district,
            participants=260,
            scenario="强降雨致金鹰河水位超警戒、下穿式桥涵积水：启动Ⅳ级应急响应，封闭桥涵、转移低洼处群众、"
            "抽排积水、冲锋舟水上救援。各街道、区防指各成员单位参演。",
            plan=plan,
            units=units,
            findings="个别社区预警信息传递不到户；一处下穿桥涵抽水泵启动迟缓。",
            follow_ups="完善预警信息覆盖到户的网格员包户机制；更换老化抽水泵并每周试机。",
            is_synthetic=True,
            now=now,
        )
        created += 1
    else:
        unchanged += 1
    topic = f"防汛会商：研究部署近期防汛工作{S}"
    if not Consultation.objects.filter(topic=topic).exists():
        held = timezone.localtime(now - dt.timedelta(days=11)).replace(hour=9, minute=0, second=0, microsecond=0)
        consultation_record(
            actor=actor,
            held_at=held,
            territory=district,
            topic=topic,
            convened_by="区委书记",
            attendees="区委常委、区政府分管副区长；区应急管理局、水利局、城管局、住建局、公安分局；各街道党工委书记",
            situation=f"全市防汛工作会议后，气象部门预报未来三天有强降雨。辖区防汛隐患重点部位：{HAZARD_LIST}，"
            "已完成再排查再整治、完善清单台账。",
            decisions="立足防大汛、抢大险、救大灾，落实“123”“321”工作要求；加密会商频次；各街道、成员单位开展防汛实战演练；"
            "对现有防汛物资全面盘点、补充，确保调得动、用得上；提前预置救援力量和装备物资；一线人员到岗到位，强化值班值守。",
            is_synthetic=True,
            now=now,
        )
        created += 1
    else:
        unchanged += 1
    return created, unchanged


def duty_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code, kind=TerritoryKind.DISTRICT).first()
    if district is None:
        return 0, 0
    rng = random.Random(SEED)
    now = timezone.now()
    totals = [0, 0]
    with transaction.atomic():
        for created, unchanged in (
            _rosters(actor, district, rng, now),
            _supplies(actor, district, rng, now),
            _teams(actor, district, rng),
            _plans_drill_consultation(actor, district, now),
        ):
            totals[0] += created
            totals[1] += unchanged
        if totals[0]:
            audit.record(
                actor=actor,
                action="demo.duty_seed",
                note=f"synthetic duty rosters, flood supplies, rescue teams, plans, a drill and a 会商 record of "
                f"{district.name}: {totals[0]} rows",
            )
    return totals[0], totals[1]
