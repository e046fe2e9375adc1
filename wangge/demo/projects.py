"""Demo data of 项目台账 in 湛河区 (410411), from the district news page of Oct 2021 (seed 000):

- the **8 road projects** named there: 恒昌路新建工程, 柏楼小二楼小区道路改建工程,
  盛世华章西侧道路新建工程 (280 m, 730 万元; 道路、交通、排水、给水、电力、通信、照明),
  翡翠路改造工程 (266 m, started end of June), 东晶街（和顺路至东风路段）改造工程 (70 %),
  西苑路改造工程, 沁园中路改造工程, 彩虹路改造工程 (entered mid-October); 3,015 万元 in all,
  about 1,700 万元 done, 恒昌路 and 柏楼 complete. The split of the money among the eight is ours
  (示例), summing exactly to the published figures; each road is a line drawn inside one of
  湛河区's streets (the Territory rows' outlines), with weekly entries for the weeks it was under
  construction (at most the last eight) and, on 东晶街 and 西苑路, a problem raised as a work order;
- the **30 民生 projects** (10.1 亿元 = 101,000 万元): the eight the page names with its counts
  (老旧小区改造 81 个, 31 done, 7,207 户; 13 座新建公厕投入运行; 8 座垃圾中转站升级改造;
  420 个果皮箱安装到位; 西苑综合市场一期完成; 农村公路建设推进; 黄河路以北污水管网;
  曹镇乡污水处理厂) and 22 more marked （示例）. The page does not say how many of the 30 are
  complete: only those it calls done (公厕, 果皮箱) are 完工, the others 在建 or 谋划.

Everything is written through the project services (so the history and the audit trail are those
of real use) as the demo builder, dated relative to the demo's today (the page's date), marked
``is_synthetic``. Idempotent: a district that already holds the demo projects is left alone.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from shapely.geometry import LineString, shape
from shapely.geometry.base import BaseGeometry

from wangge.accounts.models import Unit
from wangge.projects.choices import ProjectStatus, ProjectType
from wangge.projects.models import Project
from wangge.projects.schedule import week_start_of
from wangge.projects.services import project_create, project_problem_raise, project_transition, weekly_entry_save
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

DISTRICT = "410411"
ROAD_PREFIX = "ZH-DL-"
LIVELIHOOD_PREFIX = "ZH-MS-"
SUFFIX = "（示例）"
ROAD_TOTAL = Decimal("3015")
ROAD_DONE = Decimal("1700")
LIVELIHOOD_TOTAL = Decimal("101000")  # 10.1 亿元
WEEKS = 8
M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Road:
    name: str
    street: str  # the street the line is drawn in (a street of the demo's 湛河区)
    length_m: int
    total: str  # 万元
    invested: str  # 万元
    progress: int
    started_days_ago: int
    finished_days_ago: int | None = None  # complete (完工) when set
    planned_days: int = 150
    components: tuple[tuple[str, float | None, str], ...] = ()
    problem: tuple[str, str] | None = None


PIPES = (("路面", None, ""), ("雨污水管网", None, ""), ("路灯", None, ""))
ROADS: tuple[Road, ...] = (
    Road("恒昌路新建工程", "马庄街道", 1150, "680", "620", 100, 220, finished_days_ago=35, components=PIPES),
    Road(
        "柏楼小二楼小区道路改建工程", "九里山街道", 540, "260", "240", 100, 180, finished_days_ago=28, components=PIPES
    ),
    Road(
        "盛世华章西侧道路新建工程",
        "轻工路街道",
        280,
        "730",
        "390",
        85,
        120,
        planned_days=130,
        components=(
            ("道路", 280, "米"),
            ("交通", None, ""),
            ("排水", None, ""),
            ("给水", None, ""),
            ("电力", None, ""),
            ("通信", None, ""),
            ("照明", None, ""),
        ),
    ),
    Road("翡翠路改造工程", "南环路街道", 266, "310", "210", 80, 120, planned_days=130, components=PIPES),
    Road(
        "东晶街（和顺路至东风路段）改造工程",
        "轻工路街道",
        620,
        "420",
        "200",
        70,
        110,
        planned_days=120,
        components=PIPES,
        problem=("燃气管线迁改滞后", "东晶街东段燃气管线尚未迁改，影响管网施工，请燃气公司尽快迁改。"),
    ),
    Road(
        "西苑路改造工程",
        "马庄街道",
        480,
        "230",
        "20",
        10,
        14,
        planned_days=75,
        components=PIPES,
        problem=("施工围挡占用人行道", "西苑路施工围挡占用人行道，行人需绕行机动车道，请施工单位设置临时通道。"),
    ),
    Road("沁园中路改造工程", "九里山街道", 390, "205", "12", 6, 12, planned_days=75, components=PIPES),
    Road("彩虹路改造工程", "南环路街道", 360, "180", "8", 4, 10, planned_days=75, components=PIPES),
)


@dataclass(frozen=True)
class Livelihood:
    name: str
    total: str  # 万元
    status: str
    progress: int
    components: tuple[tuple[str, float | None, str], ...] = field(default=())
    description: str = ""
    street: str = ""


# The eight the page names, with its counts.
NAMED: tuple[Livelihood, ...] = (
    Livelihood(
        "老旧小区改造",
        "28000",
        ProjectStatus.BUILDING,
        38,
        (("计划改造小区", 81, "个"), ("已完工小区", 31, "个"), ("涉及居民", 7207, "户")),
        "今年计划完成老旧小区改造 81 个，已完工 31 个，涉及居民 7207 户。",
    ),
    Livelihood("乡村振兴公路建设", "9000", ProjectStatus.BUILDING, 45, (), "农村公路建设正在推进。"),
    Livelihood("黄河路以北污水管网", "8500", ProjectStatus.BUILDING, 40),
    Livelihood("曹镇乡污水处理厂", "12000", ProjectStatus.BUILDING, 30, street="曹镇乡"),
    Livelihood("西苑综合市场改造", "3000", ProjectStatus.BUILDING, 55, (), "完成一期改造。"),
    Livelihood("新建公厕", "1300", ProjectStatus.COMPLETED, 100, (("新建公厕", 13, "座"),), "13 座新建公厕投入运行。"),
    Livelihood(
        "垃圾中转站升级改造",
        "1600",
        ProjectStatus.BUILDING,
        50,
        (("垃圾中转站", 8, "座"),),
        "8 座垃圾中转站正升级改造。",
    ),
    Livelihood(
        "主次干道果皮箱安装", "100", ProjectStatus.COMPLETED, 100, (("果皮箱", 420, "个"),), "420 个果皮箱安装到位。"
    ),
)
OTHER_KINDS = (
    "背街小巷整治",
    "社区服务中心建设",
    "雨污分流改造",
    "口袋公园建设",
    "农村供水提升",
    "菜市场提升改造",
    "小区停车位增设",
    "路灯亮化",
    "村内道路硬化",
    "排水防涝设施",
    "社区卫生服务站",
)


def _outline(node: Territory) -> BaseGeometry | None:
    if not node.geometry:
        return None
    g = shape(node.geometry)
    return g if g.is_valid else g.buffer(0)


def _line_in(area: BaseGeometry, length_m: float, rng: random.Random) -> dict[str, Any] | None:
    """An east–west line of about ``length_m`` with a slight bend, wholly inside ``area``."""
    centre = area.representative_point()
    lat = centre.y
    dlng = length_m / (M_PER_DEG_LAT * max(0.2, abs(math.cos(math.radians(lat)))))
    minx, miny, maxx, maxy = area.bounds
    for _attempt in range(60):
        x = rng.uniform(minx, maxx - dlng) if maxx - minx > dlng else centre.x - dlng / 2
        y = rng.uniform(miny, maxy)
        bend = rng.uniform(-0.15, 0.15) * dlng
        coords = [(x, y), (x + dlng / 2, y + bend), (x + dlng, y)]
        line = LineString(coords)
        if area.contains(line):
            return {"type": "LineString", "coordinates": [[round(a, 7), round(b, 7)] for a, b in coords]}
    return None


def _streets(district: Territory) -> dict[str, Territory]:
    return {s.name: s for s in Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.STREET)}


def _unit(key: str) -> Unit | None:
    unit: Unit | None = Unit.objects.filter(code=f"{DISTRICT}-{key}").first()
    return unit


def _at(day: dt.date, hour: int = 17) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _weekly(
    actor: Any, project: Project, start: dt.date, end: dt.date, progress: int, invested: Decimal, today: dt.date
) -> None:
    """Entries for the weeks from ``start`` to ``end`` (at most the last ``WEEKS``), rising to the final figures."""
    first = max(week_start_of(start), week_start_of(today) - dt.timedelta(weeks=WEEKS - 1))
    mondays = []
    day = first
    while day <= week_start_of(end):
        mondays.append(day)
        day += dt.timedelta(weeks=1)
    n = len(mondays)
    begin_p = max(0, progress - 6 * n)
    begin_v = invested * Decimal(begin_p) / Decimal(progress or 1)
    for i, monday in enumerate(mondays, start=1):
        p = begin_p + round((progress - begin_p) * i / n)
        v = (begin_v + (invested - begin_v) * Decimal(i) / Decimal(n)).quantize(Decimal("0.01"))
        friday = min(monday + dt.timedelta(days=4), today)
        weekly_entry_save(
            actor=actor,
            project=project,
            week=monday,
            progress=p,
            invested=v,
            work_done="管网铺设、水稳层施工" if p < 60 else "沥青摊铺、道牙及行道砖铺设",
            next_plan="继续推进路面施工" if p < 100 else "完工验收准备",
            problems="",
            is_synthetic=True,
            now=_at(friday),
        )


def _seed_roads(actor: Any, district: Territory, today: dt.date, rng: random.Random) -> int:
    streets = _streets(district)
    whole = _outline(district)
    lead = _unit("zjj")
    co = [u for u in (_unit("water"), _unit("power"), _unit("gas")) if u is not None]
    made = 0
    for n, road in enumerate(ROADS, start=1):
        street = streets.get(road.street)
        area = (_outline(street) if street is not None else None) or whole
        line = _line_in(area, road.length_m, rng) if area is not None else None
        started = today - dt.timedelta(days=road.started_days_ago)
        planned_end = started + dt.timedelta(days=road.planned_days)
        project = project_create(
            actor=actor,
            code=f"{ROAD_PREFIX}{n:02d}",
            name=road.name,
            type=ProjectType.ROAD,
            territory=street or district,
            location=f"{road.street}",
            geometry=line,
            length_m=road.length_m,
            components=[{"name": c, "quantity": q, "unit": u} for c, q, u in road.components],
            description="湛河区新改建道路工程（2021 年共 8 条，总投资 3015 万元）。各项目投资额为示例分配。",
            total_investment=road.total,
            planned_start=started,
            planned_end=planned_end,
            milestones=[
                {
                    "name": "地下管网完工",
                    "planned_date": started + dt.timedelta(days=road.planned_days // 2),
                    "done_date": started + dt.timedelta(days=road.planned_days // 2) if road.progress >= 60 else None,
                },
                {
                    "name": "完工通车",
                    "planned_date": planned_end,
                    "done_date": today - dt.timedelta(days=road.finished_days_ago) if road.finished_days_ago else None,
                },
            ],
            lead_unit=lead,
            co_units=co,
            is_synthetic=True,
            now=_at(started - dt.timedelta(days=20), 9),
        )
        project_transition(actor=actor, project=project, name="start", now=_at(started, 9), note="进场施工")
        end = today - dt.timedelta(days=road.finished_days_ago) if road.finished_days_ago else today
        _weekly(actor, project, started, end, road.progress, Decimal(road.invested), today)
        if road.finished_days_ago:
            project_transition(actor=actor, project=project, name="complete", now=_at(end), note="完成通车")
        if road.problem:
            title, text = road.problem
            project_problem_raise(
                actor=actor, project=project, title=title, description=text, now=_at(today - dt.timedelta(days=2), 10)
            )
        made += 1
    return made


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``parts`` amounts in whole 10 万元 summing exactly to ``total``."""
    weights = [rng.uniform(0.5, 2.0) for _ in range(parts)]
    scale = total / Decimal(str(sum(weights)))
    out = [(Decimal(str(w)) * scale / 10).quantize(Decimal("1")) * 10 for w in weights[:-1]]
    out.append(total - sum(out))
    return out


