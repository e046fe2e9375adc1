"""Demo history: cases over the past year taken through the real loop with realistic shares of outcomes.

Every case goes through ``work_order_create`` and ``work_order_transition`` with back-dated instants, so
the clocks, events and measures are exactly what the platform would have produced. The district runs the
escalation sweep (``workorders.escalation``): before each step a case took, the 催办 / 黄牌 / 红牌 it had reached
by then are written into its history at the instant each was due, as a sweep running all along would have
(without sending the notices again: the history rows say whom each was addressed to, ``"notified": false``).
A 差评 opens a rectification case that the unit accepts and handles like any other, so nothing waits for months.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit, User
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import catalog, escalation
from wangge.workorders.choices import AppealType, Channel, Relation, Status, Urgency
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.services import suggest_unit, work_order_create, work_order_transition

SYSTEM_USERNAME = "system_demo_history"

# Several phrasings per category, as callers put the same problem in different words (the demo's classifier
# is trained on them and duplicate detection has to tell repeats from look-alikes).
TITLES: dict[str, list[tuple[str, str]]] = {
    "E0101": [
        ("私搭乱建", "小区内有住户在楼顶搭建彩钢棚，影响安全和美观，请尽快处理。"),
        ("违章搭建", "一楼住户私自扩建院子，占用公共绿地，邻居意见很大。"),
        ("楼顶违建", "楼顶新加盖了一层简易房，担心楼板承重不够。"),
    ],
    "E0102": [
        ("垃圾未及时清运", "路边垃圾堆放两天无人清运，气味很大。"),
        ("垃圾桶满溢", "小区门口的垃圾桶已经满了，垃圾散落一地招苍蝇。"),
        ("生活垃圾堆积", "菜市场后面生活垃圾越堆越多，夏天臭味熏人。"),
    ],
    "E0103": [
        ("渣土堆积", "道路旁堆放大量渣土，下雨后泥泞难行。"),
        ("建筑垃圾乱倒", "夜里有车往空地上倾倒建筑垃圾，扬尘很大。"),
    ],
    "E0104": [
        ("道路脏乱", "路面油污和落叶较多，需要清扫。"),
        ("路面不洁", "人行道上到处是烟头和纸屑，好几天没人打扫。"),
    ],
    "E0201": [
        ("小广告乱贴", "楼道和电线杆上贴满小广告。"),
        ("墙面喷涂广告", "单元门口墙上被喷了办证电话，很难看。"),
    ],
    "E0301": [
        ("夜间施工扰民", "工地晚上十一点后仍在施工，噪音很大。"),
        ("工地深夜作业", "附近工地凌晨还在打桩，孩子睡不着觉。"),
        ("施工噪音", "周末一大早就开始切割钢筋，吵得没法休息。"),
    ],
    "E0403": [
        ("道路积水", "下雨后路口积水严重，车辆无法通行。"),
        ("路口内涝", "暴雨后地下通道口积水没过膝盖，行人只能绕行。"),
    ],
    "E0502": [
        ("占道经营", "早市摊贩占用人行道和机动车道。"),
        ("流动摊贩", "学校门口流动摊贩聚集，放学时交通堵塞。"),
        ("店外经营", "饭店把桌椅摆到人行道上，行人只能走机动车道。"),
    ],
    "C0102": [
        ("井盖破损", "人行道上污水井盖破损，存在安全隐患。"),
        ("井盖缺失", "路口雨水井盖丢了，晚上很危险，已经有人崴脚。"),
    ],
    "C0201": [
        ("路灯不亮", "小区门口路灯已坏多日，夜间出行不便。"),
        ("路灯损坏", "这条路有好几盏路灯不亮，晚上一片漆黑。"),
    ],
    "C0203": [
        ("道路破损", "路面出现大坑，电动车经过容易摔倒。"),
        ("路面塌陷", "路中间塌了一个坑，车辆经过要急刹车。"),
    ],
    "S0101": [
        ("物业服务差", "物业不作为，电梯经常故障无人维修。"),
        ("物业不管事", "楼道灯坏了半个月，找物业一直推脱。"),
    ],
    "S0103": [
        ("停水", "小区突然停水，没有提前通知。"),
        ("水压低", "高层住户家里水压太低，洗澡都困难。"),
        ("停电", "整栋楼停电大半天，冰箱里的东西都坏了。"),
    ],
    "S0201": [
        ("噪声扰民", "楼下商户音响声音过大。"),
        ("广场舞噪音", "晚上广场舞音乐开得太响，一直到十点多。"),
    ],
    "S0401": [
        ("拖欠工资", "在工地干活三个月，工资一直未结清。"),
        ("讨要薪水", "公司倒闭后老板联系不上，十几个人的工资没有着落。"),
    ],
    "S0601": [
        ("消费纠纷", "预付卡商家关门，余额无法退还。"),
        ("商家拒绝退款", "在健身房办的年卡，门店搬走后不给退钱。"),
    ],
    "S0801": [
        ("社区服务咨询", "咨询社区老年食堂的开放时间和办理条件。"),
        ("办事咨询", "想问一下居住证在社区怎么办理，需要带哪些材料。"),
    ],
    "S0803": [
        ("邻里纠纷", "楼上住户漏水到我家，协商无果。"),
        ("邻居占用楼道", "邻居在楼道里堆放杂物，多次沟通不听。"),
    ],
    "S0902": [
        ("安全隐患", "小区充电桩附近堆放杂物，存在火灾隐患。"),
        ("电动车楼道充电", "有人把电动车推进楼道充电，拉了很长的电线。"),
    ],
}


@dataclass
class Shares:
    """Approximate shares of outcomes among finished cases (published district practice)."""

    invalid: float = 0.03
    merged: float = 0.02
    returned: float = 0.08
    late_accept: float = 0.06
    extended: float = 0.06
    suspended: float = 0.03
    late_reply: float = 0.10
    reworked: float = 0.05
    ratings: dict[int, float] = field(default_factory=lambda: {5: 0.55, 4: 0.25, 3: 0.10, 2: 0.06, 1: 0.04})
    unresolved: float = 0.08
    reopened_of_failed: float = 0.5
    on_site: float = 0.5  # of grid-patrol finds, solved on the spot (现场解决) with before/after photos
    on_site_failed_check: float = 0.15  # of the sampled on-site resolutions, found not done and sent for dispatch
    supervised_of_late: float = 0.4  # of the cases replied late, a 督办 card while still being handled
    red_card: float = 0.25  # of those cards, red rather than yellow
    unreachable: float = 0.04  # callbacks where the caller could not be reached
    rectified_late: float = 0.15  # of the 差评 rectifications, those that overran their limit
    stalled: float = 0.6  # of the late cases of the past month already past their deadline, those still unreplied


def _png(rgb: tuple[int, int, int], size: int = 16) -> bytes:
    """A small valid PNG of one colour: the stand-in for a grid worker's before/after photo."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


