"""The demo's 五本台账: buildings, households and residents, merchants, hazard findings and key persons.

Everything is synthetic (``is_synthetic=True``) and deterministic: each grid draws from a generator seeded
by its code, and the identity numbers and credit codes are kept unique over the whole plan, which is built
in grid-code order (so the default plan is a prefix of the full one). Names are made of ordinary surnames
and given names from short fixed lists, phone numbers follow the obviously made-up pattern 1xx-0000-xxxx,
identity numbers carry a valid GB 11643 check digit and credit codes a valid GB 32100 check character.

The step is idempotent: a grid that already holds demo households is left alone (only the coordinates of
its buildings and merchants are moved back inside it when the territory changed, e.g. after switching to
the real boundaries); hazard findings are keyed by code; the key persons are built once. Rows are written
in bulk (the services would audit and encrypt row by row, far too slow for ten thousand residents); the
audit log gets one entry per run that wrote anything, naming what was added.

By default the ledgers cover 华西社区 and the rest of its street (优越路街道); ``--ledgers-full`` covers every
grid of 卫东区.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from shapely.geometry import LineString, shape
from shapely.geometry.base import BaseGeometry

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core import audit
from wangge.core.crypto import blind_index
from wangge.core.validators import credit_code_check_character, id_number_checksum
from wangge.demo.catalogue import WEIDONG, unit_code
from wangge.demo.layout import SYNTHETIC_SUFFIX, sample_points, strip_suffix
from wangge.demo.services import DemoOptions, StepResult
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardEvent, HazardFinding, HazardType
from wangge.keypersons.choices import AttentionLevel, KeyPersonStatus, VisitMethod
from wangge.keypersons.models import KeyPerson, KeyPersonCategory, KeyPersonVisit
from wangge.ledgers.choices import (
    Gender,
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    MoveKind,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident, ResidentTag
from wangge.places.models import Point
from wangge.surveys.models import FormSubmission, FormTemplate
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

LEDGER_STREET = f"{WEIDONG.code}001"  # 优越路街道
LEDGER_COMMUNITY = f"{LEDGER_STREET}001"  # 华西社区: denser, and where the key persons and most hazards are
# Birth dates are drawn back from this fixed day, so the plan does not change with the day it is built.
REFERENCE_DAY = dt.date(2025, 7, 1)
DEMO_CLERK = "演示数据"  # who the register entries name as having recorded a resident

# Ordinary surnames and given names, combined at random. The given names are two characters each, picked
# so that no combination is the name of a well-known public figure (single-character given names are left
# out for that reason: they collide with famous names far too easily).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛"
GIVEN_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    # (generation, gender): born before 1970, 1970–1994, from 1995
    ("old", "M"): ("书林", "广福", "庆丰", "德厚", "长顺", "春生", "满仓", "保全", "新民", "庆祥", "学文", "树森"),
    ("old", "F"): ("秀兰", "桂芝", "玉梅", "凤芝", "淑珍", "素芬", "月娥", "秀珍", "桂香", "玉芬"),
    ("mid", "M"): ("永旺", "立新", "志远", "振东", "洪亮", "建业", "海军", "红星", "春雷", "文涛"),
    ("mid", "F"): ("春梅", "春燕", "晓燕", "雅琴", "雪梅", "晓琳", "玉霞", "红梅", "艳玲", "海燕"),
    ("young", "M"): ("浩宇", "梓轩", "思远", "子墨", "明轩", "俊熙", "嘉禾", "晨阳", "宇航", "沐阳"),
    ("young", "F"): ("佳怡", "雨涵", "欣怡", "梓涵", "诗琪", "静怡", "婉婷", "思琪", "语桐", "可馨"),
}
MOBILE_PREFIXES = ("135", "139", "152", "158", "176", "187", "189")
LANDLINE_AREA = "0375"  # 平顶山
# Region codes of the floating population's identity numbers (other parts of 平顶山).
FLOATING_REGIONS = ("410402", "410404", "410411", "410421", "410422", "410423", "410425", "410481", "410482")
ROADS = ("优越路", "建设路", "光明路", "五一路", "东环路", "东安路", "开源路", "平安大道", "团结路", "和平路")
PROPERTY_COMPANIES = ("安居", "康华", "宏达", "鑫源", "恒泰", "锦程", "佳园", "润泽")
ESTATE_SUFFIXES = ("花园", "家园", "小区", "新村", "苑", "雅居")


# --- identifiers ---------------------------------------------------------------------------------------------


def fake_mobile(rng: np.random.Generator) -> str:
    """A well-formed mainland mobile number of the made-up pattern 1xx-0000-xxxx."""
    prefix = MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))]
    return f"{prefix}0000{int(rng.integers(0, 10000)):04d}"


def fake_landline(rng: np.random.Generator) -> str:
    """A 平顶山 landline that cannot be dialled (local numbers never start with 0)."""
    return f"{LANDLINE_AREA}-0{int(rng.integers(0, 1_000_000)):06d}"


class UniqueIdentifiers:
    """Draws identity numbers and credit codes, never the same one twice in a plan."""

    def __init__(self) -> None:
        self.id_numbers: set[str] = set()
        self.credit_codes: set[str] = set()

    def id_number(self, rng: np.random.Generator, region: str, birth: dt.date, gender: str) -> str:
        """GB 11643: region (6), birth date (8), order code (3, odd for men), check digit."""
        for _ in range(1000):
            order = int(rng.integers(0, 500)) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{order:03d}"
            number = first17 + id_number_checksum(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
        raise RuntimeError(f"no free identity number for {region} {birth}")  # 500 people born the same day

    def credit_code(self, rng: np.random.Generator, prefix: str, region: str) -> str:
        """GB 32100: registration authority and type (2), region (6), organisation code (9, with its
        GB 11714 check character), check character."""
        for _ in range(1000):
            body = "".join(ORG_ALPHABET[int(i)] for i in rng.integers(0, len(ORG_ALPHABET), 8))
            first17 = f"{prefix}{region}{body}{organisation_code_check(body)}"
            code = first17 + credit_code_check_character(first17)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code
        raise RuntimeError("no free credit code")


ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the GB 32100 alphabet (no I, O, S, V, Z)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body: str) -> str:
    """The GB 11714 check character of an eight-character organisation code body."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def rng_for(key: str) -> np.random.Generator:
    digest = hashlib.sha256(f"ledgers:{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


# --- the plan --------------------------------------------------------------------------------------------------


@dataclass
class PlannedPerson:
    name: str
    id_number: str
    gender: str
    birth: dt.date
    phone: str
    relation: str
    residence_type: str
    tags: list[str] = field(default_factory=list)


@dataclass
class PlannedHousehold:
    code: str
    building_code: str | None
    unit_no: str
    room: str
    house_no: str
    address: str
    use: str
    members: list[PlannedPerson]
    registered: dt.date


@dataclass
class PlannedBuilding:
    code: str
    name: str
    estate_code: str | None
    address: str
    floors: int
    units: int
    lng: float
    lat: float
    head_name: str
    head_phone: str


@dataclass
class PlannedMerchant:
    name: str
    credit_code: str
    kind: str
    industry: str
    address: str
    lng: float
    lat: float
    responsible_person: str
    contact_phone: str
    licence_issued: dt.date
    licence_expires: dt.date | None
    status: str


@dataclass
class PlannedEstate:
    code: str
    name: str
    address: str
    property_company: str
    property_contact: str
    owners_committee: str


@dataclass
class GridPlan:
    grid: Territory
    estates: list[PlannedEstate]
    buildings: list[PlannedBuilding]
    households: list[PlannedHousehold]
    merchants: list[PlannedMerchant]
    moves: int  # residents who move to another household of the grid
    departures: int  # residents who moved away (archived)
    deaths: int  # residents who died (archived)


@dataclass
class GridContext:
    """What the plan of one grid needs to know about where it is."""

    grid: Territory
    outline: BaseGeometry
    index_in_community: int  # 0-based position of the grid in its community
    community_code: str
    community_name: str  # without the synthetic suffix
    street_name: str
    district_name: str
    dense: bool  # 华西社区: more buildings and households
    village: bool  # a 村: households at house numbers, no blocks of flats

    @property
    def community_stem(self) -> str:
        for suffix in ("社区", "村"):
            if self.community_name.endswith(suffix):
                return self.community_name[: -len(suffix)]
        return self.community_name

    @property
    def place(self) -> str:
        return f"{self.district_name}{self.street_name}{self.community_name}"


def person_name(rng: np.random.Generator, gender: str, birth: dt.date, surname: str | None = None) -> str:
    generation = "old" if birth.year < 1970 else "mid" if birth.year < 1995 else "young"
    given = GIVEN_NAMES[(generation, gender)]
    return (surname or SURNAMES[int(rng.integers(len(SURNAMES)))]) + given[int(rng.integers(len(given)))]


def _birth(rng: np.random.Generator, age_from: int, age_to: int) -> dt.date:
    days = int(rng.integers(age_from * 365 + 1, age_to * 365 + 300))
    return REFERENCE_DAY - dt.timedelta(days=days)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class PeoplePlanner:
    """Composes households of plausible people (ages, relations, residence types, tags)."""

    def __init__(self, ids: UniqueIdentifiers, today: dt.date) -> None:
        self.ids = ids
        self.today = today

    def person(
        self,
        rng: np.random.Generator,
        *,
        gender: str,
        ages: tuple[int, int],
        relation: str,
        residence_type: str,
        surname: str | None = None,
    ) -> PlannedPerson:
        birth = _birth(rng, *ages)
        region = (
            WEIDONG.code
            if residence_type in (ResidenceType.REGISTERED, ResidenceType.RESIDENT)
            else FLOATING_REGIONS[int(rng.integers(len(FLOATING_REGIONS)))]
        )
        age = _age(birth, self.today)
        return PlannedPerson(
            name=person_name(rng, gender, birth, surname),
            id_number=self.ids.id_number(rng, region, birth, gender),
            gender=gender,
            birth=birth,
            phone=fake_mobile(rng) if age >= 16 else "",
            relation=relation,
            residence_type=residence_type,
        )

    def household(self, rng: np.random.Generator) -> tuple[str, list[PlannedPerson]]:
        """(use, members) of one household, head first."""
        kind = rng.choice(
            ["alone_elderly", "elderly_couple", "family", "three_generations", "left_behind", "young", "tenants"],
            p=[0.06, 0.12, 0.42, 0.14, 0.02, 0.12, 0.12],
        )
        m, f = Gender.MALE, Gender.FEMALE
        reg = ResidenceType.REGISTERED
        people: list[PlannedPerson] = []
        use = str(HouseholdUse.OWNER)
        if kind == "alone_elderly":
            head = self.person(
                rng,
                gender=str(rng.choice([m, f], p=[0.35, 0.65])),
                ages=(66, 92),
                relation=Relation.HEAD,
                residence_type=reg,
            )
            head.tags.append("living_alone_elderly")
            people.append(head)
        elif kind == "elderly_couple":
            head = self.person(rng, gender=m, ages=(62, 88), relation=Relation.HEAD, residence_type=reg)
            spouse = self.person(rng, gender=f, ages=(60, 86), relation=Relation.SPOUSE, residence_type=reg)
            head.tags.append("empty_nest_elderly")
            spouse.tags.append("empty_nest_elderly")
            people += [head, spouse]
        elif kind in ("family", "three_generations"):
            head = self.person(rng, gender=m, ages=(30, 56), relation=Relation.HEAD, residence_type=reg)
            surname = head.name[0]
            people.append(head)
            people.append(self.person(rng, gender=f, ages=(28, 54), relation=Relation.SPOUSE, residence_type=reg))
            head_age = _age(head.birth, REFERENCE_DAY)
            for _ in range(int(rng.choice([1, 1, 2, 2, 3], p=[0.3, 0.25, 0.25, 0.15, 0.05]))):
                oldest = max(1, min(head_age - 22, 30))
                people.append(
                    self.person(
                        rng,
                        gender=str(rng.choice([m, f])),
                        ages=(0, oldest),
                        relation=Relation.CHILD,
                        residence_type=reg,
                        surname=surname,
                    )
                )
            if kind == "three_generations":
                grandfather = rng.random() < 0.6
                if grandfather:
                    people.append(
                        self.person(
                            rng,
                            gender=m,
                            ages=(head_age + 22, min(head_age + 38, 95)),
                            relation=Relation.PARENT,
                            residence_type=reg,
                            surname=surname,
                        )
                    )
                people.append(
                    self.person(
                        rng,
                        gender=f,
                        ages=(head_age + 20, min(head_age + 36, 95)),
                        relation=Relation.PARENT,
                        residence_type=reg,
                    )
                )
        elif kind == "left_behind":
            # grandparents raising grandchildren whose parents work elsewhere (留守儿童)
            head = self.person(rng, gender=m, ages=(58, 75), relation=Relation.HEAD, residence_type=reg)
            surname = head.name[0]
            people.append(head)
            people.append(self.person(rng, gender=f, ages=(56, 73), relation=Relation.SPOUSE, residence_type=reg))
            for _ in range(int(rng.integers(1, 3))):
                child = self.person(
                    rng,
                    gender=str(rng.choice([m, f])),
                    ages=(4, 15),
                    relation=Relation.GRANDCHILD,
                    residence_type=reg,
                    surname=surname,
                )
                child.tags.append("left_behind_child")
                people.append(child)
        elif kind == "young":
            head = self.person(
                rng,
                gender=str(rng.choice([m, f])),
                ages=(23, 34),
                relation=Relation.HEAD,
                residence_type=ResidenceType.RESIDENT,
            )
            people.append(head)
            if rng.random() < 0.5:
                other = Gender.FEMALE if head.gender == Gender.MALE else Gender.MALE
                people.append(
                    self.person(
                        rng,
                        gender=other,
                        ages=(23, 34),
                        relation=Relation.SPOUSE,
                        residence_type=ResidenceType.RESIDENT,
                    )
                )
        else:  # tenants from elsewhere: 流动人口, sometimes with a lodger (寄住)
            use = str(HouseholdUse.RENTED)
            head = self.person(
                rng,
                gender=str(rng.choice([m, f])),
                ages=(20, 45),
                relation=Relation.HEAD,
                residence_type=ResidenceType.FLOATING,
            )
            people.append(head)
            for _ in range(int(rng.integers(0, 3))):
                lodger = rng.random() < 0.3
                people.append(
                    self.person(
                        rng,
                        gender=str(rng.choice([m, f])),
                        ages=(18, 40),
                        relation=Relation.OTHER if lodger else Relation.TENANT,
                        residence_type=ResidenceType.LODGING if lodger else ResidenceType.FLOATING,
                    )
                )
        self._tag(rng, people)
        return use, people

    def _tag(self, rng: np.random.Generator, people: Sequence[PlannedPerson]) -> None:
        """The groups grid workers look after, in roughly the proportions of an urban community."""
        head = people[0]
        if rng.random() < 0.025:
            head.tags.append("dibao")
        elif rng.random() < 0.004:
            head.tags.append("tekun")
        for p in people:
            age = _age(p.birth, self.today)
            if age >= 80:
                p.tags.append("elderly_80")
            if rng.random() < 0.02:
                p.tags.append("disabled")
            if age >= 18:
                if p.gender == Gender.MALE and 22 <= age <= 75 and rng.random() < 0.04:
                    p.tags.append("veteran")
                if rng.random() < 0.07:
                    p.tags.append("party_member")
                if age <= 70 and rng.random() < 0.05:
                    p.tags.append("volunteer")
                if age <= 55 and rng.random() < 0.02:
                    p.tags.append("unemployed")
                if p.gender == Gender.FEMALE and 22 <= age <= 38 and rng.random() < 0.03:
                    p.tags.append("pregnant")


def _spread_points(region: BaseGeometry, n: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``n`` points inside ``region``, well apart: farthest-point picks among random candidates."""
    if n <= 0:
        return []
    candidates = sample_points(region, max(12 * n, 24), rng)
    rep = region.representative_point()
    first = int(np.argmin(np.hypot(candidates[:, 0] - rep.x, candidates[:, 1] - rep.y)))
    picked = [first]
    nearest = np.hypot(candidates[:, 0] - candidates[first, 0], candidates[:, 1] - candidates[first, 1])
    while len(picked) < n:
        nxt = int(np.argmax(nearest))
        picked.append(nxt)
        nearest = np.minimum(
            nearest, np.hypot(candidates[:, 0] - candidates[nxt, 0], candidates[:, 1] - candidates[nxt, 1])
        )
    return [(round(float(candidates[i, 0]), 7), round(float(candidates[i, 1]), 7)) for i in picked]


def _inner(outline: BaseGeometry) -> BaseGeometry:
    """The grid less a margin of about 15 m, so no rounding puts a building over the border."""
    inner = outline.buffer(-1.5e-4)
    return outline if inner.is_empty or inner.area <= 0 else inner


def _road(outline: BaseGeometry) -> LineString | None:
    """The street through the grid the shops stand along: its longest east–west chord through the middle."""
    inner = _inner(outline)
    rep = inner.representative_point()
    minx, _, maxx, _ = inner.bounds
    cut = inner.intersection(LineString([(minx - 1, rep.y), (maxx + 1, rep.y)]))
    lines = [g for g in shapely.get_parts(cut) if isinstance(g, LineString) and g.length > 0]
    return max(lines, key=lambda g: g.length) if lines else None


MERCHANT_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    # kind: ((name template, industry), …); {stem} is the community (or road) name
    MerchantKind.SHOP: (
        ("{stem}便民超市", "零售业"),
        ("{stem}生鲜水果店", "零售业"),
        ("{stem}烩面馆", "餐饮业"),
        ("{stem}胡辣汤早餐店", "餐饮业"),
        ("{stem}理发店", "居民服务业"),
        ("{stem}五金店", "零售业"),
        ("{stem}大药房", "零售业"),
        ("{stem}快递驿站", "邮政快递业"),
        ("{stem}洗衣店", "居民服务业"),
        ("{stem}手机维修店", "居民服务业"),
        ("{stem}粮油店", "零售业"),
        ("{stem}家常菜馆", "餐饮业"),
    ),
    MerchantKind.ENTERPRISE: (
        ("平顶山市{stem}商贸有限公司", "批发业"),
        ("平顶山市{stem}装饰工程有限公司", "建筑装饰业"),
        ("平顶山{stem}物流有限公司", "道路运输业"),
    ),
    MerchantKind.RESIDENT_UNIT: (
        ("{stem}社区卫生服务站", "卫生"),
        ("{stem}供电营业厅", "电力供应"),
        ("{stem}邮政支局", "邮政业"),
    ),
    MerchantKind.NEW_ECONOMIC: (("平顶山{stem}网络科技有限公司", "软件和信息技术服务业"),),
    MerchantKind.NEW_SOCIAL: (
        ("{stem}志愿服务协会", "社会组织"),
        ("{stem}居家养老服务中心", "社会工作"),
    ),
}
# Registration authority and type of each kind's credit code (GB 32100 appendix): 91 enterprise, 92 individual
# business (个体工商户), 12 public institution (事业单位), 52 private non-enterprise unit (民办非企业单位).
CREDIT_PREFIX = {
    MerchantKind.SHOP: "92",
    MerchantKind.ENTERPRISE: "91",
    MerchantKind.RESIDENT_UNIT: "12",
    MerchantKind.NEW_ECONOMIC: "91",
    MerchantKind.NEW_SOCIAL: "52",
}


class GridPlanner:
    """The plan of each grid, in grid-code order, sharing the identifiers drawn so far."""

    def __init__(self, today: dt.date) -> None:
        self.ids = UniqueIdentifiers()
        self.people = PeoplePlanner(self.ids, today)
        self.today = today
        self.merchant_names: dict[str, set[str]] = {}  # community code → names used

    def estates(self, ctx: GridContext, count: int) -> list[PlannedEstate]:
        rng = rng_for(f"estates:{ctx.community_code}")
        suffixes = [ESTATE_SUFFIXES[int(i)] for i in rng.permutation(len(ESTATE_SUFFIXES))]
        out = []
        for n in range(count):
            name = f"{ctx.community_stem}{suffixes[n % len(suffixes)]}{SYNTHETIC_SUFFIX}"
            company = PROPERTY_COMPANIES[int(rng.integers(len(PROPERTY_COMPANIES)))]
            out.append(
                PlannedEstate(
                    code=f"{ctx.community_code}-E{n + 1:02d}",
                    name=name,
                    address=f"{ctx.place}{ROADS[int(rng.integers(len(ROADS)))]}",
                    property_company=f"平顶山市{company}物业服务有限公司{SYNTHETIC_SUFFIX}",
                    property_contact=fake_landline(rng),
                    owners_committee=f"{strip_suffix(name)}业主委员会" if rng.random() < 0.6 else "",
                )
            )
        return out

    def plan(self, ctx: GridContext, estates_per_community: int) -> GridPlan:
        rng = rng_for(f"grid:{ctx.grid.code}")
        inner = _inner(ctx.outline)
        estates = [] if ctx.village else self.estates(ctx, estates_per_community)
        estate = estates[ctx.index_in_community % len(estates)] if estates else None
        buildings: list[PlannedBuilding] = []
        households: list[PlannedHousehold] = []
        if ctx.village:
            count = int(rng.integers(45, 70)) if ctx.dense else int(rng.integers(25, 40))
            group = ctx.index_in_community + 1
            for n, number in enumerate(sorted(rng.choice(np.arange(1, 120), size=count, replace=False)), start=1):
                use, members = self.people.household(rng)
                house_no = f"{ctx.community_name}{group}组{int(number)}号"
                households.append(
                    PlannedHousehold(
                        code=f"{ctx.grid.code}-V{n:03d}",
                        building_code=None,
                        unit_no="",
                        room="",
                        house_no=house_no,
                        address=f"{ctx.district_name}{ctx.street_name}{house_no}",
                        use=use,
                        members=members,
                        registered=_registered(rng, members),
                    )
                )
        else:
            count = int(rng.integers(6, 10)) if ctx.dense else int(rng.integers(3, 6))
            first_no = ctx.index_in_community // max(len(estates), 1) * 10 + 1  # numbering within the estate
            for n, (lng, lat) in enumerate(_spread_points(inner, count, rng), start=1):
                code = f"{ctx.grid.code}{n:03d}"
                number = first_no + n - 1
                estate_name = strip_suffix(estate.name) if estate else ""
                floors = (
                    int(rng.choice([6, 6, 7, 11, 18], p=[0.35, 0.2, 0.15, 0.15, 0.15]))
                    if not ctx.dense
                    else int(rng.integers(6, 19))
                )
                units = int(rng.integers(1, 5))
                head_gender = str(rng.choice([Gender.MALE, Gender.FEMALE]))
                head_name, head_phone = person_name(rng, head_gender, _birth(rng, 45, 70)), fake_mobile(rng)
                buildings.append(
                    PlannedBuilding(
                        code=code,
                        name=f"{number}号楼",
                        estate_code=estate.code if estate else None,
                        address=f"{ctx.place}{estate_name}{number}号楼",
                        floors=floors,
                        units=units,
                        lng=lng,
                        lat=lat,
                        head_name=head_name,
                        head_phone=head_phone,
                    )
                )
                rooms = [(u, fl, r) for u in range(1, units + 1) for fl in range(1, floors + 1) for r in (1, 2)]
                wanted = int(rng.integers(14, 22)) if ctx.dense else int(rng.integers(8, 14))
                taken = min(len(rooms), wanted)
                for i in sorted(int(x) for x in rng.choice(len(rooms), size=taken, replace=False)):
                    u, fl, r = rooms[i]
                    room = f"{fl}{r:02d}"
                    use, members = self.people.household(rng)
                    if rng.random() < 0.03:
                        use, members = str(HouseholdUse.VACANT), []
                    households.append(
                        PlannedHousehold(
                            code=f"{code}-{u}-{room}",
                            building_code=code,
                            unit_no=str(u),
                            room=room,
                            house_no="",
                            address=f"{ctx.place}{estate_name}{number}号楼{u}单元{room}",
                            use=use,
                            members=members,
                            registered=_registered(rng, members),
                        )
                    )
        return GridPlan(
            grid=ctx.grid,
            estates=estates,
            buildings=buildings,
            households=households,
            merchants=self.merchants(ctx, rng),
            moves=int(rng.random() < 0.35),
            departures=int(rng.random() < 0.35),
            deaths=int(rng.random() < 0.15),
        )

    def merchants(self, ctx: GridContext, rng: np.random.Generator) -> list[PlannedMerchant]:
        road = _road(ctx.outline)
        if road is None:
            return []
        road_name = ROADS[int(rng.integers(len(ROADS)))]
        count = int(rng.integers(6, 11)) if ctx.dense else int(rng.integers(2, 6))
        kinds = [MerchantKind.SHOP] * count
        if rng.random() < 0.3:
            kinds[-1] = MerchantKind.ENTERPRISE
        if rng.random() < 0.15:
            kinds[0] = MerchantKind.RESIDENT_UNIT
        if rng.random() < 0.1:
            kinds[-1] = MerchantKind.NEW_ECONOMIC if rng.random() < 0.5 else MerchantKind.NEW_SOCIAL
        used = self.merchant_names.setdefault(ctx.community_code, set())
        out = []
        base_no = int(rng.integers(1, 40)) * 2 - 1
        for i, kind in enumerate(kinds):
            template, industry = MERCHANT_TEMPLATES[kind][int(rng.integers(len(MERCHANT_TEMPLATES[kind])))]
            surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
            stems = (ctx.community_stem, road_name.removesuffix("路").removesuffix("大道"), f"{surname}记")
            name = next((template.format(stem=s) for s in stems if template.format(stem=s) not in used), None)
            if name is None:
                name = template.format(stem=f"{ctx.community_stem}{i + 1}号")
            used.add(name)
            at = road.interpolate((i + 0.5) / count, normalized=True)
            side = 1.2e-4 if i % 2 else -1.2e-4  # both sides of the street
            lng, lat = (at.x, at.y + side) if ctx.outline.contains(shapely.Point(at.x, at.y + side)) else (at.x, at.y)
            issued = REFERENCE_DAY - dt.timedelta(days=int(rng.integers(200, 20 * 365)))
            if rng.random() < 0.06:
                expires: dt.date | None = self.today + dt.timedelta(days=int(rng.integers(5, 45)))  # renew soon
            elif kind == MerchantKind.SHOP or rng.random() < 0.5:
                expires = None  # 长期
            else:
                expires = (
                    issued.replace(year=issued.year + 20)
                    if issued.month != 2 or issued.day != 29
                    else issued + dt.timedelta(days=20 * 365)
                )
            gender = str(rng.choice([Gender.MALE, Gender.FEMALE]))
            owner = person_name(rng, gender, _birth(rng, 28, 60), surname)
            out.append(
                PlannedMerchant(
                    name=f"{name}{SYNTHETIC_SUFFIX}",
                    credit_code=self.ids.credit_code(rng, CREDIT_PREFIX[kind], WEIDONG.code),
                    kind=str(kind),
                    industry=industry,
                    address=f"{ctx.district_name}{road_name}{base_no + 2 * i}号",
                    lng=round(float(lng), 7),
                    lat=round(float(lat), 7),
                    responsible_person=owner,
                    contact_phone=fake_mobile(rng),
                    licence_issued=issued,
                    licence_expires=expires,
                    status=str(
                        rng.choice(
                            [MerchantStatus.OPEN, MerchantStatus.SUSPENDED, MerchantStatus.CLOSED], p=[0.92, 0.05, 0.03]
                        )
                    ),
                )
            )
        return out


def _registered(rng: np.random.Generator, members: Sequence[PlannedPerson]) -> dt.date:
    """When the household was first registered: after its youngest member was born, at most 15 years ago."""
    youngest = max((m.birth for m in members), default=REFERENCE_DAY - dt.timedelta(days=3650))
    earliest = max(youngest, REFERENCE_DAY - dt.timedelta(days=15 * 365))
    span = max((REFERENCE_DAY - earliest).days, 1)
    return earliest + dt.timedelta(days=int(rng.integers(0, span)))


def ledger_grids(*, full: bool) -> list[Territory]:
    """The grids the demo's ledgers cover, in code order: the street of 华西社区, or all of 卫东区."""
    prefix = WEIDONG.code if full else LEDGER_STREET
    return list(Territory.objects.filter(kind=TerritoryKind.GRID, code__startswith=prefix).order_by("code"))


def grid_contexts(grids: Sequence[Territory]) -> list[GridContext]:
    """Where each grid is: its community and street (names), and its place among the community's grids."""
    district = Territory.objects.get(code=WEIDONG.code)
    names = dict(
        Territory.objects.filter(
            kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY], path__startswith=district.path
        ).values_list("code", "name")
    )
    community_len, street_len = len(LEDGER_COMMUNITY), len(LEDGER_STREET)
    siblings: dict[str, list[str]] = {}
    for code in (
        Territory.objects.filter(kind=TerritoryKind.GRID, path__startswith=district.path)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        siblings.setdefault(code[:community_len], []).append(code)
    out = []
    for grid in grids:
        community_code = grid.code[:community_len]
        name = strip_suffix(names.get(community_code, ""))
        out.append(
            GridContext(
                grid=grid,
                outline=shape(grid.geometry),
                index_in_community=siblings.get(community_code, [grid.code]).index(grid.code),
                community_code=community_code,
                community_name=name,
                street_name=strip_suffix(names.get(grid.code[:street_len], "")),
                district_name=district.name,
                dense=community_code == LEDGER_COMMUNITY,
                village=name.endswith("村"),
            )
        )
    return out


# --- writing ---------------------------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _redraw_taken(plans: Sequence[GridPlan], ids: UniqueIdentifiers) -> None:
    """Give a fresh identity number or credit code to the planned ones already stored by someone else
    (the demo never overwrites a real record; the unique constraints would refuse it anyway)."""
    people = [p for plan in plans for h in plan.households for p in h.members]
    by_index = {blind_index(p.id_number): p for p in people}
    taken: set[str] = set()
    for chunk in _chunks(list(by_index)):
        taken |= set(Resident.objects.filter(id_number_index__in=chunk).values_list("id_number_index", flat=True))
    for index in sorted(taken):
        p = by_index[index]
        region = p.id_number[:6]
        p.id_number = ids.id_number(rng_for(f"redraw:{p.id_number}"), region, p.birth, p.gender)
    merchants = [m for plan in plans for m in plan.merchants]
    codes = {m.credit_code: m for m in merchants}
    stored: set[str] = set()
    for chunk in _chunks(list(codes)):
        stored |= set(Merchant.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
    for code in sorted(stored):
        m = codes[code]
        m.credit_code = ids.credit_code(rng_for(f"redraw:{code}"), code[:2], code[2:8])


def _by_code(model: Any, objs: list[Any], key: str = "code") -> dict[str, Any]:
    """The rows just bulk-created, keyed by ``key``: as returned where the backend gives the ids back."""
    if all(o.pk is not None for o in objs):
        return {getattr(o, key): o for o in objs}
    values = [getattr(o, key) for o in objs]
    found: dict[str, Any] = {}
    for chunk in _chunks(values):
        found.update({getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": chunk})})
    return found


@dataclass
class Written:
    estates: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0
    merchants: int = 0
    moves: int = 0
    archived: int = 0

    def total(self) -> int:
        return self.estates + self.buildings + self.households + self.residents + self.merchants


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def write_plans(plans: Sequence[GridPlan], now: dt.datetime) -> Written:
    """Store the planned grids in bulk: estates, buildings, households, residents (with tags, heads and their
    register entries), then a few moves and archived residents, and the merchants."""
    written = Written()
    estates = {e.code: e for plan in plans for e in plan.estates}
    existing_estates = {e.code: e for e in Estate.objects.filter(code__in=list(estates))}
    communities = {t.code: t for t in Territory.objects.filter(code__in={code.split("-")[0] for code in estates})}
    new_estates = [
        Estate(
            code=e.code,
            name=e.name,
            community=communities[e.code.split("-")[0]],
            address=e.address,
            property_company=e.property_company,
            property_contact=e.property_contact,
            owners_committee=e.owners_committee,
            is_synthetic=True,
        )
        for e in estates.values()
        if e.code not in existing_estates
    ]
    existing_estates.update(_by_code(Estate, Estate.objects.bulk_create(new_estates, batch_size=500)))
    written.estates = len(new_estates)

    grid_of = {plan.grid.code: plan.grid for plan in plans}
    new_buildings = [
        Building(
            code=b.code,
            name=b.name,
            grid=plan.grid,
            estate=existing_estates.get(b.estate_code) if b.estate_code else None,
            address=b.address,
            floors=b.floors,
            units=b.units,
            lng=b.lng,
            lat=b.lat,
            head_name=b.head_name,
            head_phone=b.head_phone,
            head_phone_index=blind_index(b.head_phone),
            is_synthetic=True,
        )
        for plan in plans
        for b in plan.buildings
    ]
    buildings = _by_code(Building, Building.objects.bulk_create(new_buildings, batch_size=500))
    written.buildings = len(new_buildings)

    new_households = [
        Household(
            code=h.code,
            grid=plan.grid,
            building=buildings[h.building_code] if h.building_code else None,
            unit_no=h.unit_no,
            room=h.room,
            house_no=h.house_no,
            address=h.address,
            use=h.use,
            last_visited_at=None,
            is_synthetic=True,
        )
        for plan in plans
        for h in plan.households
    ]
    households = _by_code(Household, Household.objects.bulk_create(new_households, batch_size=500))
    written.households = len(new_households)

    new_residents: list[Resident] = []
    planned_of: dict[str, tuple[PlannedHousehold, PlannedPerson]] = {}
    for plan in plans:
        for h in plan.households:
            household = households[h.code]
            for p in h.members:
                new_residents.append(
                    Resident(
                        name=p.name,
                        id_number=p.id_number,
                        id_number_index=blind_index(p.id_number),
                        gender=p.gender,
                        birth_date=p.birth,
                        phone=p.phone,
                        phone_index=blind_index(p.phone),
                        grid_id=plan.grid.pk,
                        household_id=household.pk,
                        relation=p.relation,
                        residence_type=p.residence_type,
                        address=h.address,
                        is_synthetic=True,
                    )
                )
                planned_of[p.id_number] = (h, p)
    created = Resident.objects.bulk_create(new_residents, batch_size=500)
    residents = _by_code(Resident, created, key="id_number_index")
    by_number = {r.id_number: r for r in residents.values()}
    written.residents = len(new_residents)

    # Each household's head is its member recorded as the head: one UPDATE rather than a row at a time.
    for plan in plans:
        for h in plan.households:
            if h.members:
                households[h.code].head_id = by_number[h.members[0].id_number].pk
    new_ids = [h.pk for h in households.values()]
    for chunk in _chunks(new_ids):
        Household.objects.filter(pk__in=chunk).update(
            head=Subquery(
                Resident.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
                .order_by("pk")
                .values("pk")[:1]
            )
        )

    tags = dict(ResidentTag.objects.values_list("key", "pk"))
    through = Resident.tags.through
    through.objects.bulk_create(
        [
            through(resident_id=by_number[number].pk, residenttag_id=tags[key])
            for number, (_, p) in planned_of.items()
            for key in dict.fromkeys(p.tags)
            if key in tags
        ],
        batch_size=1000,
    )
    ResidenceChange.objects.bulk_create(
        [
            ResidenceChange(
                resident_id=by_number[number].pk,
                kind=MoveKind.REGISTER,
                to_household_id=households[h.code].pk,
                at=_aware(max(h.registered, p.birth)),
                by_name=DEMO_CLERK,
                note="演示数据：入户登记",
            )
            for number, (h, p) in planned_of.items()
        ],
        batch_size=1000,
    )
    written.moves, written.archived = _moves_and_archives(plans, households, by_number, now)
    written.merchants = _write_merchants(plans, grid_of)
    return written


DESTINATIONS = ("郑州市金水区", "洛阳市涧西区", "许昌市魏都区", "北京市朝阳区", "深圳市南山区", "南阳市宛城区")


def _moves_and_archives(
    plans: Sequence[GridPlan], households: dict[str, Household], by_number: dict[str, Resident], now: dt.datetime
) -> tuple[int, int]:
    """A few people move to another household of their grid (into a vacant flat when there is one), a few
    move away and a few elderly die: archived with their history, never deleted."""
    changes: list[ResidenceChange] = []
    changed: list[Resident] = []
    reheaded: list[Household] = []
    moved = archived = 0
    for plan in plans:
        rng = rng_for(f"moves:{plan.grid.code}")
        # adults who are not the head of their household, in plan order
        movable = [
            (h, p)
            for h in plan.households
            for p in h.members[1:]
            if _age(p.birth, now.date()) >= 18 and p.relation != Relation.PARENT
        ]
        elderly = [
            (h, p)
            for h in plan.households
            for p in h.members[1:]
            if p.relation == Relation.PARENT and _age(p.birth, now.date()) >= 70
        ]
        order = [movable[int(i)] for i in rng.permutation(len(movable))]
        vacant = [h for h in plan.households if not h.members]
        for h, p in order[: plan.moves]:
            resident = by_number[p.id_number]
            target_plan = (
                vacant.pop(0) if vacant else next((x for x in plan.households if x is not h and x.members), None)
            )
            if target_plan is None:
                continue
            target = households[target_plan.code]
            at = now - dt.timedelta(days=int(rng.integers(3, 120)))
            if target.head_id is None:
                target.head = resident
                target.use = HouseholdUse.OWNER
                reheaded.append(target)
                resident.relation = Relation.HEAD
            else:
                resident.relation = Relation.OTHER
            resident.household = target
            resident.address = target.address
            changed.append(resident)
            changes.append(
                ResidenceChange(
                    resident=resident,
                    kind=MoveKind.MOVE,
                    from_household=households[h.code],
                    to_household=target,
                    at=at,
                    by_name=DEMO_CLERK,
                    note="演示数据：搬迁至本网格另一住户",
                )
            )
            moved += 1
        leaving = [x for x in order[plan.moves :]][: plan.departures]
        for h, p in leaving:
            resident = by_number[p.id_number]
            at = now - dt.timedelta(days=int(rng.integers(10, 200)))
            destination = DESTINATIONS[int(rng.integers(len(DESTINATIONS)))]
            _archive(resident, ResidentStatus.MOVED_AWAY, at, f"迁往{destination}")
            changed.append(resident)
            changes.append(
                ResidenceChange(
                    resident=resident,
                    kind=MoveKind.MOVE_AWAY,
                    from_household=households[h.code],
                    at=at,
                    by_name=DEMO_CLERK,
                    note=f"演示数据：迁往{destination}",
                )
            )
            archived += 1
        for h, p in elderly[: plan.deaths]:
            resident = by_number[p.id_number]
            at = now - dt.timedelta(days=int(rng.integers(10, 300)))
            _archive(resident, ResidentStatus.DECEASED, at, "死亡注销")
            changed.append(resident)
            changes.append(
                ResidenceChange(
                    resident=resident,
                    kind=MoveKind.DECEASED,
                    from_household=households[h.code],
                    at=at,
                    by_name=DEMO_CLERK,
                    note="演示数据：死亡注销",
                )
            )
            archived += 1
    Resident.objects.bulk_update(
        changed, ["household", "relation", "address", "status", "archived_at", "archive_reason"]
    )
    Household.objects.bulk_update(reheaded, ["head", "use"])
    ResidenceChange.objects.bulk_create(changes)
    return moved, archived


def _archive(resident: Resident, status: str, at: dt.datetime, reason: str) -> None:
    resident.status = status
    resident.household = None
    resident.archived_at = at
    resident.archive_reason = reason


def _write_merchants(plans: Sequence[GridPlan], grid_of: dict[str, Territory]) -> int:
    """The merchants, each shop linked to a 门前三包 point (places, type ``shop``) of its grid where there is one."""
    shop_points: dict[int, list[Point]] = {}
    for point in Point.objects.filter(
        type__key="shop", grid__in=list(grid_of.values()), merchants__isnull=True
    ).order_by("code"):
        shop_points.setdefault(point.grid_id, []).append(point)  # type: ignore[arg-type]
    rows = []
    for plan in plans:
        points = shop_points.get(plan.grid.pk, [])
        for m in plan.merchants:
            rows.append(
                Merchant(
                    name=m.name,
                    credit_code=m.credit_code,
                    kind=m.kind,
                    industry=m.industry,
                    grid=plan.grid,
                    address=m.address,
                    lng=m.lng,
                    lat=m.lat,
                    responsible_person=m.responsible_person,
                    contact_name=m.responsible_person,
                    contact_phone=m.contact_phone,
                    contact_phone_index=blind_index(m.contact_phone),
                    licence_issued=m.licence_issued,
                    licence_expires=m.licence_expires,
                    point=points.pop(0) if points and m.kind == MerchantKind.SHOP else None,
                    status=m.status,
                    is_synthetic=True,
                )
            )
    Merchant.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def replace_outside(grids: Sequence[Territory]) -> int:
    """Move the demo buildings and merchants that lie outside their grid (the territory changed under them)
    back inside it; returns how many were moved."""
    outlines = {g.pk: shape(g.geometry) for g in grids}
    moved = 0
    querysets: tuple[Any, ...] = (Building.objects, Merchant.objects)
    for manager in querysets:
        stale: list[Any] = []
        for row in manager.filter(is_synthetic=True, grid__in=list(grids)).only("pk", "grid_id", "lng", "lat"):
            outline = outlines[row.grid_id]
            if row.lng is None or shapely.contains_xy(outline, row.lng, row.lat):
                continue
            rng = rng_for(f"replace:{manager.model.__name__}:{row.pk}")
            x, y = sample_points(_inner(outline), 1, rng)[0]
            row.lng, row.lat = round(float(x), 7), round(float(y), 7)
            stale.append(row)
        manager.bulk_update(stale, ["lng", "lat"], batch_size=500)
        moved += len(stale)
    return moved


# --- 治安隐患 ----------------------------------------------------------------------------------------------------

HAZARD_CODE_PREFIX = "DEMO-YH-"
HAZARD_COUNT = 18
# (type key, title, where: "merchant" / "building" / "address", rectification, responsible unit key or None
# for the community committee)
HAZARD_SAMPLES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("fire", "楼道堆放杂物堵塞消防通道", "building", "已清理楼道杂物，张贴消防提示", None),
    ("fire", "电动车在楼道内停放充电", "building", "已劝离电动车，引导至集中充电棚", None),
    ("fire", "商铺灭火器过期未更换", "merchant", "已更换灭火器并登记检查记录", "yjj"),
    ("work_safety", "餐馆违规在室内存放多瓶液化气", "merchant", "已移除多余气瓶，安装燃气报警器", "yjj"),
    ("work_safety", "临街广告牌松动存在坠落风险", "merchant", "已加固广告牌", "yjj"),
    ("theft_hotspot", "小区监控探头损坏、夜间照明不足", "building", "已维修监控并加装路灯", "gaj"),
    ("theft_hotspot", "背街小巷路灯损坏，群众反映夜间不安全", "address", "已修复路灯，纳入夜间巡逻路线", "gaj"),
    ("gambling", "群众反映棋牌室疑似聚众赌博", "merchant", "已会同派出所检查并约谈经营者", "gaj"),
    ("prostitution", "群众反映某门店夜间经营异常", "merchant", "已会同派出所检查，未发现违法行为并登记备案", "gaj"),
    ("drugs", "出租屋住户行为异常，群众反映需核查", "building", "已会同派出所上门核查，纳入重点关注", "gaj"),
    ("other", "小区围墙破损，外来人员随意出入", "building", "已修补围墙并设置门禁", None),
    ("other", "废弃车辆长期占用消防车道", "address", "已联系车主移走车辆", None),
)
# the status of each demo finding in turn, mixed so that the first few already hold each kind: closed,
# submitted (awaiting the check), open (some overdue) and cancelled
HAZARD_STATUSES = (
    "closed", "open_overdue", "submitted", "closed", "open", "closed", "open_overdue", "closed", "cancelled",
    "open_overdue", "closed", "submitted", "open", "closed", "open_overdue", "submitted", "closed", "open",
)  # fmt: skip


def _grid_staff(grids: Sequence[Territory]) -> dict[int, User]:
    """The first grid worker of each grid (the one who patrols it and records what he finds)."""
    staff: dict[int, User] = {}
    for grant in (
        RoleGrant.objects.filter(role=Role.GRID_WORKER, territory__in=list(grids))
        .select_related("user")
        .order_by("user__username")
    ):
        staff.setdefault(grant.territory_id, grant.user)  # type: ignore[arg-type]
    return staff


# a step of a finding's history: action, from and to status, when, who (account and name), note
_Event = tuple[str, str, str, dt.datetime, User | None, str, str]


def hazards_seed(now: dt.datetime) -> int:
    """A score of findings in 华西社区 and its street: closed with their checks, awaiting the check, open (some
    past their deadline in working days) and one cancelled, each with its history. Built once."""
    if HazardFinding.objects.filter(code__startswith=HAZARD_CODE_PREFIX).exists():
        return 0
    from wangge.workcalendar.arithmetic import get_calendar

    grids = [g for g in ledger_grids(full=False) if Building.objects.filter(grid=g, is_synthetic=True).exists()]
    if not grids:
        return 0
    dense = [g for g in grids if g.code.startswith(LEDGER_COMMUNITY)]
    others = [g for g in grids if not g.code.startswith(LEDGER_COMMUNITY)]
    rng = rng_for("hazards")
    chosen = [dense[i % len(dense)] for i in range(10)] if dense else []
    if others:
        chosen += [
            others[int(i)]
            for i in rng.choice(len(others), size=min(HAZARD_COUNT - len(chosen), len(others)), replace=False)
        ]
    types = {t.key: t for t in HazardType.objects.all()}
    staff = _grid_staff(chosen)
    checker = User.objects.filter(username="demo_community_staff").first()
    units = {u.code: u for u in Unit.objects.filter(code__startswith=WEIDONG.code)}
    calendar = get_calendar()
    findings: list[HazardFinding] = []
    events: list[tuple[int, list[_Event]]] = []
    for seq, grid in enumerate(chosen, start=1):
        type_key, title, where, rectification, unit_key = HAZARD_SAMPLES[int(rng.integers(len(HAZARD_SAMPLES)))]
        if type_key not in types:
            continue
        state = HAZARD_STATUSES[(seq - 1) % len(HAZARD_STATUSES)]
        merchant = building = None
        if where == "merchant":
            merchant = Merchant.objects.filter(grid=grid, is_synthetic=True).order_by("credit_code").first()
        if where == "building" or (where == "merchant" and merchant is None):
            building = Building.objects.filter(grid=grid, is_synthetic=True).order_by("code").first()
        place = merchant or building
        if place is not None and place.lng is not None and place.lat is not None:
            lng, lat = float(place.lng), float(place.lat)
        else:
            x, y = sample_points(_inner(shape(grid.geometry)), 1, rng)[0]
            lng, lat = round(float(x), 7), round(float(y), 7)
        if merchant is not None:
            owner_name, owner_phone, address = merchant.responsible_person, merchant.contact_phone, merchant.address
        elif building is not None:
            owner_name, owner_phone, address = building.head_name, building.head_phone, building.address
        else:
            owner_name, owner_phone, address = (
                person_name(rng, Gender.MALE, _birth(rng, 30, 55)),
                fake_mobile(rng),
                f"{grid.name}{ROADS[seq % len(ROADS)]}",
            )
        deadline_days = int(rng.choice([3, 5, 7, 10]))
        back = (
            int(rng.integers(25, 50)) if state in ("closed", "open_overdue", "cancelled") else int(rng.integers(0, 4))
        )
        if state == "submitted":
            back = int(rng.integers(3, 8))
        found_at = timezone.localtime(now - dt.timedelta(days=back)).replace(
            hour=9 + seq % 7, minute=(seq * 7) % 60, second=0, microsecond=0
        )
        due_at = calendar.add_working_days(found_at, deadline_days).value
        worker = staff.get(grid.pk)
        worker_name = worker.display_name if worker is not None else "网格员"
        status = {
            "closed": HazardStatus.CLOSED,
            "submitted": HazardStatus.SUBMITTED,
            "cancelled": HazardStatus.CANCELLED,
        }.get(state, HazardStatus.OPEN)
        unit = (
            units.get(unit_code(WEIDONG.code, unit_key))
            if unit_key
            else units.get(unit_code(grid.code[: len(LEDGER_COMMUNITY)], "jwh"))
        )
        history: list[_Event] = [
            ("report", "", HazardStatus.OPEN, found_at, worker, worker_name, f"网格巡查发现：{title}")
        ]
        rectified_at: dt.datetime | None = None
        closed_at: dt.datetime | None = None
        if state in ("closed", "submitted"):
            rectified_at = min(
                found_at + dt.timedelta(days=int(rng.integers(1, 4)), hours=3), now - dt.timedelta(hours=2)
            )
            history.append(
                (
                    "submit_rectification",
                    HazardStatus.OPEN,
                    HazardStatus.SUBMITTED,
                    rectified_at,
                    worker,
                    worker_name,
                    rectification,
                )
            )
        if state == "closed":
            closed_at = (rectified_at or found_at) + dt.timedelta(days=1)
            history.append(
                (
                    "verify",
                    HazardStatus.SUBMITTED,
                    HazardStatus.CLOSED,
                    closed_at,
                    checker,
                    checker.display_name if checker else "社区工作人员",
                    "现场核查整改到位，予以销号",
                )
            )
        if state == "cancelled":
            history.append(
                (
                    "cancel",
                    HazardStatus.OPEN,
                    HazardStatus.CANCELLED,
                    found_at + dt.timedelta(days=1),
                    checker,
                    checker.display_name if checker else "社区工作人员",
                    "经核实为重复登记，予以撤销",
                )
            )
        findings.append(
            HazardFinding(
                code=f"{HAZARD_CODE_PREFIX}{seq:03d}",
                type=types[type_key],
                title=title,
                description=f"{title}。地点：{address}。",
                grid=grid,
                building=building,
                merchant=merchant,
                address=address,
                lng=lng,
                lat=lat,
                found_by=worker,
                found_by_name=worker_name,
                found_at=found_at,
                owner_name=owner_name or "负责人",
                owner_phone=owner_phone,
                owner_phone_index=blind_index(owner_phone),
                owner_unit=unit,
                deadline_days=deadline_days,
                due_at=due_at,
                status=status,
                rectification=rectification if state in ("closed", "submitted") else "",
                rectified_at=rectified_at,
                closed_at=closed_at,
                closed_by=checker if state == "closed" else None,
                is_synthetic=True,
            )
        )
        events.append((len(findings) - 1, history))
    created = _by_code(HazardFinding, HazardFinding.objects.bulk_create(findings))
    HazardEvent.objects.bulk_create(
        [
            HazardEvent(
                finding=created[findings[i].code],
                action=action,
                from_status=src,
                to_status=dst,
                at=at,
                actor=actor,
                actor_name=name,
                note=note,
            )
            for i, history in events
            for action, src, dst, at, actor, name, note in history
        ]
    )
    return len(findings)


# --- 重点人员 ----------------------------------------------------------------------------------------------------

KEY_PERSON_OFFICER = "demo_key_person_officer"
# (category key, attention level, days since the last visit beyond the interval: > 0 is overdue)
KEY_PERSON_SAMPLES: tuple[tuple[str, str, int], ...] = (
    ("community_correction", AttentionLevel.CLOSE, -12),
    ("released_prisoner", AttentionLevel.NORMAL, -20),
    ("released_prisoner", AttentionLevel.NORMAL, 9),
    ("drug_user", AttentionLevel.HIGH, -5),
    ("mental_disorder", AttentionLevel.CLOSE, -15),
    ("petitioner", AttentionLevel.NORMAL, 4),
)
VISIT_NOTES = (
    "入户走访，本人在家，情绪稳定，生活正常",
    "电话联系本人及家属，近期无异常",
    "与社区民警共同走访，了解就业和家庭情况",
    "走访家属，协助申请临时救助",
    "本人外出务工，与其电话联系，按时报到",
)


def key_persons_seed(now: dt.datetime) -> tuple[int, int]:
    """A handful of key persons of 华西社区 in several categories, each with visits at its category's interval;
    two are overdue. Only the 重点人员管控专员 (``demo_key_person_officer``) sees them. Built once."""
    if KeyPerson.objects.filter(is_synthetic=True).exists():
        return 0, 0
    categories = {c.key: c for c in KeyPersonCategory.objects.all()}
    officer = User.objects.filter(username=KEY_PERSON_OFFICER).first()
    candidates = list(
        Resident.objects.filter(
            is_synthetic=True,
            status=ResidentStatus.CURRENT,
            grid__code__startswith=LEDGER_COMMUNITY,
            birth_date__lte=REFERENCE_DAY - dt.timedelta(days=20 * 365),
            birth_date__gte=REFERENCE_DAY - dt.timedelta(days=65 * 365),
        )
        .select_related("grid")
        .order_by("id_number_index")
    )
    if not candidates:
        return 0, 0
    rng = rng_for("key-persons")
    picked = [
        candidates[int(i)]
        for i in rng.choice(len(candidates), size=min(len(KEY_PERSON_SAMPLES), len(candidates)), replace=False)
    ]
    staff = _grid_staff([r.grid for r in picked])
    today = timezone.localdate(now)
    rows: list[tuple[KeyPerson, list[KeyPersonVisit], User | None]] = []
    for resident, (key, level, late) in zip(picked, KEY_PERSON_SAMPLES, strict=False):
        category = categories.get(key)
        if category is None:
            continue
        interval = int(category.visit_interval_days)
        started = today - dt.timedelta(days=int(rng.integers(150, 400)))
        last = today - dt.timedelta(days=interval + late)
        visits: list[KeyPersonVisit] = []
        day = last
        while day >= started + dt.timedelta(days=3):
            method = VisitMethod.HOME if rng.random() < 0.7 else VisitMethod.PHONE
            visits.append(
                KeyPersonVisit(
                    visited_at=_aware(day, int(rng.integers(9, 17))),
                    method=method,
                    visitor=officer,
                    visitor_name=officer.display_name if officer else "重点人员管控专员",
                    situation=VISIT_NOTES[int(rng.integers(len(VISIT_NOTES)))],
                )
            )
            day -= dt.timedelta(days=interval - int(rng.integers(0, 4)))
        last_visit = visits[0].visited_at if visits else None
        base = timezone.localdate(last_visit) if last_visit else started
        helper = staff.get(resident.grid_id)
        person = KeyPerson(
            resident=resident,
            category=category,
            grid=resident.grid,
            level=level,
            helper_names="社区民警（示例）、社区网格员",
            started_on=started,
            status=KeyPersonStatus.ACTIVE,
            last_visit_at=last_visit,
            next_visit_due=base + dt.timedelta(days=interval),
            notes="演示数据：按类别周期走访帮扶",
            is_synthetic=True,
        )
        rows.append((person, visits, helper))
    KeyPerson.objects.bulk_create([p for p, _, _ in rows])
    if any(p.pk is None for p, _, _ in rows):
        stored = {(k.resident_id, k.category_id): k for k in KeyPerson.objects.filter(is_synthetic=True)}
        rows = [(stored[(p.resident_id, p.category_id)], v, h) for p, v, h in rows]
    for person, visits, _ in rows:
        for visit in visits:
            visit.key_person = person
    KeyPersonVisit.objects.bulk_create([v for _, visits, _ in rows for v in visits])
    helpers = KeyPerson.helpers.through
    helpers.objects.bulk_create([helpers(keyperson_id=p.pk, user_id=h.pk) for p, _, h in rows if h is not None])
    return len(rows), sum(len(v) for _, v, _ in rows)


# --- the step ----------------------------------------------------------------------------------------------------


def household_visits_seed(grids: Sequence[Territory], now: dt.datetime) -> int:
    """入户排查 this quarter: about two households in three of each grid visited by its grid worker, each visit a
    filled 入户排查登记表 and the household's last visit stamped, so the coverage page has something to show.
    Built once (a run that finds demo visits adds none)."""
    template = FormTemplate.objects.filter(key="household_check").first()
    version = template.versions.order_by("-number").first() if template is not None else None
    if (
        template is None
        or version is None
        or FormSubmission.objects.filter(template=template, is_synthetic=True).exists()
    ):
        return 0
    today = timezone.localdate(now)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    span = max(1, int((now - _aware(quarter_start, 8)).total_seconds()))
    staff = _grid_staff(grids)
    submissions: list[FormSubmission] = []
    visited: list[Household] = []
    households = (
        Household.objects.filter(is_synthetic=True, grid__in=list(grids), status="active")
        .select_related("building")
        .order_by("code")
    )
    members = Counter(
        Resident.objects.filter(household__in=households, status=ResidentStatus.CURRENT).values_list(
            "household_id", flat=True
        )
    )
    by_grid: dict[int, list[Household]] = {}
    for household in households:
        by_grid.setdefault(household.grid_id, []).append(household)
    for grid in grids:
        rng = rng_for(f"visits:{grid.code}")
        share = float(rng.uniform(0.55, 0.8))
        worker = staff.get(grid.pk)
        for household in by_grid.get(grid.pk, []):
            if rng.random() >= share:
                continue
            at = _aware(quarter_start, 8) + dt.timedelta(seconds=int(rng.integers(0, span)))
            building = household.building
            submissions.append(
                FormSubmission(
                    version=version,
                    template=template,
                    grid_id=household.grid_id,
                    household=household,
                    answers={
                        "entered": "是" if household.use != HouseholdUse.VACANT else "否",
                        "occupants": members.get(household.pk, 0),
                        "use": str(HouseholdUse(household.use).label),
                        "has_problem": "否",
                    },
                    lng=building.lng if building is not None else None,
                    lat=building.lat if building is not None else None,
                    submitted_by=worker,
                    submitted_by_name=worker.display_name if worker is not None else "网格员",
                    submitted_at=at,
                    is_synthetic=True,
                )
            )
            household.last_visited_at = at
            visited.append(household)
    for chunk in _chunks(submissions):
        FormSubmission.objects.bulk_create(chunk)
    for chunk in _chunks(visited):
        Household.objects.bulk_update(chunk, ["last_visited_at"])
    return len(submissions)


def ledgers_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Build what is missing of the demo ledgers (see the module docstring); one audit entry when anything was."""
    result = StepResult("ledgers")
    now = timezone.now()
    grids = ledger_grids(full=options.ledgers_full)
    if not grids:
        return result
    built = set(
        Household.objects.filter(is_synthetic=True, grid__in=grids).values_list("grid_id", flat=True).distinct()
    )
    plans: list[GridPlan] = []
    if len(built) < len(grids):
        planner = GridPlanner(timezone.localdate(now))
        for ctx in grid_contexts(grids):
            plan = planner.plan(ctx, estates_per_community=3 if ctx.dense else 2)
            if ctx.grid.pk not in built:
                plans.append(plan)
        _redraw_taken(plans, planner.ids)
    with transaction.atomic():
        written = write_plans(plans, now) if plans else Written()
        replaced = replace_outside([g for g in grids if g.pk in built])
        hazards = hazards_seed(now)
        key_persons, visits = key_persons_seed(now)
        household_visits = household_visits_seed(grids, now)
        result.created = written.total() + hazards + key_persons + visits + household_visits
        result.updated = replaced
        result.unchanged = len(built)
        counts = Counter(
            estates=written.estates,
            buildings=written.buildings,
            households=written.households,
            residents=written.residents,
            merchants=written.merchants,
            hazards=hazards,
            key_persons=key_persons,
            visits=visits,
            household_visits=household_visits,
        )
        if written.total() or hazards or key_persons or household_visits or replaced:
            summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
            audit.record(
                actor=actor,
                action="demo.ledgers_seed",
                note=f"synthetic ledgers for {len(plans)} grids: {summary}; {written.moves} moves, "
                f"{written.archived} archived; {replaced} moved back inside their grid",
            )
            if plans:
                result.notes.append(f"{len(plans)} grids: {summary}")
            if replaced:
                result.notes.append(f"{replaced} moved back inside their grid")
    return result
