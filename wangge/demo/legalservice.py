"""Demo data of 公共法律服务 for 卫东区 (seed 000): one legal adviser per village/community
(一村（社区）一法律顾问) with their service records of the past year, 500 法律明白人 spread over the grids, a judge,
a prosecutor, a police officer and a lawyer liaising with each community, 10 legal-aid points, 86 legal-aid cases
of the past year in every status with their history, and the consultations of the past three months.

Everything is synthetic (``is_synthetic`` where the model has it) and deterministic (one generator per row kind,
seeded from its key); phone numbers follow the made-up pattern 1xx-0000-xxxx and identity numbers carry a valid
GB 11643 check character. A few communities show gaps for the coverage page: an adviser's appointment that ended
last month, a police liaison transferred away. Rows are written in bulk (the services audit row by row); the step
writes one audit entry naming what it added. It is idempotent: once the district has synthetic advisers it is left
alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from wangge.core import audit
from wangge.core.crypto import blind_index
from wangge.core.validators import id_number_checksum
from wangge.demo.catalogue import WEIDONG
from wangge.demo.layout import strip_suffix
from wangge.demo.people import person_name
from wangge.legalservice.choices import (
    AidMatter,
    AidOutcome,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)
from wangge.legalservice.models import (
    AdviserCommunity,
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidEvent,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.services import DEFAULT_REVIEW_DAYS
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

LITERATES = 500
AID_POINTS = 10
AID_CASES = 86
CONSULTATION_DAYS = 90
ADVISER_GAP_EVERY = 40  # about 2 of 卫东区's 80 communities wait for a new adviser
POLICE_GAP_EVERY = 27  # about 3 wait for a new police liaison
DEMO_CLERK = "演示数据"
LAW_FIRMS = tuple(
    f"平顶山{w}律师事务所（示例）" for w in ("安和", "明理", "正衡", "信达", "鹰城", "平衡", "公信", "恒诚")
)
IDENTITIES = ("村（居）干部", "网格员", "党员", "人民调解员", "楼栋长", "退休教师", "乡贤", "志愿者")
MOBILE_PREFIXES = ("135", "139", "152", "158", "176", "187", "189")
SERVICE_NOTES = {
    ServiceKind.LECTURE: "民法典进社区法治讲座",
    ServiceKind.CONSULTATION: "坐班值守，接待群众法律咨询",
    ServiceKind.CONTRACT_REVIEW: "审查社区物业服务合同",
    ServiceKind.MEDIATION: "参与邻里纠纷调解",
    ServiceKind.DOCUMENT: "为困难群众代写起诉状",
    ServiceKind.GOVERNANCE: "列席居委会会议，审查村（居）规民约",
    ServiceKind.OTHER: "开展普法宣传",
}
TOPICS = {
    AidMatter.WAGES: ("工地务工被拖欠工资如何追讨", "公司倒闭后工资怎么要"),
    AidMatter.WORK_INJURY: ("工伤认定需要哪些材料", "工伤后单位不给报销"),
    AidMatter.FAMILY: ("离婚财产如何分割", "离婚后子女抚养权变更"),
    AidMatter.MAINTENANCE: ("子女不支付赡养费怎么办", "抚养费标准如何确定"),
    AidMatter.TRAFFIC: ("交通事故对方不赔偿", "电动车事故责任认定"),
    AidMatter.MEDICAL: ("医疗纠纷如何鉴定",),
    AidMatter.INJURY: ("邻居饲养的狗咬伤如何索赔", "楼上坠物致伤谁负责"),
    AidMatter.CRIMINAL: ("家属被刑事拘留能否申请法律援助",),
    AidMatter.PROPERTY: ("物业费纠纷", "房屋租赁押金不退"),
    AidMatter.OTHER: ("网购退款纠纷", "借款不还如何起诉"),
}
AID_MATTERS = (
    AidMatter.WAGES,
    AidMatter.WAGES,
    AidMatter.WAGES,
    AidMatter.WORK_INJURY,
    AidMatter.FAMILY,
    AidMatter.MAINTENANCE,
    AidMatter.TRAFFIC,
    AidMatter.INJURY,
    AidMatter.CRIMINAL,
    AidMatter.OTHER,
)


def rng_for(key: str) -> np.random.Generator:
    digest = hashlib.sha256(f"legalservice:{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def fake_mobile(rng: np.random.Generator) -> str:
    """A well-formed mainland mobile number of the made-up pattern 1xx-0000-xxxx."""
    return f"{MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))]}0000{int(rng.integers(0, 10000)):04d}"


def fake_id_number(rng: np.random.Generator, today: dt.date) -> str:
    """A 卫东区 identity number of an adult (18–75), with a valid check character."""
    born = today - dt.timedelta(days=int(rng.integers(18 * 365, 75 * 365)))
    first17 = f"{WEIDONG.code}{born:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
    return first17 + id_number_checksum(first17)


def _at(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime(day.year, day.month, day.day, int(rng.integers(8, 17)), int(rng.integers(0, 60)), tzinfo=tz)


def _working_days_back(today: dt.date, span: int) -> list[dt.date]:
    calendar = get_calendar()
    return [d for d in (today - dt.timedelta(days=n) for n in range(span, 0, -1)) if calendar.is_working_day(d)]


def legalservice_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo's 公共法律服务 rows; returns (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    if LegalAdviser.objects.filter(is_synthetic=True, territory__path__startswith=district.path).exists():
        return 0, 1
    now = timezone.now()
    today = timezone.localdate(now)
    nodes = list(
        Territory.objects.filter(
            path__startswith=district.path,
            kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID],
        ).order_by("code")
    )
    streets = [n for n in nodes if n.kind == TerritoryKind.STREET]
    communities = [n for n in nodes if n.kind == TerritoryKind.COMMUNITY]
    grids = [n for n in nodes if n.kind == TerritoryKind.GRID]
    if not communities or not grids:
        return 0, 0
    street_of = {c.pk: next((s for s in streets if c.path.startswith(s.path)), district) for c in communities}
    counts: dict[str, int] = {}
    with transaction.atomic():
        advisers = _advisers(district, communities, today, counts)
        _literates(grids, today, counts)
        _liaisons(communities, street_of, today, counts)
        points = _points(district, streets, communities, counts)
        _cases(communities, points, advisers, now, counts)
        _consultations(communities, advisers, today, counts)
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        audit.record(actor=actor, action="demo.legalservice_create", note=f"synthetic public legal service: {summary}")
    return sum(counts.values()), 0


def _advisers(
    district: Territory, communities: list[Territory], today: dt.date, counts: dict[str, int]
) -> dict[int, LegalAdviser]:
    """One adviser per community, registered at the district, with about six service records of the past year."""
    rows = []
    for i, community in enumerate(communities):
        rng = rng_for(f"adviser:{community.code}")
        phone = fake_mobile(rng)
        rows.append(
            LegalAdviser(
                name=person_name(f"legal-adviser:{community.code}"),
                law_firm=LAW_FIRMS[int(rng.integers(len(LAW_FIRMS)))],
                licence_no=f"1410420{2008 + int(rng.integers(0, 15))}{i + 1:06d}",
                phone=phone,
                phone_index=blind_index(phone),
                territory=district,
                is_synthetic=True,
            )
        )
    created = LegalAdviser.objects.bulk_create(rows)
    by_licence = {a.licence_no: a for a in created}
    if any(a.pk is None for a in created):  # a backend that does not return the keys
        by_licence = {a.licence_no: a for a in LegalAdviser.objects.filter(licence_no__in=list(by_licence))}
    advisers = {c.pk: by_licence[rows[i].licence_no] for i, c in enumerate(communities)}
    links, services = [], []
    kinds = list(ServiceKind.values)
    days = _working_days_back(today, 365)
    for i, community in enumerate(communities):
        rng = rng_for(f"adviser-service:{community.code}")
        adviser = advisers[community.pk]
        since = today - dt.timedelta(days=int(rng.integers(200, 1100)))
        # One community in ADVISER_GAP_EVERY: the appointment ended last month and awaits a successor.
        until = (
            today - dt.timedelta(days=int(rng.integers(5, 30)))
            if i % ADVISER_GAP_EVERY == ADVISER_GAP_EVERY - 1
            else None
        )
        links.append(AdviserCommunity(adviser=adviser, community=community, since=since, until=until))
        for _n in range(int(rng.integers(4, 9))):
            kind = kinds[int(rng.integers(len(kinds)))]
            services.append(
                AdviserService(
                    adviser=adviser,
                    community=community,
                    date=days[int(rng.integers(len(days)))],
                    kind=kind,
                    attendees=int(rng.integers(20, 80)) if kind == ServiceKind.LECTURE else int(rng.integers(1, 6)),
                    notes=SERVICE_NOTES[ServiceKind(kind)],
                )
            )
    AdviserCommunity.objects.bulk_create(links)
    AdviserService.objects.bulk_create(services)
    counts.update(advisers=len(created), adviser_services=len(services))
    return advisers


def _literates(grids: list[Territory], today: dt.date, counts: dict[str, int]) -> None:
    """500 法律明白人: every grid first, then the rest at random, trained over the past three years."""
    rng = rng_for("literates")
    order = [grids[int(i)] for i in rng.permutation(len(grids))]
    picks = [
        order[i % len(order)] if i < len(order) else order[int(rng.integers(len(order)))] for i in range(LITERATES)
    ]
    rows = []
    for i, grid in enumerate(picks):
        phone = fake_mobile(rng)
        rows.append(
            LegalLiterate(
                name=person_name(f"legal-literate:{i}"),
                grid=grid,
                identity=IDENTITIES[int(rng.integers(len(IDENTITIES)))],
                phone=phone,
                phone_index=blind_index(phone),
                trained_on=today - dt.timedelta(days=int(rng.integers(30, 3 * 365))),
                is_synthetic=True,
            )
        )
    LegalLiterate.objects.bulk_create(rows)
    counts["literates"] = len(rows)


def _liaisons(
    communities: list[Territory], street_of: dict[int, Territory], today: dt.date, counts: dict[str, int]
) -> None:
    """A judge, a prosecutor, a police officer of the street's station and a lawyer for each community."""
    rows = []
    for i, community in enumerate(communities):
        rng = rng_for(f"liaison:{community.code}")
        street = strip_suffix(street_of[community.pk].name)
        since = today - dt.timedelta(days=int(rng.integers(60, 700)))
        institutions = {
            LiaisonRole.JUDGE: f"{WEIDONG.name}人民法院",
            LiaisonRole.PROSECUTOR: f"{WEIDONG.name}人民检察院",
            LiaisonRole.POLICE: f"{street.removesuffix('街道').removesuffix('乡')}派出所",
            LiaisonRole.LAWYER: LAW_FIRMS[int(rng.integers(len(LAW_FIRMS)))],
        }
        # One community in POLICE_GAP_EVERY: its police liaison was transferred and not yet replaced.
        gap = i % POLICE_GAP_EVERY == POLICE_GAP_EVERY - 1
        for role, institution in institutions.items():
            phone = fake_mobile(rng)
            ends = today - dt.timedelta(days=int(rng.integers(3, 20))) if gap and role == LiaisonRole.POLICE else None
            rows.append(
                Liaison(
                    role=role,
                    institution=institution,
                    person_name=person_name(f"legal-liaison:{community.code}:{role}"),
                    phone=phone,
                    phone_index=blind_index(phone),
                    community=community,
                    starts_on=since,
                    ends_on=ends,
                    is_synthetic=True,
                )
            )
    Liaison.objects.bulk_create(rows)
    counts["liaisons"] = len(rows)