BEFORE_PHOTO = _png((150, 120, 90))
AFTER_PHOTO = _png((90, 160, 90))


def system_actor(username: str = SYSTEM_USERNAME, display_name: str = "演示历史数据") -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "is_superuser": True, "is_staff": False, "is_demo": True},
    )
    if not user.has_usable_password():
        return user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _checker(district: Territory) -> User:
    """Who checks sampled on-site resolutions: an inspector of the district, else a second system account
    (the grid worker who solved a case never checks it)."""
    prefixes = [district.path[:i] for i in range(4, len(district.path) + 1, 4)]
    inspector = (
        User.objects.filter(is_active=True, grants__role=Role.INSPECTOR, grants__territory__path__in=prefixes)
        .order_by("pk")
        .first()
    )
    return inspector or system_actor(f"{SYSTEM_USERNAME}_check", "演示历史数据（抽查核查）")


def _grid_points(district: Territory) -> list[tuple[Territory, Any]]:
    grids = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID).exclude(geometry=None)
    )
    return [(g, shape(g.geometry)) for g in grids]


def _random_point(rng: random.Random, geom: Any) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(20):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(x, y)):
            return x, y
    p = geom.representative_point()
    return p.x, p.y


def _working_instant(rng: random.Random, day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    minute = rng.choice([*range(8 * 60 + 40, 11 * 60 + 50), *range(14 * 60 + 40, 17 * 60 + 50)])
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)


