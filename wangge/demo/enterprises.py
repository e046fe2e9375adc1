"""Demo data of 助企包联 in 卫东区: the enterprises (every enterprise and 新经济组织 of the demo merchants ledger, then
generated ones up to 400), the 388 三级包联 cadres (24 区级领导 and 364 包联干部), each enterprise with its district
leader, department and one or two cadres, a month of visits, the service days of this month (市场主体服务日 on the
8th, 助企见面日 every Wednesday in each street) with attendance, and one 政银企 matchmaking event.

Cadres are roster records; only a few have an account (user accounts cost a password hash each): ``demo_cadre``,
a login with the shared demo password and five enterprises on their phone, and eleven accounts without a usable
password. The visits are bulk-inserted, except eight whose problems go through the real visit service (each a 涉企
work order through the one intake service); four of those cases are then taken through the closed loop to 已结案 and
rated by the enterprise, so the figures show appeals resolved. Deterministic (one seeded ``random.Random``), marked
synthetic, idempotent: what exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit, User
from wangge.core.actors import SystemActor
from wangge.core.errors import DomainError
from wangge.core.validators import credit_code_check_character
from wangge.demo.catalogue import DEMO_PASSWORD, WEIDONG, unit_code
from wangge.demo.people import GIVEN, SURNAMES
from wangge.enterprises.choices import CadreRank, Intention, LiaisonLevel, Scale, ServiceDayKind
from wangge.enterprises.models import (
    Bank,
    Cadre,
    Enterprise,
    FinancingEvent,
    FinancingParticipation,
    FinancingProduct,
    Issue,
    Liaison,
    ServiceDay,
    Visit,
)
from wangge.enterprises.services import industry_of, issue_rate, service_days_generate, visit_record
from wangge.ledgers.choices import MerchantKind, MerchantStatus
from wangge.ledgers.models import Merchant
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder

SEED = 4104030088
TOTAL = 400
LEADERS, CADRES = 24, 364  # 388 三级包联干部
ACCOUNTS = 12  # cadres with an account (the first is the demo login)
DEMO_CADRE = "demo_cadre"
VISIT_SHARE = 0.7  # enterprises visited in the last 30 days
REAL_PROBLEMS = 8
CLOSED = 4
EVENT_TITLE = "卫您融·政银企对接会"

STEMS = tuple(
    "鹰城平煤卫东中原豫能天瑞神马开源东环建设光明五一优越蒲城东高皇台金鹰宏达恒信瑞丰华鑫永盛新科博远"[k : k + 2]
    for k in range(0, 48, 2)
)
KINDS = (
    ("机械制造", "manufacturing"),
    ("建材", "manufacturing"),
    ("煤化工", "mining"),
    ("物流", "logistics"),
    ("商贸", "wholesale_retail"),
    ("餐饮管理", "hospitality"),
    ("网络科技", "software"),
    ("建筑工程", "construction"),
    ("物业服务", "resident_services"),
    ("医疗器械", "health"),
    ("新能源", "energy"),
    ("企业管理咨询", "business_services"),
)
SCALES = ((Scale.LARGE, 0.04, (300, 1500)), (Scale.MEDIUM, 0.16, (100, 300)), (Scale.SMALL, 0.45, (20, 100)))
FINDINGS = (
    "查看企业台账，生产经营正常，宣传惠企政策。",
    "了解企业用工和订单情况，企业运行平稳。",
    "走访企业负责人，询问发展中遇到的困难。",
    "查看安全生产台账，提醒做好防汛和消防安全。",
    "宣讲“万人助万企”政策，收集企业意见建议。",
)
PROBLEMS = (
    "厂区门前道路破损，货车进出困难",
    "用电增容审批时间较长，影响新生产线投产",
    "企业周边路灯不亮，夜班职工出行不便",
    "希望协调办理消防验收",
    "门前雨水管网堵塞，雨天积水",
    "招工难，希望街道协助发布招聘信息",
    "企业门口占道经营，影响车辆通行",
    "申请的稳岗补贴尚未到账",
)
BANKS = (
    ("中国工商银行平顶山分行", ("经营快贷", "税务贷")),
    ("中国建设银行平顶山分行", ("善营贷", "云税贷")),
    ("平顶山银行", ("鹰城惠企贷",)),
    ("中原银行平顶山分行", ("科技贷", "链e贷")),
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _n in range(rng.choice((1, 2, 2))))


def _credit_code(n: int) -> str:
    first17 = f"91410403MA{(700000 + n):07d}"
    return first17 + credit_code_check_character(first17)


def _scale(rng: random.Random) -> tuple[str, int, Decimal]:
    roll = rng.random()
    scale, low, high = Scale.MICRO, 3, 20
    for option, share, bounds in SCALES:
        if roll < share:
            scale, (low, high) = option, bounds
            break
        roll -= share
    employees = rng.randint(low, high)
    return scale, employees, Decimal(employees * rng.randint(15, 60))


def enterprises_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        made, kept = _enterprises(district, rng)
        c, k = _cadres(district, rng)
        made, kept = made + c, kept + k
        c, k = _liaisons(district, today)
        made, kept = made + c, kept + k
    c, k = _visits(district, rng, today)
    made, kept = made + c, kept + k
    c, k = _service_days(district, rng, today)
    made, kept = made + c, kept + k
    c, k = _financing(district, rng, today)
    return made + c, kept + k


def _enterprises(district: Territory, rng: random.Random) -> tuple[int, int]:
    have = Enterprise.objects.filter(district=district)
    existing = have.count()
    if existing >= TOTAL:
        return 0, existing
    linked = set(have.exclude(merchant=None).values_list("merchant_id", flat=True))
    codes = set(have.values_list("credit_code", flat=True))
    rows: list[Enterprise] = []
    merchants = (
        Merchant.objects.filter(
            grid__path__startswith=district.path,
            kind__in=[MerchantKind.ENTERPRISE, MerchantKind.NEW_ECONOMIC],
            status=MerchantStatus.OPEN,
        )
        .exclude(pk__in=linked)
        .select_related("grid")
        .order_by("pk")
    )
    for m in merchants[: TOTAL - existing]:
        if m.credit_code and m.credit_code in codes:
            continue
        scale, employees, output = _scale(rng)
        rows.append(
            Enterprise(
                merchant=m,
                name=m.name,
                credit_code=m.credit_code,
                industry=industry_of(m.industry),
                scale=scale,
                employees=employees,
                annual_output=output,
                address=m.address,
                lng=m.lng,
                lat=m.lat,
                grid=m.grid,
                district=district,
                contact_name=m.contact_name or m.responsible_person,
                is_synthetic=True,
            )
        )
        codes.add(m.credit_code)
    grids = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID)
        .only("pk", "name", "centroid_lng", "centroid_lat")
        .order_by("path")
    )
    names = set(have.values_list("name", flat=True)) | {r.name for r in rows}
    n = 0
    while existing + len(rows) < TOTAL and grids:
        n += 1
        code = _credit_code(n)
        if code in codes:
            continue
        stem, (kind, industry) = rng.choice(STEMS), rng.choice(KINDS)
        name = f"平顶山{stem}{kind}有限公司"
        if name in names:
            name = f"平顶山市{stem}{kind}{n}有限公司"
        grid = rng.choice(grids)
        scale, employees, output = _scale(rng)
        rows.append(
            Enterprise(
                name=name,
                credit_code=code,
                industry=industry,
                scale=scale,
                employees=employees,
                annual_output=output,
                address=f"卫东区{grid.name}{stem}路{rng.randint(1, 300)}号",
                lng=grid.centroid_lng,
                lat=grid.centroid_lat,
                grid=grid,
                district=district,
                contact_name=_name(rng),
                is_synthetic=True,
            )
        )
        names.add(name)
        codes.add(code)
    Enterprise.objects.bulk_create(rows)
    return len(rows), existing


def _cadres(district: Territory, rng: random.Random) -> tuple[int, int]:
    have = Cadre.objects.filter(district=district, is_synthetic=True)
    existing = have.count()
    if existing >= LEADERS + CADRES:
        return 0, existing
    departments = list(
        Unit.objects.filter(territory=district, kind=UnitKind.DEPARTMENT, is_active=True).order_by("code")
    )
    rows: list[Cadre] = []
    for i in range(LEADERS):
        rows.append(
            Cadre(
                name=_name(rng),
                rank=CadreRank.LEADER,
                title=("副区长", "区委常委", "区人大常委会副主任", "区政协副主席")[i % 4],
                district=district,
                is_synthetic=True,
            )
        )
    for i in range(CADRES):
        rows.append(
            Cadre(
                name=_name(rng),
                rank=CadreRank.CADRE,
                title=("科长", "副科长", "科员", "四级主任科员")[i % 4],
                unit=departments[i % len(departments)] if departments else None,
                district=district,
                is_synthetic=True,
            )
        )
    Cadre.objects.bulk_create(rows[existing:])
    _accounts(district, departments)
    return len(rows) - existing, existing


def _accounts(district: Territory, departments: list[Unit]) -> None:
    """Accounts for the first few cadres: one hash of the demo password for the login, unusable for the rest."""
    cadres = list(
        Cadre.objects.filter(district=district, is_synthetic=True, rank=CadreRank.CADRE, user=None).order_by("pk")[
            :ACCOUNTS
        ]
    )
    if not cadres or User.objects.filter(username=DEMO_CADRE).exists():
        return
    unit = Unit.objects.filter(code=unit_code(district.code, "gxj")).first() or (
        departments[0] if departments else None
    )
    login_hash = make_password(DEMO_PASSWORD)
    users = [
        User(
            username=DEMO_CADRE if i == 0 else f"demo_cadre_{i:03d}",
            display_name=c.name,
            unit=c.unit or unit,
            password=login_hash if i == 0 else make_password(None),
            password_changed_at=timezone.now() if i == 0 else None,
            is_demo=True,
        )
        for i, c in enumerate(cadres)
    ]
    User.objects.bulk_create(users)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    for c, u in zip(cadres, users, strict=True):
        c.user = saved[u.username]
    Cadre.objects.bulk_update(cadres, ["user"])


def _liaisons(district: Territory, today: dt.date) -> tuple[int, int]:
    have = Liaison.objects.filter(enterprise__district=district, enterprise__is_synthetic=True)
    if have.exists():
        return 0, have.count()
    enterprises = list(Enterprise.objects.filter(district=district, is_synthetic=True).order_by("pk"))
    leaders = list(Cadre.objects.filter(district=district, is_synthetic=True, rank=CadreRank.LEADER).order_by("pk"))
    cadres = list(Cadre.objects.filter(district=district, is_synthetic=True, rank=CadreRank.CADRE).order_by("pk"))
    departments = list(Unit.objects.filter(territory=district, kind=UnitKind.DEPARTMENT).order_by("code"))
    demo = Cadre.objects.filter(user__username=DEMO_CADRE).first()
    since = today.replace(month=1, day=1)
    rows: list[Liaison] = []
    others = [c for c in cadres if demo is None or c.pk != demo.pk]
    for i, e in enumerate(enterprises):
        if leaders:
            rows.append(Liaison(enterprise=e, level=LiaisonLevel.LEADER, cadre=leaders[i % len(leaders)], since=since))
        if departments:
            rows.append(
                Liaison(
                    enterprise=e, level=LiaisonLevel.DEPARTMENT, unit=departments[i % len(departments)], since=since
                )
            )
        first = demo if demo is not None and i < 5 else (others[i % len(others)] if others else None)
        if first is not None:
            rows.append(Liaison(enterprise=e, level=LiaisonLevel.CADRE, cadre=first, since=since))
        if others and i % 3 == 0:
            second = others[(i * 7 + 11) % len(others)]
            if second.pk != first.pk if first else True:
                rows.append(Liaison(enterprise=e, level=LiaisonLevel.CADRE, cadre=second, since=since))
    Liaison.objects.bulk_create(rows)
    return len(rows), 0


def _visits(district: Territory, rng: random.Random, today: dt.date) -> tuple[int, int]:
    have = Visit.objects.filter(enterprise__district=district, is_synthetic=True)
    if have.exists():
        return 0, have.count()
    start = today - dt.timedelta(days=29)
    enterprises = list(
        Enterprise.objects.filter(district=district, is_synthetic=True).select_related("grid").order_by("pk")
    )
    cadre_of = dict(
        Liaison.objects.filter(enterprise__in=enterprises, level=LiaisonLevel.CADRE, is_active=True)
        .order_by("enterprise_id", "pk")
        .values_list("enterprise_id", "cadre_id")
    )
    names = dict(Cadre.objects.filter(district=district).values_list("pk", "name"))
    rows: list[Visit] = []
    for e in enterprises:
        if rng.random() > VISIT_SHARE:
            continue
        for _n in range(rng.choice((1, 1, 1, 2))):
            cadre_id = cadre_of.get(e.pk)
            rows.append(
                Visit(
                    enterprise=e,
                    visited_on=start + dt.timedelta(days=rng.randrange(30)),
                    cadre_id=cadre_id,
                    visitors=names.get(cadre_id, "") if cadre_id else "",
                    findings=rng.choice(FINDINGS),
                    is_synthetic=True,
                )
            )
    Visit.objects.bulk_create(rows)
    return len(rows) + _real_problems(district, enterprises, today), 0


def _real_problems(district: Territory, enterprises: list[Enterprise], today: dt.date) -> int:
    """A handful of visits through the real service: each problem a 涉企 case; some closed and rated."""
    user = User.objects.filter(username=DEMO_CADRE).first()
    if user is None:
        return 0
    mine = list(
        Enterprise.objects.filter(liaisons__cadre__user=user, liaisons__is_active=True, district=district)
        .select_related("grid")
        .order_by("pk")
    )
    located = [e for e in enterprises if e.lng is not None and e.pk not in {m.pk for m in mine}]
    targets = (mine + located)[:REAL_PROBLEMS]
    made, closed = 0, 0
    for i, e in enumerate(targets):
        day = today - dt.timedelta(days=min(20, 2 + i * 2))
        at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())
        actor = user if e in mine else SystemActor("demo")
        try:
            visit = visit_record(
                actor=actor,
                enterprise=e,
                visited_on=day,
                findings="查看企业台账，询问企业发展中遇到的困难。",
                problems=[PROBLEMS[i % len(PROBLEMS)]],
                visitors="" if e in mine else "网格员",
                now=at,
            )
        except DomainError:
            continue
        Visit.objects.filter(pk=visit.pk).update(is_synthetic=True)
        Issue.objects.filter(visit=visit).update(is_synthetic=True)
        made += 1
        if closed < CLOSED and _close(visit, at):
            closed += 1
    return made


def _close(visit: Visit, at: dt.datetime) -> bool:
    """Take the visit's case through the closed loop and record the enterprise's rating."""
    from wangge.workorders.services import work_order_transition

    dispatcher = User.objects.filter(username="demo_dispatcher").first()
    handler = User.objects.filter(username="demo_dept_handler").first()
    inspector = User.objects.filter(username="demo_inspector").first()
    if dispatcher is None or handler is None or inspector is None or handler.unit is None:
        return False
    issue = Issue.objects.select_related("work_order", "enterprise__grid").filter(visit=visit).first()
    if issue is None:
        return False
    wo: WorkOrder = issue.work_order
    steps: list[tuple[str, Any, dt.timedelta, dict[str, Any]]] = [
        ("dispatch", dispatcher, dt.timedelta(hours=1), {"unit": handler.unit}),
        ("accept", handler, dt.timedelta(hours=2), {}),
        ("reply", handler, dt.timedelta(days=1), {"text": "已协调相关部门解决", "result": "resolved"}),
        ("verify_pass", inspector, dt.timedelta(days=1, hours=2), {}),
        ("close", dispatcher, dt.timedelta(days=1, hours=4), {}),
    ]
    try:
        for name, who, after, payload in steps:
            work_order_transition(actor=who, work_order_id=wo.pk, name=name, now=at + after, **payload)
        issue_rate(actor=SystemActor("demo"), issue=issue, rating=5, resolved=True, now=at + dt.timedelta(days=2))
    except DomainError:
        return False
    return True


def _service_days(district: Territory, rng: random.Random, today: dt.date) -> tuple[int, int]:
    system = SystemActor("demo")
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    made = service_days_generate(
        actor=system, territory=district, kind=ServiceDayKind.MARKET_DAY, start=first, end=last
    )
    streets = list(Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.STREET).order_by("path"))
    for street in streets:
        made += service_days_generate(
            actor=system, territory=street, kind=ServiceDayKind.MEETING_DAY, start=first, end=last
        )
    days = list(
        ServiceDay.objects.filter(territory__path__startswith=district.path, held_on__gte=first, held_on__lte=today)
        .select_related("territory")
        .order_by("held_on", "pk")
    )
    fresh = [d for d in days if not d.is_synthetic]
    ServiceDay.objects.filter(pk__in=[d.pk for d in fresh]).update(is_synthetic=True)
    cadres = list(Cadre.objects.filter(district=district, is_synthetic=True).values_list("pk", flat=True))
    through_e = ServiceDay.enterprises.through
    through_c = ServiceDay.cadres.through
    e_rows, c_rows = [], []
    for d in fresh:
        pool = list(
            Enterprise.objects.filter(grid__path__startswith=d.territory.path, is_synthetic=True).values_list(
                "pk", flat=True
            )
        )
        for pk in rng.sample(pool, min(len(pool), rng.randint(4, 12))):
            e_rows.append(through_e(serviceday_id=d.pk, enterprise_id=pk))
        for pk in rng.sample(cadres, min(len(cadres), rng.randint(2, 6))):
            c_rows.append(through_c(serviceday_id=d.pk, cadre_id=pk))
    through_e.objects.bulk_create(e_rows)
    through_c.objects.bulk_create(c_rows)
    total = ServiceDay.objects.filter(territory__path__startswith=district.path, held_on__gte=first).count()
    return made, total - made


def _financing(district: Territory, rng: random.Random, today: dt.date) -> tuple[int, int]:
    if FinancingEvent.objects.filter(title=EVENT_TITLE, territory=district).exists():
        return 0, 1
    banks, products = [], []
    for name, names in BANKS:
        bank, _created = Bank.objects.get_or_create(name=name)
        banks.append(bank)
        for p in names:
            product, _created = FinancingProduct.objects.get_or_create(
                bank=bank, name=p, defaults={"kind": "信用贷款", "max_amount": Decimal("1000")}
            )
            products.append(product)
    held = today.replace(day=8) if today.day >= 8 else (today.replace(day=1) - dt.timedelta(days=1)).replace(day=8)
    event = FinancingEvent.objects.create(
        title=EVENT_TITLE,
        held_on=held,
        territory=district,
        place="卫东区企业家之家",
        online=False,
        note="“卫您融”政银企对接：银行推介产品，企业现场对接融资需求。",
        is_synthetic=True,
    )
    event.banks.set(banks)
    event.products.set(products)
    pool = list(Enterprise.objects.filter(district=district, is_synthetic=True).order_by("pk"))
    rows = []
    for e in rng.sample(pool, min(len(pool), 24)):
        need = Decimal(rng.choice((50, 100, 200, 300, 500, 800)))
        intention = rng.choices(list(Intention.values), weights=(2, 4, 4))[0]
        credit = (need * Decimal(rng.choice((0.6, 0.8, 1)))).quantize(Decimal("1")) if intention == "signed" else 0
        bank = rng.choice(banks)
        rows.append(
            FinancingParticipation(
                event=event,
                enterprise=e,
                need_amount=need,
                purpose=rng.choice(("购置设备", "补充流动资金", "扩建厂房", "技术改造")),
                bank=bank if intention != Intention.NONE else None,
                intention=intention,
                credit_granted=Decimal(credit),
                loan_disbursed=(Decimal(credit) * Decimal("0.7")).quantize(Decimal("1")),
                is_synthetic=True,
            )
        )
    FinancingParticipation.objects.bulk_create(rows)
    return 1 + len(rows), 0
