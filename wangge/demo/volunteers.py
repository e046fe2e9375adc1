"""Demo data of 志愿服务与岗位: 卫东区's volunteers (the 鹰城大妈: 文明新风宣传员, 社情民意调查员,
矛盾纠纷调解员, 创文创卫督查员), their teams, a month of activities with service hours, a few problems
reported by volunteers through the real intake service, and two 护学岗 at the school gates of 华西社区
(and a traffic post) with this week's roster and check-ins.

Who: up to ``VOLUNTEERS`` residents of the ledgers (by default 优越路街道, the street of 华西社区), women of 45 to 70
first, each with one or two of the four roles (a few 护学岗 and traffic volunteers); one team per community, its
first member the leader. A month: each team holds an activity about every fourth day of the last 30, with 5 to
12 members for 1.5 to 3 hours; hours older than three days are confirmed by the community staff, the rest wait
for their leader. This week: two windows a school day at each gate (07:20–08:00, 16:30–17:30), two volunteers
each; the windows already over are checked in (most on time, some late, one far from the gate).

The volunteers, teams, activities, hours, slots and check-ins are bulk-inserted (deterministic: one
``random.Random`` seeded by the district code); the posts and the reports go through the services (the reports
through ``work_order_create``). The step is idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from wangge.demo.catalogue import WEIDONG
from wangge.inspections.services import distance_m
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Resident
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.volunteers.choices import HoursStatus, PostKind, VolunteerStatus
from wangge.volunteers.models import (
    Activity,
    CheckIn,
    Post,
    RosterSlot,
    ServiceHours,
    Team,
    Volunteer,
    VolunteerReport,
    VolunteerRole,
)
from wangge.volunteers.services import post_save, volunteer_report_create, volunteer_roles_seed

SEED = 4104030071
VOLUNTEERS = 300
DAYS = 30
STREET = f"{WEIDONG.code}001"  # 优越路街道
COMMUNITY = f"{STREET}001"  # 华西社区
DAMA_ROLES = ("civility", "opinion", "mediator", "inspector")
WINDOWS = ((dt.time(7, 20), dt.time(8, 0)), (dt.time(16, 30), dt.time(17, 30)))
ACTIVITIES = (
    ("civility", "文明新风宣传", "社区广场"),
    ("inspector", "创文创卫督查：背街小巷环境卫生", "背街小巷"),
    ("inspector", "楼道堆物清理", "小区楼道"),
    ("opinion", "社情民意入户走访", "辖区楼院"),
    ("mediator", "邻里纠纷调解志愿服务", "社区调解室"),
    ("civility", "垃圾分类宣传", "小区门口"),
    ("civility", "文明交通劝导", "路口"),
)
REPORTS = (
    ("opinion", "E0104", "背街小巷路面有油污和垃圾，居民反映多日无人清扫。"),
    ("inspector", "E0201", "小区外墙和电线杆上张贴大量小广告，影响创文创卫。"),
    ("inspector", "E0103", "小区东侧空地积存建筑渣土，未覆盖，起风扬尘。"),
    ("opinion", "C0101", "小区门口上水井盖松动，行人经过有响声，存在安全隐患。"),
    ("inspector", "E0102", "菜市场后门垃圾桶满溢，垃圾散落地面。"),
)


def _inside(rng: random.Random, node: Territory) -> tuple[float, float]:
    geom = shape(node.geometry)
    minx, miny, maxx, maxy = geom.bounds
    for _attempt in range(30):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(ShapelyPoint(x, y)):
            return x, y
    p = geom.representative_point()
    return p.x, p.y


def _residents(rng: random.Random) -> list[Resident]:
    """Residents of the street with a mobile number, 鹰城大妈 (women of 45 to 70) first, one per number."""
    today = timezone.localdate()
    qs = (
        Resident.objects.filter(grid__path__startswith=_path(STREET), status=ResidentStatus.CURRENT)
        .exclude(phone_index="")
        .select_related("grid")
        .order_by("id")
    )
    young, old = dt.date(today.year - 45, 12, 31), dt.date(today.year - 70, 1, 1)
    dama = list(qs.filter(gender="F", birth_date__lte=young, birth_date__gte=old)[: VOLUNTEERS * 3])
    rng.shuffle(dama)
    n_dama = int(VOLUNTEERS * 0.8)
    chosen = dama[:n_dama]
    others = list(qs.exclude(pk__in=[r.pk for r in dama])[: VOLUNTEERS * 3])
    rng.shuffle(others)
    chosen += others[: VOLUNTEERS - len(chosen)]
    chosen += dama[n_dama:][: VOLUNTEERS - len(chosen)]  # too few others: more 鹰城大妈
    seen: set[str] = set(Volunteer.objects.exclude(phone_index="").values_list("phone_index", flat=True))
    out = []
    for r in sorted(chosen, key=lambda r: r.pk):
        if r.phone_index in seen:
            continue
        seen.add(r.phone_index)
        out.append(r)
    return out


def _path(code: str) -> str:
    node = Territory.objects.filter(code=code).only("path").first()
    return node.path if node is not None else "~"  # no such node: matches nothing


def _volunteers(rng: random.Random, roles: dict[str, VolunteerRole]) -> tuple[int, int]:
    existing = set(Volunteer.objects.filter(resident__isnull=False).values_list("resident_id", flat=True))
    if Volunteer.objects.filter(is_synthetic=True).exists():
        return 0, Volunteer.objects.filter(is_synthetic=True).count()
    people = [r for r in _residents(rng) if r.pk not in existing]
    today = timezone.localdate()
    rows = [
        Volunteer(
            name=r.name,
            phone=r.phone,
            phone_index=r.phone_index,
            resident=r,
            territory=r.grid,
            joined_on=today - dt.timedelta(days=rng.randint(30, 900)),
            is_synthetic=True,
        )
        for r in people
    ]
    Volunteer.objects.bulk_create(rows)
    saved = list(Volunteer.objects.filter(is_synthetic=True).order_by("id"))
    links = []
    through = Volunteer.roles.through
    for i, v in enumerate(saved):
        keys = set(rng.sample(DAMA_ROLES, rng.choice((1, 1, 2))))
        if i % 10 == 3:
            keys.add("school_guard")
        if i % 15 == 7:
            keys.add("traffic")
        links += [through(volunteer_id=v.pk, volunteerrole_id=roles[k].pk) for k in sorted(keys)]
    through.objects.bulk_create(links)
    return len(saved), 0


def _teams() -> tuple[int, int]:
    created = unchanged = 0
    communities = Territory.objects.filter(path__startswith=_path(STREET), kind=TerritoryKind.COMMUNITY).order_by(
        "path"
    )
    for community in communities:
        name = f"{community.name}“鹰城大妈”志愿服务队"
        if Team.objects.filter(name=name, territory=community).exists():
            unchanged += 1
            continue
        members = list(
            Volunteer.objects.filter(is_synthetic=True, territory__path__startswith=community.path).order_by("id")
        )
        if not members:
            continue
        team = Team.objects.create(name=name, territory=community, leader=members[0], is_synthetic=True)
        team.members.set(members)
        created += 1
    community = Territory.objects.filter(code=COMMUNITY).first()
    if community is not None:
        name = f"{community.name}护学岗志愿服务队"
        if Team.objects.filter(name=name, territory=community).exists():
            unchanged += 1
        else:
            guards = list(
                Volunteer.objects.filter(
                    is_synthetic=True, territory__path__startswith=community.path, roles__key="school_guard"
                ).order_by("id")
            )
            if guards:
                team = Team.objects.create(name=name, territory=community, leader=guards[0], is_synthetic=True)
                team.members.set(guards)
                created += 1
    return created, unchanged


def _activities(rng: random.Random, roles: dict[str, VolunteerRole], confirmer: str) -> tuple[int, int]:
    today = timezone.localdate()
    start = today - dt.timedelta(days=DAYS)
    teams = list(Team.objects.filter(is_synthetic=True).select_related("territory", "leader").order_by("id"))
    if Activity.objects.filter(is_synthetic=True, date__gte=start).exists():
        return 0, Activity.objects.filter(is_synthetic=True, date__gte=start).count()
    planned: list[tuple[Activity, list[Volunteer]]] = []
    tz = timezone.get_current_timezone()
    for team in teams:
        members = list(team.members.filter(status=VolunteerStatus.ACTIVE).order_by("id"))
        if len(members) < 2:
            continue
        day = start + dt.timedelta(days=rng.randint(0, 3))
        while day < today:
            key, title, place = rng.choice(ACTIVITIES)
            hour = rng.choice((8, 9, 14, 15))
            a = Activity(
                title=title,
                team=team,
                territory=team.territory,
                role=roles.get(key),
                date=day,
                start_time=dt.time(hour, 0),
                end_time=dt.time(hour + 2, 0),
                place=f"{team.territory.name}{place}",
                is_synthetic=True,
            )
            planned.append((a, rng.sample(members, min(len(members), rng.randint(5, 12)))))
            day += dt.timedelta(days=rng.randint(3, 5))
    Activity.objects.bulk_create([a for a, _people in planned])
    rows = []
    for a, people in planned:
        old = a.date < today - dt.timedelta(days=3)
        decided = dt.datetime.combine(a.date + dt.timedelta(days=1), dt.time(10, 0), tzinfo=tz)
        for v in people:
            h = ServiceHours(activity=a, volunteer=v, hours=Decimal(rng.choice(("1.5", "2.0", "2.0", "2.5", "3.0"))))
            if old:
                h.status = HoursStatus.REJECTED if rng.random() < 0.03 else HoursStatus.CONFIRMED
                h.decided_at, h.decided_by_name = decided, confirmer
            rows.append(h)
    ServiceHours.objects.bulk_create(rows)
    return len(planned), 0


def _posts(actor: Any, rng: random.Random) -> tuple[list[Post], int, int]:
    community = Territory.objects.filter(code=COMMUNITY).first()
    if community is None:
        return [], 0, 0
    grids = list(
        Territory.objects.filter(path__startswith=community.path, kind=TerritoryKind.GRID)
        .exclude(geometry=None)
        .order_by("path")[:2]
    )
    team = Team.objects.filter(name=f"{community.name}护学岗志愿服务队").first()
    specs = [
        ("WD-HXG-001", f"{community.name}小学南门护学岗", PostKind.SCHOOL, "07:20—08:00、16:30—17:30"),
        ("WD-HXG-002", f"{community.name}幼儿园东门护学岗", PostKind.SCHOOL, "07:20—08:00、16:30—17:30"),
        ("WD-JTG-001", f"{community.name}路口文明交通岗", PostKind.TRAFFIC, "07:00—09:00"),
    ]
    posts, created, unchanged = [], 0, 0
    for n, (code, name, kind, hours) in enumerate(specs):
        post = Post.objects.filter(code=code).first()
        if post is not None:
            posts.append(post)
            unchanged += 1
            continue
        if not grids:
            break
        x, y = _inside(rng, grids[n % len(grids)])
        post = post_save(
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            lng=x,
            lat=y,
            address=name.replace("护学岗", "").replace("文明交通岗", ""),
            team=team,
            usual_hours=hours,
            is_synthetic=True,
        )
        posts.append(post)
        created += 1
    return posts, created, unchanged


def _roster(rng: random.Random, posts: list[Post]) -> tuple[int, int]:
    """This week's school days: two windows a day at each gate, two volunteers each; the windows over are checked
    in."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(5)]
    gates = [p for p in posts if p.kind == PostKind.SCHOOL]
    if not gates:
        return 0, 0
    if RosterSlot.objects.filter(post__in=gates, date__in=days).exists():
        return 0, RosterSlot.objects.filter(post__in=gates, date__in=days).count()
    pool = list(
        Volunteer.objects.filter(is_synthetic=True, roles__key="school_guard", status=VolunteerStatus.ACTIVE)
        .distinct()
        .order_by("id")
    )
    if len(pool) < 2:
        return 0, 0
    slots = []
    for post in gates:
        for day in days:
            for start, end in WINDOWS:
                for v in rng.sample(pool, 2):
                    slots.append(RosterSlot(post=post, volunteer=v, date=day, start_time=start, end_time=end))
    RosterSlot.objects.bulk_create(slots)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    check_ins = []
    for s in RosterSlot.objects.filter(post__in=gates, date__in=days).select_related("post").order_by("id"):
        begins = dt.datetime.combine(s.date, s.start_time, tzinfo=tz)
        ends = dt.datetime.combine(s.date, s.end_time, tzinfo=tz)
        if ends > now or rng.random() < 0.06:  # not over yet, or missed
            continue
        late = rng.random() < 0.1
        at = begins + dt.timedelta(minutes=rng.randint(8, 20) if late else -rng.randint(0, 12))
        far = rng.random() < 0.04
        dx = rng.uniform(0.003, 0.004) if far else rng.uniform(-0.0004, 0.0004)
        lng, lat = s.post.lng + dx, s.post.lat + rng.uniform(-0.0003, 0.0003)
        d = round(distance_m(lng, lat, s.post.lng, s.post.lat), 1)
        check_ins.append(
            CheckIn(
                slot=s,
                post=s.post,
                volunteer_id=s.volunteer_id,
                at=at,
                lng=lng,
                lat=lat,
                accuracy_m=round(rng.uniform(8, 30), 1),
                distance_m=d,
                is_late=late,
                late_minutes=max(0, int((at - begins).total_seconds() // 60)),
                far_from_post=d > 150,
                recorded_by_name="",
            )
        )
    for c in check_ins:
        c.recorded_by_name = Volunteer.objects.only("name").get(pk=c.volunteer_id).name
    CheckIn.objects.bulk_create(check_ins)
    return len(slots), 0


def _reports(actor: Any, rng: random.Random, roles: dict[str, VolunteerRole]) -> tuple[int, int]:
    from wangge.workorders.models import Category

    if VolunteerReport.objects.filter(volunteer__is_synthetic=True).exists():
        return 0, VolunteerReport.objects.filter(volunteer__is_synthetic=True).count()
    created = 0
    now = timezone.now()
    for n, (key, code, text) in enumerate(REPORTS):
        v = (
            Volunteer.objects.filter(is_synthetic=True, roles__key=key, territory__geometry__isnull=False)
            .select_related("territory")
            .order_by("id")[n : n + 1]
            .first()
        )
        if v is None or not v.territory.geometry:
            continue
        x, y = _inside(rng, v.territory)
        volunteer_report_create(
            actor=actor,
            volunteer=v,
            role=roles[key],
            category=Category.objects.filter(code=code, is_active=True, category_set__is_active=True).first(),
            description=text,
            lng=x,
            lat=y,
            now=now - dt.timedelta(days=DAYS - 5 * n, hours=3),
        )
        created += 1
    return created, 0


def volunteers_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    rng = random.Random(SEED)
    volunteer_roles_seed()
    roles = {r.key: r for r in VolunteerRole.objects.all()}
    created = unchanged = 0
    with transaction.atomic():
        for c, u in (_volunteers(rng, roles), _teams()):
            created, unchanged = created + c, unchanged + u
        c, u = _activities(rng, roles, "华西社区居委会")
        created, unchanged = created + c, unchanged + u
        posts, c, u = _posts(actor, rng)
        created, unchanged = created + c, unchanged + u
        c, u = _roster(rng, posts)
        created, unchanged = created + c, unchanged + u
    c, u = _reports(actor, rng, roles)
    return created + c, unchanged + u