def generate_history(
    *,
    district: Territory,
    count: int,
    now: dt.datetime | None = None,
    seed: int = 20231,
    shares: Shares | None = None,
    waiting: int = 0,
) -> dict[str, int]:
    """Add ``count`` cases received over the 365 days before ``now`` in ``district``; the last ``waiting`` of
    them came in during the past three hours and await dispatch, some repeating an earlier call from the same
    place (what the dispatch queue and the duplicate hints show). Returns counts by status."""
    rng = random.Random(seed)
    shares = shares or Shares()
    now = now or timezone.now()
    cs = catalog.active_set()
    leaves = list(Category.objects.filter(category_set=cs, parent__isnull=False).select_related("parent"))
    weighted = [c for c in leaves if c.code in TITLES]
    fallback_units = list(
        Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMPANY], is_active=True, territory=district)
    ) or list(Unit.objects.filter(is_active=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.COMPANY]))
    grids = _grid_points(district)
    if not grids or not fallback_units:
        raise ValueError("the district needs grids and units before history can be generated")
    actor = system_actor()
    checker = _checker(district)
    outcome: dict[str, int] = {}
    open_parents: list[WorkOrder] = []
    fresh: list[WorkOrder] = []
    for i in range(count):
        category = rng.choice(weighted if weighted and rng.random() < 0.85 else leaves)
        phrasings = TITLES.get(category.code) or [(category.name, f"群众反映{category.name}问题，请核实处理。")]
        title, text = rng.choice(phrasings)
        _grid, geom = rng.choice(grids)
        lng, lat = _random_point(rng, geom)
        if i >= count - waiting:
            received = now - dt.timedelta(minutes=rng.uniform(5, 180))
            if fresh and rng.random() < 0.35:  # the same problem called in again from next door
                first = rng.choice(fresh)
                category, title, text = first.category, first.title, first.description  # type: ignore[assignment]
                lng, lat = first.lng + rng.uniform(-3e-4, 3e-4), first.lat + rng.uniform(-3e-4, 3e-4)  # type: ignore[operator]
            fresh.append(_waiting_case(rng, actor, category, title, text, lng, lat, received))
            escalation.catch_up(fresh[-1].pk, now, notify=False)
            outcome[Status.REGISTERED] = outcome.get(Status.REGISTERED, 0) + 1
            continue
        days_ago = int(rng.triangular(0, 365, 0))  # more recent cases are more frequent
        received = _working_instant(rng, (now - dt.timedelta(days=days_ago)).date())
        if received >= now:
            received = now - dt.timedelta(hours=2)
        with transaction.atomic():
            wo = _one_case(
                rng,
                shares,
                (actor, checker),
                category,
                title,
                text,
                lng,
                lat,
                received,
                now,
                fallback_units,
                open_parents,
            )
        outcome[wo.status] = outcome.get(wo.status, 0) + 1
    return outcome


def _waiting_case(
    rng: random.Random,
    actor: User,
    category: Category,
    title: str,
    text: str,
    lng: float,
    lat: float,
    received: dt.datetime,
) -> WorkOrder:
    """A hotline call just registered: no category chosen yet half of the time (the classifier suggests one)."""
    return work_order_create(
        actor=actor,
        channel=Channel.HOTLINE,
        appeal_type=AppealType.COMPLAINT,
        title=title,
        description=text,
        category=category if rng.random() < 0.5 else None,
        reporter_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士"]),
        reporter_phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}",
        lng=lng,
        lat=lat,
        now=received,
    )