def _points(
    district: Territory, streets: list[Territory], communities: list[Territory], counts: dict[str, int]
) -> list[LegalAidPoint]:
    """The district's legal-aid centre's station, one station per street, and contact points in communities up to 10."""
    rows = [
        LegalAidPoint(
            name=f"{WEIDONG.name}法律援助中心工作站",
            kind=AidPointKind.STATION,
            territory=district,
            address=f"{WEIDONG.name}公共法律服务中心一楼",
            opening_hours="工作日 8:30-12:00，14:30-17:30",
            contact_name="值班律师",
            contact_phone="0375-12348",
            is_synthetic=True,
        )
    ]
    for street in streets[: AID_POINTS - 1]:
        rows.append(
            LegalAidPoint(
                name=f"{strip_suffix(street.name)}法律援助工作站",
                kind=AidPointKind.STATION,
                territory=street,
                address=f"{strip_suffix(street.name)}司法所",
                opening_hours="工作日 9:00-17:00",
                is_synthetic=True,
            )
        )
    rng = rng_for("aid-points")
    extra = AID_POINTS - len(rows)
    if extra > 0 and communities:
        for i in rng.choice(len(communities), size=min(extra, len(communities)), replace=False):
            community = communities[int(i)]
            rows.append(
                LegalAidPoint(
                    name=f"{strip_suffix(community.name)}法律援助联络点",
                    kind=AidPointKind.CONTACT,
                    territory=community,
                    address=f"{strip_suffix(community.name)}党群服务中心",
                    opening_hours="工作日 9:00-17:00",
                    is_synthetic=True,
                )
            )
    LegalAidPoint.objects.bulk_create(rows)
    counts["aid_points"] = len(rows)
    return list(LegalAidPoint.objects.filter(is_synthetic=True, territory__path__startswith=district.path))


