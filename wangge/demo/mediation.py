"""Demo data of 矛盾纠纷调解 (三调联动) in 卫东区, at the scale of its 矛盾纠纷多元化解调处中心: about 7,200 disputes
over the three years up to the demo's today, over 97 % resolved, filed by the three cause classes; a 人民调解委员会
in every community and street, the departments' 行政调解 units and the court's 诉前调解, and their mediators.

Everything is synthetic (``is_synthetic=True``) and deterministic for a given today: one ``random.Random``
seeded by the district code draws the disputes in date order. Names are drawn from ordinary surnames and given
names, phone numbers follow the made-up pattern 1xx-0000-xxxx, identity numbers carry a valid GB 11643 check
character. Rows are written in bulk (the services would write and audit row by row, far too slow for seven
thousand disputes): the disputes and everything under them go in as plain rows through ``executemany``
(``_insert``), the model layer's per-value machinery costing more than the database for seventy thousand
rows; the audit log gets one entry naming what was added. The step is idempotent: a district that
already holds demo disputes is left alone.

How the history goes: every dispute is accepted on the day it is found or the next; assigned to its community's
committee (or, for labour, property and traffic disputes, often a department's 行政调解); one to three sessions;
about 3 % fail at 人民调解 and are referred to the court's 诉前调解 (one history, both tracks), most of which end
in an agreement there; about 1 % end referred to litigation or arbitration; those of the last weeks are still
being mediated; agreements older than two weeks have had their 回访.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connections, models, router, transaction
from django.db.models import Max
from django.utils import timezone

from wangge.core import audit
from wangge.core.crypto import blind_index
from wangge.core.fields import ProtectedCharField
from wangge.core.validators import id_number_checksum
from wangge.demo.catalogue import WEIDONG
from wangge.mediation import risk
from wangge.mediation.choices import (
    AgreementKind,
    CauseClass,
    Confirmation,
    DisputeSource,
    DisputeStatus,
    MediatorKind,
    OrganisationKind,
    Outcome,
    PartyKind,
    PartySide,
    RiskLevel,
    Track,
)
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeSession,
    DisputeStint,
    DisputeType,
    MediationOrganisation,
    Mediator,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

DEMO_DISPUTES = 7200
YEARS = 3
BATCH = 2000
SEED = 4104030018
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛"
GIVEN = (
    "建国",
    "秀兰",
    "志强",
    "桂芝",
    "海燕",
    "春生",
    "晓燕",
    "立新",
    "玉梅",
    "红星",
    "振东",
    "雪梅",
    "文涛",
    "淑珍",
    "永旺",
)

# (type key, weight, cause class weights (citizen, organisation, government), typical amount in yuan, titles)
TYPES: dict[str, tuple[int, tuple[int, int, int], int, tuple[str, ...]]] = {
    "neighbour": (
        26,
        (95, 4, 1),
        2000,
        ("楼上漏水致楼下墙面受损", "邻里通道堆物引发争执", "装修噪音扰民纠纷", "宠物伤人赔偿纠纷"),
    ),
    "marriage_family": (
        18,
        (100, 0, 0),
        20000,
        ("赡养老人费用分担纠纷", "离婚后子女抚养费纠纷", "家庭财产分割纠纷", "遗产继承纠纷"),
    ),
    "property_mgmt": (
        14,
        (30, 65, 5),
        5000,
        ("物业费收缴争议", "小区停车位管理纠纷", "电梯维修费用分摊纠纷", "业主与物业服务质量争议"),
    ),
    "labour": (
        12,
        (10, 85, 5),
        30000,
        ("拖欠农民工工资纠纷", "解除劳动合同经济补偿争议", "工伤待遇纠纷", "社保缴纳争议"),
    ),
    "consumer": (7, (20, 78, 2), 3000, ("预付卡退费纠纷", "装修质量纠纷", "网购商品质量纠纷")),
    "traffic": (7, (85, 15, 0), 15000, ("交通事故损害赔偿纠纷", "电动车剐蹭赔偿纠纷")),
    "land_forest": (5, (70, 10, 20), 50000, ("宅基地界址纠纷", "土地承包经营权纠纷")),
    "expropriation": (3, (10, 10, 80), 200000, ("征收补偿安置争议", "拆迁过渡费发放争议")),
    "medical": (3, (20, 75, 5), 40000, ("诊疗损害赔偿纠纷", "医疗费用争议")),
    "other": (5, (70, 20, 10), 5000, ("合伙经营纠纷", "民间借贷纠纷", "房屋租赁纠纷")),
}
CAUSES = (CauseClass.CITIZEN, CauseClass.ORGANISATION, CauseClass.GOVERNMENT)
SOURCES = (
    (DisputeSource.PATROL, 52),
    (DisputeSource.HOTLINE, 18),
    (DisputeSource.WALK_IN, 16),
    (DisputeSource.POLICE, 7),
    (DisputeSource.COURT, 4),
    (DisputeSource.PETITION, 3),
)
# Types that a department's 行政调解 often takes, and which department.
ADMINISTRATIVE: dict[str, str] = {
    "labour": "卫东区人力资源和社会保障局劳动争议调解",
    "property_mgmt": "卫东区住房和城乡建设局物业纠纷调解",
    "traffic": "平顶山市公安局卫东分局交通事故调解",
    "consumer": "卫东区市场监督管理局消费纠纷调解",
}
COURT = "卫东区人民法院诉前调解中心"
TERMS = (
    "双方自愿达成如下协议：一、被申请人于协议签订之日起十日内一次性支付申请人相关款项；二、双方就本纠纷再无其他争议。"
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"410403{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_number_checksum(first17)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10)}0000{rng.randrange(10000):04d}"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _instant(day: dt.date, rng: random.Random) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(8 + rng.randrange(0, 9), rng.randrange(0, 60)), tzinfo=tz)


def _register(district: Territory) -> tuple[dict[str, MediationOrganisation], dict[str, list[Mediator]], int]:
    """The organisations and mediators: per community and street, the departments and the court."""
    rng = random.Random(SEED + 1)
    streets = list(Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.STREET).order_by("path"))
    communities = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.COMMUNITY).order_by("path")
    )
    orgs: list[MediationOrganisation] = []
    for street in streets:
        orgs.append(
            MediationOrganisation(
                name=f"{street.name}人民调解委员会",
                kind=OrganisationKind.STREET_COMMITTEE,
                territory=street,
                is_synthetic=True,
            )
        )
    for community in communities:
        orgs.append(
            MediationOrganisation(
                name=f"{community.name}人民调解委员会",
                kind=OrganisationKind.COMMUNITY_COMMITTEE,
                territory=community,
                is_synthetic=True,
            )
        )
    for name in ADMINISTRATIVE.values():
        orgs.append(
            MediationOrganisation(
                name=name, kind=OrganisationKind.ADMINISTRATIVE, territory=district, is_synthetic=True
            )
        )
    orgs.append(MediationOrganisation(name=COURT, kind=OrganisationKind.COURT, territory=district, is_synthetic=True))
    orgs.append(
        MediationOrganisation(
            name="卫东区矛盾纠纷多元化解调处中心",
            kind=OrganisationKind.INDUSTRY_COMMITTEE,
            territory=district,
            is_synthetic=True,
        )
    )
    MediationOrganisation.objects.bulk_create(orgs)
    by_key: dict[str, MediationOrganisation] = {
        o.territory.path
        if o.kind in (OrganisationKind.STREET_COMMITTEE, OrganisationKind.COMMUNITY_COMMITTEE)
        else o.name: o
        for o in orgs
    }
    plan: list[tuple[MediationOrganisation, str, str]] = []
    for org in orgs:
        if org.kind == OrganisationKind.COMMUNITY_COMMITTEE:
            kinds = [MediatorKind.PART_TIME, MediatorKind.ELDERS, MediatorKind.LEGAL_LITERATE]
        elif org.kind == OrganisationKind.STREET_COMMITTEE:
            kinds = [MediatorKind.FULL_TIME, MediatorKind.FULL_TIME, MediatorKind.LAWYER, MediatorKind.DEPUTY]
        elif org.kind == OrganisationKind.COURT:
            kinds = [MediatorKind.FULL_TIME, MediatorKind.LAWYER, MediatorKind.LAWYER, MediatorKind.DEPUTY]
        else:
            kinds = [MediatorKind.FULL_TIME, MediatorKind.PART_TIME]
        for kind in kinds:
            title = {
                MediatorKind.ELDERS: rng.choice(("退休教师", "退休干部", "老党员", "乡贤")),
                MediatorKind.DEPUTY: rng.choice(("区人大代表", "区政协委员", "市党代表")),
                MediatorKind.LAWYER: "律师事务所执业律师",
                MediatorKind.LEGAL_LITERATE: "法律明白人",
            }.get(kind, "")
            plan.append((org, kind, title))
    mediators = [
        Mediator(organisation=org, name=_name(rng), kind=kind, title=title, phone=_phone(rng), is_synthetic=True)
        for org, kind, title in plan
    ]
    Mediator.objects.bulk_create(mediators)
    through = Mediator.communities.through
    links = []
    community_of_street: dict[str, list[Territory]] = {}
    for c in communities:
        community_of_street.setdefault(c.path[: len(c.path) - Territory.steplen], []).append(c)
    for m in mediators:
        org = m.organisation
        if org.kind == OrganisationKind.COMMUNITY_COMMITTEE:
            served = [org.territory]
        elif org.kind == OrganisationKind.STREET_COMMITTEE:
            served = community_of_street.get(org.territory.path, [])
        else:
            served = rng.sample(communities, min(3, len(communities)))
        links += [through(mediator_id=m.pk, territory_id=c.pk) for c in served]
    through.objects.bulk_create(links)
    by_org: dict[str, list[Mediator]] = {}
    for key, org in by_key.items():
        by_org[key] = [m for m in mediators if m.organisation_id == org.pk]
    return by_key, by_org, len(orgs) + len(mediators)


def mediation_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo's 矛盾纠纷调解 rows; returns (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    existing = Dispute.objects.filter(is_synthetic=True, grid__path__startswith=district.path).count()
    if existing:
        return 0, existing
    grids = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID)
        .only("pk", "path", "name", "centroid_lng", "centroid_lat")
        .order_by("path")
    )
    types = {t.key: t for t in DisputeType.objects.all()}
    if not grids or not types:
        return 0, 0
    with transaction.atomic():
        orgs, mediators, register_rows = _register(district)
        written = _disputes(district, grids, types, orgs, mediators)
        audit.record(
            actor=actor,
            action="demo.mediation_seed",
            note=f"synthetic mediation register ({register_rows} organisations and mediators) and "
            f"{written['disputes']} disputes of {district.name}: {written}",
        )
    return register_rows + written["disputes"], 0


def _converter(field: Any, connection: Any) -> Callable[[Any], Any]:
    """How one column's Python value becomes its database value (what ``Model.save`` would do, without the
    per-value dispatch): encrypted for a protected field, adapted for dates, decimals and JSON."""
    ops = connection.ops
    if isinstance(field, ProtectedCharField):
        return field.get_prep_value
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return lambda v: v


def _defaults(model: type[models.Model], now: dt.datetime) -> dict[str, Any]:
    """A row of ``model`` with every column at its default (the time stamps at ``now``), keyed by attname."""
    row = {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
    for name in ("created_at", "updated_at"):
        if name in row:
            row[name] = now
    return row


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (attname → value, all with the same keys) in batches."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    names = list(rows[0])
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    convert = [_converter(f, connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.executemany(sql, [tuple(c(row[n]) for c, n in zip(convert, names, strict=True)) for row in batch])
        if "id" in names:  # explicit ids: move the sequence past them (PostgreSQL; nothing to do on SQLite)
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)


def _event(dispute: dict[str, Any], base: dict[str, Any], action: str, at: dt.datetime, **kw: Any) -> dict[str, Any]:
    return {**base, "dispute_id": dispute["id"], "action": action, "at": at, "actor_name": "演示数据", **kw}


def _disputes(
    district: Territory,
    grids: list[Territory],
    types: dict[str, DisputeType],
    orgs: dict[str, MediationOrganisation],
    mediators: dict[str, list[Mediator]],
) -> dict[str, int]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    first = _years_before(today, YEARS)
    span = (today - first).days
    type_keys = [k for k in TYPES if k in types]
    type_weights = [TYPES[k][0] for k in type_keys]
    sources, source_weights = zip(*SOURCES, strict=True)
    street_width = len(district.path) + Territory.steplen
    community_width = street_width + Territory.steplen
    court = orgs[COURT]
    court_pool = mediators.get(COURT) or []
    days = sorted(first + dt.timedelta(days=rng.randrange(0, span + 1)) for _ in range(DEMO_DISPUTES))
    seq: Counter[dt.date] = Counter()
    next_id = (Dispute.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    base = {
        "dispute": _defaults(Dispute, now),
        "party": _defaults(DisputeParty, now),
        "stint": _defaults(DisputeStint, now),
        "session": _defaults(DisputeSession, now),
        "event": _defaults(DisputeEvent, now),
    }
    disputes: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []
    stints: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    tally: Counter[str] = Counter()
    for day in days:
        key = rng.choices(type_keys, type_weights)[0]
        _weight, cause_weights, typical, titles = TYPES[key]
        cause = rng.choices(CAUSES, cause_weights)[0]
        grid = rng.choice(grids)
        found = _instant(day, rng)
        if found > now:
            found = now - dt.timedelta(hours=1)
        seq[day] += 1
        party_count = 2 if rng.random() < 0.9 else rng.randrange(3, 7)
        people = party_count if rng.random() < 0.85 else party_count + rng.randrange(1, 40)
        violence = rng.random() < 0.01
        petition = rng.random() < 0.03
        repeat = rng.random() < 0.04
        assessed = risk.assess(
            declared=RiskLevel.LOW,
            party_count=party_count,
            people_count=people,
            threat_of_violence=violence,
            petition_risk=petition,
            is_repeat=repeat,
        )
        accepted = min(found + dt.timedelta(hours=rng.randrange(1, 30)), now - dt.timedelta(minutes=50))
        admin_org = ADMINISTRATIVE.get(key)
        if admin_org and rng.random() < 0.4:
            track, org = Track.ADMINISTRATIVE, orgs[admin_org]
        else:
            track = Track.PEOPLE
            org = orgs.get(grid.path[:community_width]) or orgs[grid.path[:street_width]]
        pool = mediators.get(org.territory.path if track == Track.PEOPLE else org.name) or []
        mediator = rng.choice(pool) if pool else None
        title = rng.choice(titles)
        d = {
            **base["dispute"],
            "id": next_id,
            "code": f"TJ{day:%Y%m%d}{seq[day]:04d}",
            "title": title,
            "description": f"{title}，当事人{party_count}方，涉及{people}人，经{grid.name}网格员排查发现。",
            "source": rng.choices(sources, source_weights)[0],
            "cause_class": cause,
            "type_id": types[key].pk,
            "amount": Decimal(int(typical * rng.uniform(0.2, 2.5))) if rng.random() < 0.8 else None,
            "people_count": people,
            "party_count": party_count,
            "threat_of_violence": violence,
            "petition_risk": petition,
            "is_repeat": repeat,
            "declared_risk": RiskLevel.LOW,
            "risk_level": assessed.level,
            "risk_reasons": assessed.reasons,
            "grid_id": grid.pk,
            "lng": grid.centroid_lng,
            "lat": grid.centroid_lat,
            "address": f"{grid.name}辖区",
            "found_at": found,
            "registered_by_name": "演示数据",
            "status": DisputeStatus.MEDIATING,
            "accepted_at": accepted,
            "track": track,
            "organisation_id": org.pk,
            "mediator_id": mediator.pk if mediator else None,
            "time_limit_days": 30,
            "due_at": accepted + dt.timedelta(days=30),
            "is_synthetic": True,
        }
        next_id += 1
        disputes.append(d)
        for i in range(party_count):
            person = (i < 2 or rng.random() < 0.7) and not (cause != CauseClass.CITIZEN and i == 1)
            number = _id_number(rng) if person else ""
            phone = _phone(rng)
            firm = f"{grid.name}某{rng.choice(('物业公司', '建筑公司', '商贸公司'))}"
            parties.append(
                {
                    **base["party"],
                    "dispute_id": d["id"],
                    "side": PartySide.APPLICANT if i == 0 else PartySide.RESPONDENT if i == 1 else PartySide.THIRD,
                    "kind": PartyKind.PERSON if person else PartyKind.ORGANISATION,
                    "name": _name(rng) if person else firm,
                    "id_number": number,
                    "id_number_index": blind_index(number),
                    "phone": phone,
                    "phone_index": blind_index(phone),
                }
            )
        event = base["event"]
        events.append(_event(d, event, "register", found, to_status=DisputeStatus.REGISTERED, note=title))
        events.append(
            _event(d, event, "accept", accepted, from_status=DisputeStatus.REGISTERED, to_status=DisputeStatus.ACCEPTED)
        )
        assigned = min(accepted + dt.timedelta(hours=2), now - dt.timedelta(minutes=40))
        events.append(
            _event(
                d,
                event,
                "assign",
                assigned,
                from_status=DisputeStatus.ACCEPTED,
                to_status=DisputeStatus.MEDIATING,
                data={"track": track, "organisation": org.name, "mediator": mediator.name if mediator else ""},
            )
        )
        ends = min(assigned + dt.timedelta(days=rng.randrange(2, 28)), now - dt.timedelta(minutes=30))
        stint = {
            **base["stint"],
            "dispute_id": d["id"],
            "track": track,
            "organisation_id": org.pk,
            "mediator_id": d["mediator_id"],
            "started_at": assigned,
        }
        stints.append(stint)
        sessions.append(
            {
                **base["session"],
                "dispute_id": d["id"],
                "held_on": timezone.localtime(assigned + (ends - assigned) / 2).date(),
                "place": f"{org.name}调解室",
                "attendees": "双方当事人、调解员",
                "notes": "听取双方陈述，释法说理，引导协商。",
            }
        )
        roll = rng.random()
        if (now - accepted).days < 25 and roll < 0.35:
            tally["open"] += 1
            continue
        if roll < 0.04:  # 调解不成: to litigation, or on to the court's 诉前调解
            stint.update(ended_at=ends, outcome="failed")
            events.append(
                _event(
                    d,
                    event,
                    "fail",
                    ends,
                    from_status=DisputeStatus.MEDIATING,
                    to_status=DisputeStatus.FAILED,
                    note="双方分歧较大，调解不成",
                )
            )
            moved = min(ends + dt.timedelta(hours=3), now - dt.timedelta(minutes=20))
            if roll < 0.01:
                d.update(status=DisputeStatus.REFERRED, outcome=Outcome.LITIGATION, closed_at=moved)
                events.append(
                    _event(
                        d,
                        event,
                        "refer",
                        moved,
                        from_status=DisputeStatus.FAILED,
                        to_status=DisputeStatus.REFERRED,
                        data={"referral": "litigation"},
                    )
                )
                tally["litigation"] += 1
                continue
            judge = rng.choice(court_pool) if court_pool else None
            events.append(
                _event(
                    d,
                    event,
                    "refer",
                    moved,
                    from_status=DisputeStatus.FAILED,
                    to_status=DisputeStatus.MEDIATING,
                    data={"referral": "judicial", "track": Track.JUDICIAL, "organisation": court.name},
                )
            )
            stint = {
                **base["stint"],
                "dispute_id": d["id"],
                "track": Track.JUDICIAL,
                "organisation_id": court.pk,
                "mediator_id": judge.pk if judge else None,
                "started_at": moved,
            }
            stints.append(stint)
            d.update(
                track=Track.JUDICIAL,
                organisation_id=court.pk,
                mediator_id=stint["mediator_id"],
                due_at=moved + dt.timedelta(days=30),
            )
            tally["referred"] += 1
            ends = min(moved + dt.timedelta(days=rng.randrange(3, 25)), now - dt.timedelta(minutes=10))
            if ends <= moved:
                continue
        written = d["track"] == Track.JUDICIAL or rng.random() < 0.7
        outcome = Outcome.WRITTEN if written else Outcome.ORAL
        stint.update(ended_at=ends, outcome=outcome)
        d.update(
            status=DisputeStatus.RESOLVED,
            outcome=outcome,
            agreement_kind=AgreementKind.WRITTEN if written else AgreementKind.ORAL,
            agreement_terms=TERMS if written else "",
            agreement_no=f"{d['code']}-XY" if written else "",
            resolved_at=ends,
        )
        events.append(
            _event(
                d,
                event,
                "agree",
                ends,
                from_status=DisputeStatus.MEDIATING,
                to_status=DisputeStatus.RESOLVED,
                data={"agreement_kind": d["agreement_kind"], "track": d["track"]},
            )
        )
        if written and d["track"] == Track.JUDICIAL:
            d.update(
                confirmation=Confirmation.CONFIRMED,
                confirmation_requested_at=ends + dt.timedelta(days=1),
                confirmation_decided_at=ends + dt.timedelta(days=8),
            )
        tally["resolved"] += 1
        if now - ends > dt.timedelta(days=14):
            visited = ends + dt.timedelta(days=rng.randrange(7, 14))
            d.update(
                followed_up_at=visited, performed=rng.random() < 0.97, closed_at=visited, status=DisputeStatus.CLOSED
            )
            events.append(
                _event(
                    d,
                    event,
                    "follow_up",
                    visited,
                    from_status=DisputeStatus.RESOLVED,
                    to_status=DisputeStatus.CLOSED,
                    data={"performed": d["performed"]},
                )
            )
    for d in disputes:  # the open high-risk ones went to the command centre, which put them under 督办
        if d["status"] in (DisputeStatus.MEDIATING, DisputeStatus.FAILED) and d["risk_level"] == RiskLevel.HIGH:
            d.update(escalated_at=d["accepted_at"], supervised=True, supervised_at=d["accepted_at"])
    _insert(Dispute, disputes)
    _insert(DisputeParty, parties)
    _insert(DisputeStint, stints)
    _insert(DisputeSession, sessions)
    _insert(DisputeEvent, events)
    return {"disputes": len(disputes), "parties": len(parties), "events": len(events), **tally}
