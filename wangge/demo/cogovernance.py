"""Demo data of 共商共治 in 华西社区 (卫东区 优越路街道): five meetings of 有事共商 — a 民情恳谈会, a 议事协商会, a
民主评议会, a 民主听证会 and a 红色物业 联席会议 — with their agenda, participants, resolutions and follow-up tasks
(some done on time, some still open, one overdue); 红色物业 for the community's first 小区 (the property company
and its party branch, the owners' committee, five 亮牌 staff, a 述职评议 by the three parties and 36 residents'
ratings over the last two months); and 分包: the four leading bodies' leaders (四大班子) on four communities,
departments on two more, departments on three road sections (with their lines) and 文明单位 on three
intersections near 华西社区 (registered as points).

Dates are counted back from today, so the overdue task stays overdue. Everything goes through the services as
the demo builder, in one transaction, deterministically (one ``random.Random`` seeded by the community code);
the step is idempotent: a community with demo meetings is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Unit, User
from wangge.cogovernance.choices import POINT_TYPE_OF, AssignmentKind, MeetingKind, Reviewer
from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting, RedProperty
from wangge.cogovernance.services import (
    assignment_save,
    meeting_record,
    property_register,
    rating_submit,
    review_record,
    staff_add,
    task_transition,
)
from wangge.demo.catalogue import WEIDONG, unit_code
from wangge.ledgers.models import Estate
from wangge.places.models import Point, PointType
from wangge.places.services import point_create
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

TZ = ZoneInfo("Asia/Shanghai")
COMMUNITY = f"{WEIDONG.code}001001"  # 华西社区
RATINGS = 36
COMMITTEE = "华西社区居民委员会"

# (kind, days ago, title, agenda, participants, resolutions, tasks: (title, owner, working days, resolution, done
# after N days or None)).
MEETINGS: tuple[
    tuple[str, int, str, str, tuple[str, ...], tuple[str, ...], tuple[tuple[str, str, int, int, int | None], ...]], ...
] = (
    (
        MeetingKind.CONSULTATION,
        40,
        "老旧小区加装电梯意见征集",
        "一、通报加装电梯政策；二、各楼栋居民代表发言；三、形成意向汇总办法。",
        ("社区党委书记", "网格员", "楼栋长代表 6 名", "居民代表 18 名"),
        ("以楼栋为单位征集加装电梯意向，三分之二以上住户同意的楼栋先行申报。", "社区协助意向楼栋对接设计单位。"),
        (
            ("汇总各楼栋加装电梯意向并报街道", COMMITTEE, 5, 1, None),
            ("张贴加装电梯政策解读", "第1网格网格员", 3, 1, 2),
        ),
    ),
    (
        MeetingKind.DELIBERATION,
        25,
        "小区停车秩序整治",
        "一、物业通报停车现状；二、业委会提出方案；三、居民协商表决。",
        ("社区居委会", "业主委员会", "物业服务企业", "居民代表 15 名"),
        ("施划临时停车位并实行夜间错时停车。", "制定并张贴小区停车公约。"),
        (
            ("施划临时停车位 40 个", "物业服务企业", 10, 1, 8),
            ("起草并张贴停车公约", "业主委员会", 3, 2, 3),
        ),
    ),
    (
        MeetingKind.APPRAISAL,
        15,
        "红色物业服务述职评议",
        "一、物业服务企业述职；二、居委会、业委会、居民代表评议打分；三、通报整改要求。",
        ("社区党委", "社区居委会", "业主委员会", "物业服务企业", "居民代表 20 名"),
        ("评议结果向全体居民公示。", "物业就绿化养护和楼道保洁提出整改计划。"),
        (("提交绿化养护和楼道保洁整改计划", "物业服务企业", 5, 2, 4),),
    ),
    (
        MeetingKind.HEARING,
        8,
        "小区公共收益使用方案听证",
        "一、业委会说明公共收益收支；二、听证代表质询；三、听取意见修改方案。",
        ("业主委员会", "物业服务企业", "听证代表 12 名", "社区法律顾问"),
        ("公共收益优先用于更换单元门禁和楼道照明。",),
        (("按听证意见修改公共收益使用方案并公示", "业主委员会", 20, 1, None),),
    ),
    (
        MeetingKind.JOINT,
        3,
        "三方联席会议：楼道堆物清理",
        "一、网格员通报楼道堆物排查情况；二、三方明确分工；三、确定清理时间。",
        ("社区居委会", "业主委员会", "物业服务企业", "红色管家代表"),
        ("本月内完成全部楼道堆物清理，红色管家逐户提醒。",),
        (
            ("组织楼道堆物集中清理", "物业服务企业", 10, 1, None),
            ("逐户提醒并登记劝导情况", "红色管家", 5, 1, None),
        ),
    ),
)
STAFF = (
    ("刘桂芳", "项目经理", "HX-01", True),
    ("陈志强", "客服主管", "HX-02", False),
    ("赵春梅", "保洁班长", "HX-03", False),
    ("孙海涛", "维修工", "HX-04", True),
    ("周国庆", "秩序维护员", "HX-05", False),
)
COMMENTS = ("维修很及时", "楼道打扫得很干净", "门岗服务热情", "停车还需加强管理", "希望绿化再修剪一下", "")
# 四大班子 leaders on communities of 卫东区 (the first four, 华西社区 first); names are illustrative.
LEADERS = (
    ("区委书记", "李国华", "demo_leader"),
    ("区长", "张振宇", None),
    ("区人大常委会主任", "王秀英", None),
    ("区政协主席", "刘建民", None),
)
UNIT_COMMUNITIES = ("zjj", "mzj")  # departments on the 5th and 6th communities
ROADS = (("jtj", "华西路（建设路至开源路段）"), ("cgj", "优越路（华西社区段）"), ("zjj", "东环路（优越路至光明路段）"))
CROSSINGS = (
    "鹰城商贸有限公司（文明单位）",
    "卫东区第二实验小学（文明单位）",
    "平顶山鹰城供电服务站（文明单位）",
)


def _local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _review_period(today: dt.date) -> str:
    return f"{today.year}年上半年" if today.month > 6 else f"{today.year - 1}年下半年"


def _points(
    actor: Any, community: Territory, rng: random.Random
) -> tuple[list[tuple[Point, dict[str, Any]]], list[Point]]:
    """Three road sections (with lines) and three intersections at the grids of the community."""
    for kind in (AssignmentKind.ROAD, AssignmentKind.INTERSECTION):
        key, name = POINT_TYPE_OF[kind]
        PointType.objects.get_or_create(key=key, defaults={"name": name, "ordering": 105})
    grids = list(Territory.objects.filter(path__startswith=community.path, kind=TerritoryKind.GRID).order_by("code"))
    centres = [(g.centroid_lng, g.centroid_lat) for g in grids if g.centroid_lng is not None]
    if community.centroid_lng is not None:
        centres.append((community.centroid_lng, community.centroid_lat))
    if not centres:
        return [], []
    roads: list[tuple[Point, dict[str, Any]]] = []
    for i, (_unit_key, name) in enumerate(ROADS):
        lng, lat = centres[i % len(centres)]
        dx, dy = (0.004, 0.0) if i % 2 == 0 else (0.0, 0.004)
        line = {
            "type": "LineString",
            "coordinates": [[lng - dx, lat - dy], [lng + rng.uniform(-0.0005, 0.0005), lat], [lng + dx, lat + dy]],
        }
        point = point_create(
            actor=actor,
            code=f"{COMMUNITY}-RD{i + 1:02d}",
            name=name,
            type="road",
            lng=lng,
            lat=lat,
            responsible_name=name[:2] + "路段责任人",
            is_synthetic=True,
        )
        roads.append((point, line))
    crossings = []
    for i, name in enumerate(CROSSINGS):
        lng, lat = centres[(i + 1) % len(centres)]
        crossings.append(
            point_create(
                actor=actor,
                code=f"{COMMUNITY}-JC{i + 1:02d}",
                name=f"{community.name.replace('（示意）', '')}路口{i + 1}",
                type="intersection",
                lng=lng + 0.0012,
                lat=lat - 0.0008,
                responsible_name=name.split("（")[0],
                is_synthetic=True,
            )
        )
    return roads, crossings


def cogovernance_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    community = Territory.objects.filter(code=COMMUNITY, kind=TerritoryKind.COMMUNITY).first()
    if community is None:
        return 0, 0
    done = Meeting.objects.filter(territory=community, is_synthetic=True)
    if done.exists():
        return 0, done.count() + Assignment.objects.filter(is_synthetic=True).count()
    rng = random.Random(int(COMMUNITY) + 1)
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        estate = Estate.objects.filter(community=community).order_by("code").first()
        prop: RedProperty | None = None
        if estate is not None:
            base = estate.name.replace("（示意）", "")
            prop = property_register(
                actor=actor,
                estate=estate,
                company="鹰城红心物业服务有限公司",
                company_branch="鹰城红心物业服务有限公司党支部",
                manager_name=STAFF[0][0],
                owners_committee=f"{base}第一届业主委员会",
                committee_chair="马丽娟",
                is_synthetic=True,
            )
            created += 1
            staff = [
                staff_add(actor=actor, property=prop, name=n, post=p, badge_no=b, is_party_member=party)
                for n, p, b, party in STAFF
            ]
            created += len(staff)
        for kind, ago, title, agenda, people, resolutions, tasks in MEETINGS:
            held = today - dt.timedelta(days=ago)
            with_estate = estate if kind in (MeetingKind.JOINT, MeetingKind.APPRAISAL) else None
            if kind == MeetingKind.JOINT and with_estate is None:
                continue
            meeting = meeting_record(
                actor=actor,
                kind=kind,
                title=title,
                territory=community,
                estate=with_estate,
                held_on=held,
                location="华西社区党群服务中心",
                agenda=agenda,
                participants="\n".join(people),
                attendance=rng.randint(18, 45),
                summary=f"会议围绕“{title}”充分协商，形成决议 {len(resolutions)} 项。",
                resolutions=resolutions,
                tasks=[
                    {"title": t, "owner_name": owner, "deadline_days": days, "resolution": res, "is_synthetic": True}
                    for t, owner, days, res, _after in tasks
                ],
                is_synthetic=True,
            )
            created += 1 + len(tasks)
            rows = list(FollowUpTask.objects.filter(meeting=meeting).order_by("id"))
            for row, (_t, _owner, _days, _res, after) in zip(rows, tasks, strict=True):
                if after is not None and held + dt.timedelta(days=after) <= today:
                    task_transition(
                        actor=actor,
                        task=row,
                        name="complete",
                        result="已按决议落实，经网格员现场核实。",
                        now=_local(held + dt.timedelta(days=after), 16),
                    )
            if kind == MeetingKind.APPRAISAL and prop is not None:
                period = _review_period(today)
                for reviewer, score, note in (
                    (Reviewer.COMMITTEE, 91.5, "党建引领作用明显，维修响应及时"),
                    (Reviewer.OWNERS, 88.0, "公共收益公开透明，绿化养护需加强"),
                    (Reviewer.RESIDENTS, 86.5, "楼道保洁有改善，停车管理待提升"),
                ):
                    review_record(
                        actor=actor,
                        property=prop,
                        period=period,
                        held_on=held,
                        reviewer=reviewer,
                        score=score,
                        note=note,
                        meeting=meeting,
                        is_synthetic=True,
                    )
                    created += 1
        if prop is not None:
            staff_rows = list(prop.staff.order_by("badge_no"))
            for i in range(RATINGS):
                stars = rng.choices((5, 4, 3, 2), weights=(55, 30, 10, 5))[0]
                rating_submit(
                    actor=actor,
                    property=prop,
                    stars=stars,
                    staff=staff_rows[i % len(staff_rows)] if i % 3 else None,
                    comment=rng.choice(COMMENTS),
                    client_key=f"demo-{i}",
                    now=_local(today - dt.timedelta(days=rng.randint(0, 60)), rng.randint(8, 20)),
                    is_synthetic=True,
                )
                created += 1
        # 分包: leaders on communities, departments on communities and road sections, 文明单位 on intersections.
        district = Territory.objects.filter(code=WEIDONG.code).first()
        communities = (
            list(
                Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.COMMUNITY).order_by("code")
            )
            if district is not None
            else [community]
        )
        since = dt.date(today.year, 1, 1)
        for (title, name, username), node in zip(LEADERS, communities, strict=False):
            leader = User.objects.filter(username=username).first() if username else None
            assignment_save(
                actor=actor,
                kind=AssignmentKind.COMMUNITY,
                territory=node,
                leader=leader,
                leader_name=name,
                leader_title=title,
                duty="创文创卫、基层治理包干，每月到社区督导不少于两次",
                since=since,
                is_synthetic=True,
            )
            created += 1
        for key, node in zip(UNIT_COMMUNITIES, communities[len(LEADERS) :], strict=False):
            unit = Unit.objects.filter(code=unit_code(WEIDONG.code, key)).first()
            if unit is None:
                continue
            assignment_save(
                actor=actor,
                kind=AssignmentKind.COMMUNITY,
                territory=node,
                unit=unit,
                duty="区直单位分包社区：环境卫生、文明劝导",
                since=since,
                is_synthetic=True,
            )
            created += 1
        roads, crossings = _points(actor, community, rng)
        created += len(roads) + len(crossings)
        for (point, line), (key, _name) in zip(roads, ROADS, strict=True):
            unit = Unit.objects.filter(code=unit_code(WEIDONG.code, key)).first()
            assignment_save(
                actor=actor,
                kind=AssignmentKind.ROAD,
                point=point,
                line=line,
                unit=unit,
                unit_name="" if unit else key,
                duty="路段门前三包、占道经营、车辆乱停劝导",
                since=since,
                is_synthetic=True,
            )
            created += 1
        for point, name in zip(crossings, CROSSINGS, strict=True):
            assignment_save(
                actor=actor,
                kind=AssignmentKind.INTERSECTION,
                point=point,
                unit_name=name,
                duty="文明交通劝导，早晚高峰上岗",
                since=since,
                is_synthetic=True,
            )
            created += 1
    return created, 0