def _one_case(
    rng: random.Random,
    shares: Shares,
    actors: tuple[User, User],
    category: Category,
    title: str,
    text: str,
    lng: float,
    lat: float,
    received: dt.datetime,
    now: dt.datetime,
    units: list[Unit],
    open_parents: list[WorkOrder],
) -> WorkOrder:
    actor, checker = actors
    channel = rng.choices(
        [Channel.HOTLINE, Channel.WEB, Channel.H5, Channel.QR, Channel.PATROL, Channel.API],
        weights=[50, 10, 15, 5, 15, 5],
    )[0]
    appeal = rng.choices(
        [
            AppealType.COMPLAINT,
            AppealType.HELP,
            AppealType.CONSULT,
            AppealType.SUGGESTION,
            AppealType.REPORT,
            AppealType.PRAISE,
        ],
        weights=[35, 30, 15, 10, 8, 2],
    )[0]
    phone = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}" if channel != Channel.PATROL else ""
    wo = work_order_create(
        actor=actor,
        channel=channel,
        appeal_type=appeal,
        title=title,
        description=text,
        category=category,
        reporter_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士"]) if phone else "",
        reporter_phone=phone,
        is_real_name=bool(phone) and rng.random() < 0.6,
        lng=lng,
        lat=lat,
        urgency=Urgency.URGENT if rng.random() < 0.03 else Urgency.NORMAL,
        now=received,
    )
    t = received
    pk = wo.pk

    def step(name: str, minutes: float, by: User = actor, **payload: Any) -> bool:
        nonlocal t, wo
        nxt = t + dt.timedelta(minutes=max(1.0, minutes))
        escalation.catch_up(pk, min(nxt, now), notify=False)  # the sweep ran while the case waited
        if nxt >= now:
            return False
        t = nxt
        wo = work_order_transition(actor=by, work_order_id=pk, name=name, now=t, **payload)
        return True

    r = rng.random
    if channel == Channel.PATROL and r() < shares.on_site:
        # The grid worker solves it on the spot; a sample is checked, and a failed check goes for dispatch.
        code = wo.tracking_code
        if not step(
            "resolve_on_site",
            rng.uniform(10, 90),
            text="网格员现场处置完毕。",
            before_photos=[SimpleUploadedFile(f"{code}-before.png", BEFORE_PHOTO, content_type="image/png")],
            after_photos=[SimpleUploadedFile(f"{code}-after.png", AFTER_PHOTO, content_type="image/png")],
        ):
            return wo
        if wo.status != Status.REPLIED:
            return wo
        if r() >= shares.on_site_failed_check:
            if step("verify_pass", rng.uniform(60, 1200), by=checker) and wo.status == Status.TO_CLOSE:
                step("close", rng.uniform(10, 600))
            return wo
        if not step("verify_fail", rng.uniform(60, 1200), by=checker, note="抽查发现未处置到位"):
            return wo
    elif r() < shares.invalid:
        step("invalidate", rng.uniform(5, 60), note="非诉求类来电")
        return wo
    if open_parents and r() < shares.merged:
        parent = rng.choice(open_parents)
        if parent.status not in {Status.CLOSED, Status.MERGED, Status.INVALID} and parent.district_id == wo.district_id:
            step("merge", rng.uniform(5, 60), parent=parent)
            return wo
    unit = suggest_unit(category=category, territory=wo.territory) or rng.choice(units)
    if r() < shares.returned:
        other = rng.choice(units)
        if not step("dispatch", rng.uniform(5, 90), unit=other):
            return wo
        if not step("return", rng.uniform(20, 240), note="不属于本单位职责范围"):
            return wo
    if not step("dispatch", rng.uniform(5, 90), unit=unit):
        return wo
    if len(open_parents) < 50:
        open_parents.append(wo)
    if not step("accept", rng.uniform(130, 600) if r() < shares.late_accept else rng.uniform(5, 100)):
        return wo
    wo.refresh_from_db()
    limit_minutes = max(60.0, (wo.due_at - t).total_seconds() / 60.0) if wo.due_at else 600.0
    if r() < shares.extended:
        if not step(
            "request_extension", limit_minutes * 0.5, amount=3, unit_of_time="working_days", note="需协调相关单位"
        ):
            return wo
        if not step("approve_extension", rng.uniform(30, 240)):
            return wo
        wo.refresh_from_db()
        limit_minutes = max(60.0, (wo.due_at - t).total_seconds() / 60.0) if wo.due_at else 600.0
    if r() < shares.suspended:
        if not step("suspend", limit_minutes * 0.2, note="等待第三方鉴定"):
            return wo
        if not step("resume", rng.uniform(600, 3000)):
            return wo
        wo.refresh_from_db()
        limit_minutes = max(60.0, (wo.due_at - t).total_seconds() / 60.0) if wo.due_at else 600.0
    late = r() < shares.late_reply
    reply_after = limit_minutes * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.2, 0.9))
    recent = now - received < dt.timedelta(days=30)
    if late and recent and wo.due_at is not None and wo.due_at < now and r() < shares.stalled:
        # The unit is behind on a recent case past its deadline: still no reply today, and the sweep escalates it.
        reply_after = max(reply_after, (now - t).total_seconds() / 60.0 + 60.0)
    if late and r() < shares.supervised_of_late:
        # Past its deadline and still open: the supervision office issues a card.
        card_after = limit_minutes * 1.05
        level = "red" if r() < shares.red_card else "yellow"
        if not step("supervise", card_after, level=level, note="超期未办结，督促加快办理"):
            return wo
        reply_after = max(1.0, reply_after - card_after)
    if not step("reply", reply_after, text="已到现场核实并处理完毕。", result="resolved"):
        return wo
    if r() < shares.reworked:
        if not step("verify_fail", rng.uniform(60, 600), note="现场复核未整改到位"):
            return wo
        if not step("reply", rng.uniform(120, 1200), text="已按要求重新整改。", result="resolved"):
            return wo
    if not step("verify_pass", rng.uniform(30, 900)):
        return wo
    if wo.status == Status.CALLBACK and r() < shares.unreachable:
        if not step("callback", rng.uniform(60, 1400), unreachable=True):
            return wo
    elif wo.status == Status.CALLBACK:
        ratings, weights = zip(*shares.ratings.items(), strict=True)
        rating = rng.choices(ratings, weights=weights)[0]
        resolved = rating >= 3 and r() >= shares.unresolved
        if not step("callback", rng.uniform(60, 1400), rating=rating, resolved=resolved):
            return wo
        rectification = wo.children.filter(relation=Relation.RECTIFICATION).order_by("-pk").first()
        if rectification is not None:
            _rectify(rng, shares, actor, rectification, t, now)
        if (not resolved or rating <= 2) and r() < shares.reopened_of_failed:
            if not step("reopen", rng.uniform(30, 300), note="回访未解决，重办"):
                return wo
            if not step("reply", rng.uniform(240, 3000), text="重办完成。", result="resolved"):
                return wo
            if not step("verify_pass", rng.uniform(30, 600)):
                return wo
            if wo.status == Status.CALLBACK and not step("callback", rng.uniform(60, 900), rating=4, resolved=True):
                return wo
    step("close", rng.uniform(10, 600))
    return wo