def _case_plan(age_days: int, rng: np.random.Generator) -> list[str]:
    """The steps a case of this age has gone through (older cases are further along)."""
    if rng.random() < 0.08:
        return ["aid_reject"]
    if age_days < 4:
        return []
    if age_days < 12:
        return ["aid_accept"] if rng.random() < 0.6 else []
    if age_days < 30 and rng.random() < 0.3:
        return []  # still awaiting its review: past the deadline
    if age_days < 90 and rng.random() < 0.7:
        return ["aid_accept", "aid_assign"]
    return ["aid_accept", "aid_assign", "aid_close"]


def _cases(
    communities: list[Territory],
    points: list[LegalAidPoint],
    advisers: dict[int, LegalAdviser],
    now: dt.datetime,
    counts: dict[str, int],
) -> None:
    """86 legal-aid cases received over the past year, each with the history of the steps it went through."""
    rng = rng_for("aid-cases")
    calendar = get_calendar()
    today = timezone.localdate(now)
    working = _working_days_back(today, 365)
    days = sorted(working[int(i)] for i in rng.choice(len(working), AID_CASES))
    per_day: dict[dt.date, int] = {}
    planned: list[tuple[LegalAidCase, list[tuple[str, str, str, dt.datetime, str]]]] = []
    outcomes = list(AidOutcome.values)
    for i, day in enumerate(days):
        community = communities[int(rng.integers(len(communities)))]
        received = _at(day, rng)
        due = calendar.add_working_days(received, DEFAULT_REVIEW_DAYS)
        per_day[day] = per_day.get(day, 0) + 1
        matter = AID_MATTERS[int(rng.integers(len(AID_MATTERS)))]
        id_number = fake_id_number(rng, today)
        phone = fake_mobile(rng)
        case = LegalAidCase(
            code=f"FY{day:%Y%m%d}{9000 + per_day[day]:04d}",  # clear of the codes the service hands out
            territory=community,
            point=points[int(rng.integers(len(points)))] if points else None,
            applicant_name=person_name(f"legal-aid:{i}"),
            applicant_id_number=id_number,
            applicant_id_index=blind_index(id_number),
            applicant_phone=phone,
            applicant_phone_index=blind_index(phone),
            matter=matter,
            summary=f"{TOPICS[AidMatter(matter)][0]}，申请法律援助。",
            received_at=received,
            review_days=DEFAULT_REVIEW_DAYS,
            review_due_at=due.value,
            review_provisional=due.provisional,
            status=AidStatus.APPLIED,
            is_synthetic=True,
        )
        history: list[tuple[str, str, str, dt.datetime, str]] = [
            ("create", "", str(AidStatus.APPLIED), received, case.summary)
        ]
        at = received
        for step in _case_plan((today - day).days, rng):
            at = min(at + dt.timedelta(days=int(rng.integers(1, 9)), hours=int(rng.integers(0, 4))), now)
            before = case.status
            if step == "aid_accept":
                case.status, case.reviewed_at, case.reviewed_on_time = AidStatus.ACCEPTED, at, at <= case.review_due_at
                note = "经审查符合法律援助条件"
            elif step == "aid_reject":
                case.status, case.reviewed_at, case.reviewed_on_time = AidStatus.REJECTED, at, at <= case.review_due_at
                case.rejection_reason = note = "经济状况不符合法律援助条件"
            elif step == "aid_assign":
                adviser = advisers[community.pk]
                case.status, case.assigned_at = AidStatus.ASSIGNED, at
                case.lawyer_name, case.lawyer_firm = adviser.name, adviser.law_firm
                note = f"{adviser.name}（{adviser.law_firm}）"
            else:
                case.status, case.closed_at = AidStatus.CLOSED, at
                case.outcome = outcomes[int(rng.integers(len(outcomes)))]
                note = case.get_outcome_display()
            case.version += 1
            history.append((step, before, case.status, at, note))
        planned.append((case, history))
    LegalAidCase.objects.bulk_create([c for c, _h in planned])
    ids = dict(LegalAidCase.objects.filter(code__in=[c.code for c, _h in planned]).values_list("code", "pk"))
    events = [
        LegalAidEvent(
            case_id=ids[case.code], action=a, from_status=f, to_status=t, at=at, actor_name=DEMO_CLERK, note=note
        )
        for case, history in planned
        for a, f, t, at, note in history
    ]
    LegalAidEvent.objects.bulk_create(events)
    counts.update(aid_cases=len(planned), aid_events=len(events))


def _consultations(
    communities: list[Territory], advisers: dict[int, LegalAdviser], today: dt.date, counts: dict[str, int]
) -> None:
    """About three consultations a working day over the past three months, some referred on."""
    rng = rng_for("consultations")
    channels = list(ConsultChannel.values)
    matters = list(TOPICS)
    rows = []
    for day in [*_working_days_back(today, CONSULTATION_DAYS), today]:
        for _n in range(int(rng.integers(1, 6))):
            community = communities[int(rng.integers(len(communities)))]
            adviser = advisers[community.pk]
            matter = matters[int(rng.integers(len(matters)))]
            roll = rng.random()
            referral = Referral.LEGAL_AID if roll < 0.06 else Referral.MEDIATION if roll < 0.14 else Referral.NONE
            topics = TOPICS[matter]
            rows.append(
                Consultation(
                    territory=community,
                    consulted_on=day,
                    channel=channels[int(rng.integers(len(channels)))],
                    matter=matter,
                    topic=topics[int(rng.integers(len(topics)))],
                    answered_by=adviser.name,
                    adviser=adviser,
                    referral=referral,
                    is_synthetic=True,
                )
            )
    Consultation.objects.bulk_create(rows)
    counts["consultations"] = len(rows)