def _livelihood_dates(today: dt.date, n: int) -> tuple[dt.date, dt.date]:
    """The planned start and end of the ``n``-th 民生 project: begun months ago, due in the months ahead."""
    return today - dt.timedelta(days=120 + (n * 5) % 90), today + dt.timedelta(days=60 + (n * 7) % 120)


def _seed_livelihood(actor: Any, district: Territory, today: dt.date, rng: random.Random) -> int:
    streets = _streets(district)
    street_list = [streets[k] for k in sorted(streets)]
    rest = LIVELIHOOD_TOTAL - sum(Decimal(p.total) for p in NAMED)
    amounts = _split(rest, 30 - len(NAMED), rng)
    others = []
    for i, amount in enumerate(amounts):
        kind = OTHER_KINDS[i % len(OTHER_KINDS)]
        street = street_list[i % len(street_list)] if street_list else None
        where = street.name if street is not None else ""
        status = ProjectStatus.PLANNING if i % 7 == 6 else ProjectStatus.BUILDING
        n = len(NAMED) + i + 1
        started, planned_end = _livelihood_dates(today, n)
        on_plan = round(100 * (today - started).days / (planned_end - started).days)
        progress = 0 if status == ProjectStatus.PLANNING else max(5, min(95, on_plan + rng.randint(-14, 8)))
        name = f"{where.removesuffix(SUFFIX)}{kind}{SUFFIX}"
        others.append(Livelihood(name, str(amount), status, progress, street=where))
    lead = _unit("zjj")
    made = 0
    for n, item in enumerate((*NAMED, *others), start=1):
        territory = streets.get(item.street, district) if item.street else district
        started, planned_end = _livelihood_dates(today, n)
        total = Decimal(item.total)
        invested = (total * item.progress / 100).quantize(Decimal("1"))
        project = project_create(
            actor=actor,
            code=f"{LIVELIHOOD_PREFIX}{n:02d}",
            name=item.name,
            type=ProjectType.LIVELIHOOD,
            territory=territory,
            location=item.street,
            components=[{"name": c, "quantity": q, "unit": u} for c, q, u in item.components],
            description=item.description or "湛河区 2021 年民生基础设施项目（共 30 个，总投资 10.1 亿元）。",
            total_investment=total,
            planned_start=started if item.status != ProjectStatus.PLANNING else today + dt.timedelta(days=30),
            planned_end=planned_end,
            lead_unit=lead,
            is_synthetic=True,
            now=_at(started - dt.timedelta(days=30), 9),
        )
        if item.status == ProjectStatus.PLANNING:
            made += 1
            continue
        project_transition(actor=actor, project=project, name="start", now=_at(started, 9))
        end = today if item.status == ProjectStatus.BUILDING else today - dt.timedelta(days=20)
        if item.status == ProjectStatus.BUILDING:
            _weekly(actor, project, max(started, today - dt.timedelta(weeks=1)), end, item.progress, invested, today)
        else:
            weekly_entry_save(
                actor=actor,
                project=project,
                week=end,
                progress=100,
                invested=total,
                work_done=item.description or "完工",
                is_synthetic=True,
                now=_at(end),
            )
            project_transition(actor=actor, project=project, name="complete", now=_at(end))
        made += 1
    return made


def projects_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    district = Territory.objects.filter(code=DISTRICT).first()
    if district is None:
        return 0, 0
    existing = Project.objects.filter(code__startswith="ZH-").count()
    if existing:
        return 0, existing
    today = timezone.localdate()
    rng = random.Random(int(DISTRICT))
    made = _seed_roads(actor, district, today, rng)
    made += _seed_livelihood(actor, district, today, rng)
    return made, 0