def _rectify(
    rng: random.Random, shares: Shares, actor: User, case: WorkOrder, start: dt.datetime, now: dt.datetime
) -> WorkOrder:
    """A 差评 rectification taken through its loop like any case: the unit accepts it, rectifies within the limit
    (some overrun it and are escalated on the way), the command centre checks, calls back and closes it."""
    t = start
    pk = case.pk
    wo = case

    def step(name: str, minutes: float, **payload: Any) -> bool:
        nonlocal t, wo
        nxt = t + dt.timedelta(minutes=max(1.0, minutes))
        escalation.catch_up(pk, min(nxt, now), notify=False)
        if nxt >= now:
            return False
        t = nxt
        wo = work_order_transition(actor=actor, work_order_id=pk, name=name, now=t, **payload)
        return True

    if wo.status == Status.REGISTERED and (
        wo.parent is None
        or wo.parent.assigned_unit is None
        or not step("dispatch", rng.uniform(5, 90), unit=wo.parent.assigned_unit)
    ):
        return wo
    if not step("accept", rng.uniform(5, 240)):
        return wo
    limit_minutes = max(60.0, (wo.due_at - t).total_seconds() / 60.0) if wo.due_at else 600.0
    late = rng.random() < shares.rectified_late
    reply_after = limit_minutes * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.7))
    if not step("reply", reply_after, text="已按差评意见整改到位，并与诉求人沟通。", result="resolved"):
        return wo
    if not step("verify_pass", rng.uniform(30, 900)):
        return wo
    if wo.status == Status.CALLBACK:
        rating = rng.choices([5, 4, 3], weights=[40, 45, 15])[0]
        if not step("callback", rng.uniform(60, 1400), rating=rating, resolved=True):
            return wo
    step("close", rng.uniform(10, 600))
    return wo
