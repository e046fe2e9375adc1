"""Demo data of 网格队伍: 卫东区's grid workers with their profiles, 五长一员 on the grids of 华西社区, 下沉 staff,
a few special tasks, eighteen months of 阶梯晋级 and rewards, penalties and awards.

- **Profiles**: every grid worker of 卫东区 (833) gets a profile: about 70 % 专职 and 30 % 兼职, recruited through
  the four routes of seed 004 (事业编招录, 街道下派, 单位抽调, 志愿者招募), with a start date and an initial level.
- **五长一员** on each grid of 华西社区: its 网格长 and 网格员 (staff accounts), a 党小组长 and a 物业长 (residents,
  by name and phone), and the 楼栋长 of its buildings in the ledgers (the building's recorded head).
- **下沉力量**: two or three members of the district's departments and public-service companies per grid of
  华西社区, for this quarter.
- **Special tasks**: six in 华西社区 (救灾抢险, 创文创卫, 安全生产, 防汛备汛) at every step of the workflow, one of
  them overdue; they go through the services (``task_assign``, ``task_transition``).
- **阶梯晋级**: for the eighteen months ending last month, every worker's month is scored and each street
  promotes its best 10 % at or above 80 — the ladder rows, the levels and the 优秀网格员 awards the settlement
  writes (about the 1,497 of the seed). The monthly assessments of ``reports`` are not created here: the rows
  carry the month's score without an assessment id.
- **Rewards and penalties**: a few dozen over the last months.

Deterministic (one ``random.Random`` seeded by the district code) and marked synthetic; bulk-inserted except the
tasks. Idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit
from wangge.core.crypto import blind_index
from wangge.demo.catalogue import WEIDONG
from wangge.demo.people import mobile_number, person_name
from wangge.ledgers.models import Building
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workforce import conf
from wangge.workforce.choices import LadderMove, RecordKind, Route, TaskKind, TaskStatus, WorkerKind
from wangge.workforce.models import (
    LadderChange,
    RoleAssignment,
    SpecialTask,
    SunkStaff,
    WorkerProfile,
    WorkerRecord,
    WorkforceRole,
)
from wangge.workforce.services import default_roles_seed, task_assign, task_transition

SEED = 4104030019
MONTHS = 18
SHARE = Decimal("0.10")  # promoted per street and month, as WANGGE_LADDER_PROPORTION
MIN_SCORE = Decimal("80")
COMMUNITY = f"{WEIDONG.code}001001"  # 华西社区
ROUTES = [(Route.STREET, 0.40), (Route.CIVIL_SERVICE, 0.25), (Route.SECONDED, 0.20), (Route.VOLUNTEER, 0.15)]
AWARD_TITLE = "优秀网格员"


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _i in range(MONTHS):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    x, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if x < acc:
            return value
    return weighted[-1][0]


def _profiles(rng: random.Random, district: Territory) -> tuple[list[WorkerProfile], int, int]:
    grants = (
        RoleGrant.objects.filter(
            role=Role.GRID_WORKER, territory__kind=TerritoryKind.GRID, territory__path__startswith=district.path
        )
        .order_by("user_id", "territory__path")
        .values_list("user_id", "territory_id")
    )
    first_grid: dict[int, int] = {}
    for user_id, grid_id in grants:
        first_grid.setdefault(user_id, grid_id)
    have = set(WorkerProfile.objects.filter(user_id__in=list(first_grid)).values_list("user_id", flat=True))
    today = timezone.localdate()
    new = []
    for user_id, grid_id in sorted(first_grid.items()):
        kind = WorkerKind.FULL_TIME if rng.random() < 0.7 else WorkerKind.PART_TIME
        route = _pick(rng, ROUTES)
        start = today - dt.timedelta(days=rng.randint(400, 2600))
        level = _pick(rng, [(1, 0.5), (2, 0.3), (3, 0.2)])
        if user_id in have:
            continue
        new.append(
            WorkerProfile(
                user_id=user_id,
                grid_id=grid_id,
                kind=kind,
                route=route,
                start_date=start,
                ladder_level=level,
                is_synthetic=True,
            )
        )
    WorkerProfile.objects.bulk_create(new, batch_size=1000)
    profiles = list(WorkerProfile.objects.filter(user_id__in=list(first_grid)).select_related("grid"))
    return profiles, len(new), len(have)


def _grade(score: Decimal) -> tuple[str, str]:
    """The grade of ``reports`` (80 and up 积分定优, 70 and below 不合格), as the settlement hands it over."""
    if score >= 80:
        return "reward", "积分定优"
    if score <= 70:
        return "unqualified", "不合格"
    return "qualified", "合格"


def _ladder(rng: random.Random, profiles: list[WorkerProfile], district: Territory) -> tuple[int, int]:
    """Eighteen settled months: scores, the promoted share of each street, levels and 优秀网格员 awards."""
    months = _months(timezone.localdate())
    if LadderChange.objects.filter(month=months[-1], profile__in=profiles).exists():
        return 0, LadderChange.objects.filter(month__in=months, profile__in=profiles).count()
    streets = list(Territory.objects.filter(kind=TerritoryKind.STREET, path__startswith=district.path))
    by_street: dict[int, list[WorkerProfile]] = {}
    for p in sorted(profiles, key=lambda p: p.user_id):
        street = next((s for s in streets if p.grid.path.startswith(s.path)), None)
        if street is not None:
            by_street.setdefault(street.pk, []).append(p)
    top = conf.top_level()
    # The level before the first month: the profile's level, walked back over the months it will climb.
    levels = {p.user_id: p.ladder_level for p in profiles}
    skill = {p.user_id: rng.gauss(84, 5) for p in profiles}
    rows: list[LadderChange] = []
    awarded: list[tuple[LadderChange, WorkerProfile]] = []
    settled_at = timezone.now()
    for month in months:
        for members in by_street.values():
            scores = {
                p.user_id: Decimal(str(round(max(45.0, min(100.0, rng.gauss(skill[p.user_id], 4))), 2)))
                for p in members
            }
            quota = int((SHARE * len(members)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
            ordered = sorted(members, key=lambda p: (-scores[p.user_id], p.user_id))
            chosen = [p.user_id for p in ordered if scores[p.user_id] >= MIN_SCORE][:quota]
            for rank, p in enumerate(ordered, start=1):
                score = scores[p.user_id]
                before = levels[p.user_id]
                up = p.user_id in chosen
                after = min(before + 1, top) if up else before
                move = LadderMove.PROMOTED if after > before else LadderMove.KEPT
                grade, label = (
                    ("reward", "积分定优")
                    if score >= 80
                    else ("unqualified", "不合格")
                    if score <= 70
                    else ("qualified", "合格")
                )
                row = LadderChange(
                    profile=p,
                    worker_id=p.user_id,
                    month=month,
                    from_level=before,
                    to_level=after,
                    move=move,
                    reason=f"阶梯晋级：街道排名第 {rank} 名" if up else "本月未晋级",
                    score=score,
                    grade=grade,
                    grade_label=label,
                    street_rank=rank,
                    promoted=up,
                    settled_at=settled_at,
                )
                rows.append(row)
                if up:
                    awarded.append((row, p))
                levels[p.user_id] = after
    LadderChange.objects.bulk_create(rows, batch_size=2000)
    WorkerRecord.objects.bulk_create(
        [
            WorkerRecord(
                worker_id=row.worker_id,
                grid_id=p.grid_id,
                date=row.month,
                kind=RecordKind.AWARD,
                title=AWARD_TITLE,
                reason=f"{row.month:%Y年%m月} 阶梯晋级",
                ladder_change=row,
                is_synthetic=True,
            )
            for row, p in awarded
        ],
        batch_size=2000,
    )
    for level in range(1, top + 1):
        ids = [uid for uid, lv in levels.items() if lv == level]
        WorkerProfile.objects.filter(user_id__in=ids).update(ladder_level=level)
    return len(rows) + len(awarded), 0


def _roles(rng: random.Random, grids: list[Territory]) -> tuple[int, int]:
    if RoleAssignment.objects.filter(grid__in=grids).exists():
        return 0, RoleAssignment.objects.filter(grid__in=grids).count()
    roles = {r.key: r for r in WorkforceRole.objects.all()}
    start = dt.date(timezone.localdate().year - 1, 1, 1)
    rows: list[RoleAssignment] = []

    def add(key: str, grid: Territory, name: str, phone: str = "", user_id: int | None = None, **kw: Any) -> None:
        if key in roles:
            rows.append(
                RoleAssignment(
                    role=roles[key],
                    grid=grid,
                    user_id=user_id,
                    name=name,
                    phone=phone,
                    phone_index=blind_index(phone) if phone else "",
                    start_date=start,
                    is_synthetic=True,
                    **kw,
                )
            )

    for grid in grids:
        grants = RoleGrant.objects.filter(territory=grid).select_related("user").order_by("user_id")
        leaders = [g.user for g in grants if g.role == Role.GRID_LEADER]
        workers = [g.user for g in grants if g.role == Role.GRID_WORKER]
        head = leaders[0] if leaders else (workers[0] if workers else None)
        if head is not None:
            add("grid_head", grid, str(head), user_id=head.pk)
        for w in workers:
            add("grid_worker", grid, str(w), user_id=w.pk)
        key = f"wf:{grid.code}"
        add("party_group_head", grid, person_name(f"{key}:party"), mobile_number(f"{key}:party"))
        add("property_head", grid, person_name(f"{key}:property"), mobile_number(f"{key}:property"))
        for b in Building.objects.filter(grid=grid).order_by("code")[:6]:
            name = b.head_name or person_name(f"{key}:{b.code}")
            add("building_head", grid, name, b.head_phone or mobile_number(f"{key}:{b.code}"), building=b)
            if rng.random() < 0.5:
                add(
                    "unit_head",
                    grid,
                    person_name(f"{key}:{b.code}:u1"),
                    mobile_number(f"{key}:{b.code}:u1"),
                    building=b,
                )
    RoleAssignment.objects.bulk_create(rows, batch_size=1000)
    return len(rows), 0


SUNK_DUTIES = ["市容巡查", "安全生产检查", "供水管网巡检", "燃气安全入户", "治安巡逻", "供电设施巡查"]


def _sunk(rng: random.Random, grids: list[Territory], district: Territory) -> tuple[int, int]:
    if SunkStaff.objects.filter(grid__in=grids).exists():
        return 0, SunkStaff.objects.filter(grid__in=grids).count()
    units = list(
        Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMPANY], territory=district).order_by("code")
    )
    if not units:
        return 0, 0
    today = timezone.localdate()
    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = (quarter.replace(day=28) + dt.timedelta(days=70)).replace(day=1) - dt.timedelta(days=1)
    rows = []
    for grid in grids:
        for k in range(rng.choice([2, 3])):
            unit = rng.choice(units)
            rows.append(
                SunkStaff(
                    grid=grid,
                    unit=unit,
                    name=person_name(f"sunk:{grid.code}:{k}"),
                    duty=rng.choice(SUNK_DUTIES),
                    start_date=quarter,
                    end_date=end,
                    is_synthetic=True,
                )
            )
    SunkStaff.objects.bulk_create(rows)
    return len(rows), 0


STEPS_TO: dict[str, list[str]] = {
    TaskStatus.ACCEPTED: ["accept"],
    TaskStatus.REPORTED: ["accept", "report"],
    TaskStatus.DONE: ["accept", "report", "confirm"],
}

TASKS: list[tuple[str, str, int, int, str]] = [
    # kind, title, days ago assigned, deadline working days, where it stands
    (TaskKind.FLOOD, "汛前排查辖区易积水点与下穿桥涵", 30, 5, TaskStatus.DONE),
    (TaskKind.SAFETY, "沿街商户燃气安全入户排查", 20, 3, TaskStatus.ACCEPTED),  # overdue
    (TaskKind.CIVILITY, "创文创卫：背街小巷环境卫生督查", 6, 5, TaskStatus.REPORTED),
    (TaskKind.DISASTER, "暴雨过后危房与地质灾害点巡查", 2, 2, TaskStatus.ASSIGNED),
    (TaskKind.CIVILITY, "创文创卫：楼道堆物清理", 3, 5, TaskStatus.ACCEPTED),
    (TaskKind.SAFETY, "九小场所消防安全检查", 1, 10, TaskStatus.ASSIGNED),
]


def _tasks(actor: Any, grids: list[Territory]) -> tuple[int, int]:
    if SpecialTask.objects.filter(grid__in=grids, is_synthetic=True).exists():
        return 0, SpecialTask.objects.filter(grid__in=grids, is_synthetic=True).count()
    now = timezone.now()
    created = 0
    for i, (kind, title, ago, days, target) in enumerate(TASKS):
        grid = grids[i % len(grids)]
        worker = RoleGrant.objects.filter(territory=grid, role=Role.GRID_WORKER).order_by("user_id").first()
        at = now - dt.timedelta(days=ago)
        task = task_assign(
            actor=actor,
            grid=grid,
            kind=kind,
            title=title,
            deadline_days=days,
            assignee=worker.user if worker is not None and i % 2 == 0 else None,
            now=at,
            is_synthetic=True,
        )
        steps: list[str] = STEPS_TO.get(target, [])
        for k, name in enumerate(steps):
            inputs = {"result": "已完成排查，发现问题已整改或转立工单。"} if name == "report" else {}
            task_transition(actor=actor, task=task, name=name, now=at + dt.timedelta(hours=4 * (k + 1)), **inputs)
        created += 1
    return created, 0


RECORDS = [
    (RecordKind.REWARD, "积分定优奖励", 300, 5, "月度考评积分定优"),
    (RecordKind.REWARD, "防汛表现突出", 500, 10, "暴雨夜及时转移群众"),
    (RecordKind.PENALTY, "巡查脱岗", 100, -3, "巡查期间无故脱岗"),
    (RecordKind.AWARD, "最美网格员", 0, 0, "区级评选"),
    (RecordKind.PENALTY, "日志不全", 50, -1, "工作日志连续三日未填写"),
]


def _records(rng: random.Random, profiles: list[WorkerProfile]) -> tuple[int, int]:
    manual = WorkerRecord.objects.filter(
        is_synthetic=True, ladder_change__isnull=True, worker_id__in=[p.user_id for p in profiles]
    )
    if manual.exists():
        return 0, manual.count()
    today = timezone.localdate()
    chosen = sorted(rng.sample(profiles, min(40, len(profiles))), key=lambda p: p.user_id)
    rows = []
    for i, p in enumerate(chosen):
        kind, title, amount, points, reason = RECORDS[i % len(RECORDS)]
        rows.append(
            WorkerRecord(
                worker_id=p.user_id,
                grid_id=p.grid_id,
                date=today - dt.timedelta(days=rng.randint(5, 150)),
                kind=kind,
                title=title,
                amount=Decimal(amount),
                points=points,
                reason=reason,
                is_synthetic=True,
            )
        )
    WorkerRecord.objects.bulk_create(rows)
    return len(rows), 0


def workforce_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    rng = random.Random(SEED)
    created = unchanged = 0
    with transaction.atomic():
        created += default_roles_seed()
        profiles, c, u = _profiles(rng, district)
        created, unchanged = created + c, unchanged + u
        community = Territory.objects.filter(code=COMMUNITY).first()
        grids = (
            list(Territory.objects.filter(kind=TerritoryKind.GRID, path__startswith=community.path).order_by("path"))
            if community is not None
            else []
        )
        steps = [
            _ladder(random.Random(SEED + 1), profiles, district),
            _roles(random.Random(SEED + 2), grids),
            _sunk(random.Random(SEED + 3), grids, district),
            _records(random.Random(SEED + 4), profiles),
        ]
        if grids:
            steps.append(_tasks(actor, grids))
        for c, u in steps:
            created, unchanged = created + c, unchanged + u
    return created, unchanged
