"""Demo data of the service hall (政务服务): 卫东区政务服务中心, six street 便民服务中心 and a 24-hour self-service
area; their windows (综窗 and 专窗, some flexible, a 帮办代办 window and the five 契税缴纳补贴 counters) and the
staff on duty; a catalogue of about two hundred items with real item names in the usual 事项清单 layout (the
legal texts are not reproduced: limits, materials and fees are the catalogue's kind of values, not a copy of
one); five 一件事一次办 bundles; the 办件 of the last full month and of the current month up to yesterday,
bulk-inserted with their history (a few finished late, a few open past their limit); a handful received and
taken through the real services today; 帮办代办 records and the 契税缴纳补贴 programme (5 counters, 509
households).

Deterministic (``random.Random`` seeded by the district code), marked synthetic, idempotent: a month already
seeded is left alone. The queue and rating steps that follow read these halls, windows and finished 办件.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core import audit
from wangge.core.crypto import blind_index
from wangge.demo.catalogue import WEIDONG, unit_code
from wangge.demo.people import GIVEN, MOBILE_PREFIXES, SURNAMES, mobile_number, person_name
from wangge.hall import clock
from wangge.hall.choices import (
    ApplicantKind,
    ApplicationStatus,
    AssistanceKind,
    Channel,
    HallKind,
    HandlingMode,
    HandlingType,
    ItemKind,
    WindowKind,
)
from wangge.hall.models import (
    Application,
    ApplicationEvent,
    Assistance,
    Bundle,
    BundleItem,
    Duty,
    Hall,
    Item,
    ItemMaterial,
    Programme,
    Window,
    WindowItem,
)
from wangge.hall.services import application_receive, application_transition
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar import arithmetic

SEED = 4104031500
DEMO_HALL_STAFF = "demo_hall_staff"
DISTRICT_HALL = "WD-ZWFW"
SELF_SERVICE_HALL = "WD-ZZ24"
STREET_HALLS = 6
PER_DAY = {HallKind.DISTRICT: 100, HallKind.STREET: 9, HallKind.SELF_SERVICE: 12}
PROGRAMME_PER_DAY = 8
LATE_SHARE = 0.004
STUCK_SHARE = 0.002
SPEED = 0.24  # the share of the promised limit a 承诺件 takes on average (提速 about 76 %)

# department key | kind | 即办件 (I) or 承诺件 (P) | item name — names as in public 事项清单.
CATALOGUE = """
gaj|confirmation|I|居民身份证申领
gaj|confirmation|I|居民身份证换领
gaj|confirmation|I|居民身份证补领
gaj|confirmation|I|临时居民身份证申领
gaj|confirmation|P|出生登记
gaj|confirmation|P|死亡户口注销
gaj|confirmation|P|户口迁移（迁入）
gaj|confirmation|P|户口迁移（迁出）
gaj|confirmation|I|户口簿补领
gaj|confirmation|P|居民户口登记项目变更更正
gaj|public_service|I|居住证申领
gaj|public_service|I|居住登记
gaj|public_service|P|无犯罪记录证明出具
gaj|licensing|P|普通护照签发
gaj|licensing|P|往来港澳通行证及签注签发
gaj|licensing|P|往来台湾通行证及签注签发
gaj|public_service|I|机动车驾驶证补领
gaj|public_service|I|机动车驾驶证换领
gaj|licensing|P|公章刻制备案
gaj|licensing|P|旅馆业特种行业许可证核发
gaj|licensing|P|大型群众性活动安全许可
gaj|public_service|I|户籍证明出具
rsj|public_service|I|社会保障卡申领
rsj|public_service|I|社会保障卡补领
rsj|public_service|I|社会保障卡换领
rsj|public_service|I|社会保障卡挂失
rsj|public_service|I|社会保障卡启用
rsj|public_service|I|城乡居民养老保险参保登记
rsj|payment|P|城乡居民养老保险待遇申领
rsj|public_service|I|城乡居民养老保险关系注销
rsj|public_service|P|城乡居民养老保险关系转移接续
rsj|public_service|I|企业职工基本养老保险参保登记
rsj|payment|P|企业职工基本养老保险待遇申领
rsj|public_service|P|企业职工基本养老保险关系转移接续
rsj|public_service|I|个人权益记录查询打印
rsj|public_service|I|社会保险参保缴费记录查询
rsj|public_service|I|失业登记
rsj|payment|P|失业保险金申领
rsj|public_service|I|就业创业证申领
rsj|public_service|I|就业登记
rsj|payment|P|一次性创业补贴申领
rsj|payment|P|创业担保贷款申请
rsj|confirmation|P|工伤认定申请
rsj|confirmation|P|劳动能力鉴定申请
rsj|payment|P|工伤保险待遇申领
rsj|public_service|I|工伤保险参保登记
rsj|public_service|I|失业保险参保登记
rsj|payment|P|职业技能提升补贴申领
rsj|payment|P|稳岗返还申领
rsj|public_service|P|人力资源服务许可
rsj|licensing|P|劳务派遣经营许可
rsj|public_service|I|流动人员人事档案接收
rsj|public_service|I|流动人员人事档案转递
rsj|public_service|I|高校毕业生就业报到
rsj|public_service|I|城乡居民基本医疗保险参保登记
rsj|public_service|I|基本医疗保险关系转移接续
rsj|payment|P|生育保险待遇核准支付
rsj|payment|P|门诊慢特病病种待遇认定
rsj|payment|P|异地就医费用零星报销
rsj|public_service|I|异地就医备案
scjg|licensing|I|营业执照办理（企业设立登记）
scjg|licensing|I|营业执照办理（个体工商户注册登记）
scjg|licensing|I|企业变更登记
scjg|licensing|I|企业注销登记
scjg|licensing|I|企业简易注销登记
scjg|licensing|I|个体工商户变更登记
scjg|licensing|I|个体工商户注销登记
scjg|licensing|I|农民专业合作社设立登记
scjg|licensing|I|农民专业合作社变更登记
scjg|licensing|I|农民专业合作社注销登记
scjg|public_service|I|企业备案
scjg|public_service|I|营业执照补领、换发
scjg|licensing|P|食品经营许可
scjg|licensing|P|食品经营许可变更
scjg|licensing|P|食品经营许可延续
scjg|licensing|I|食品经营许可注销
scjg|licensing|P|食品生产许可
scjg|public_service|I|食品小作坊登记
scjg|public_service|I|小餐饮登记
scjg|licensing|P|药品零售企业经营许可
scjg|licensing|P|第二类医疗器械经营备案
scjg|licensing|P|第三类医疗器械经营许可
scjg|licensing|P|特种设备使用登记
scjg|licensing|P|计量标准器具核准
scjg|public_service|I|动产抵押登记
scjg|public_service|I|股权出质登记
scjg|public_service|I|企业名称自主申报
zrzy|confirmation|P|不动产登记（首次登记）
zrzy|confirmation|P|不动产登记（转移登记）
zrzy|confirmation|P|不动产登记（变更登记）
zrzy|confirmation|P|不动产登记（抵押权首次登记）
zrzy|confirmation|I|不动产登记（抵押权注销登记）
zrzy|confirmation|P|不动产登记（更正登记）
zrzy|confirmation|P|不动产登记（异议登记）
zrzy|confirmation|P|不动产登记（预告登记）
zrzy|confirmation|I|不动产登记（预告登记注销）
zrzy|confirmation|P|不动产登记（查封登记）
zrzy|confirmation|P|不动产登记（注销登记）
zrzy|public_service|I|不动产登记资料查询
zrzy|public_service|I|不动产权证书补证、换证
zrzy|confirmation|P|不动产登记（继承、受遗赠转移登记）
zrzy|licensing|P|建设用地规划许可证核发
zrzy|licensing|P|建设工程规划许可证核发
zrzy|licensing|P|乡村建设规划许可证核发
zrzy|licensing|P|建设项目用地预审与选址意见书核发
zrzy|licensing|P|临时用地审批
mzj|confirmation|I|内地居民结婚登记
mzj|confirmation|I|内地居民离婚登记
mzj|confirmation|I|补领结婚证
mzj|confirmation|I|补领离婚证
mzj|confirmation|I|婚姻登记记录证明出具
mzj|payment|P|最低生活保障对象认定
mzj|payment|P|特困人员认定
mzj|payment|P|临时救助对象认定
mzj|payment|P|高龄津贴发放
mzj|payment|P|困难残疾人生活补贴
mzj|payment|P|重度残疾人护理补贴
mzj|payment|P|孤儿基本生活费发放
mzj|payment|P|事实无人抚养儿童基本生活补贴
mzj|licensing|P|社会团体成立登记
mzj|licensing|P|社会团体变更登记
mzj|licensing|P|社会团体注销登记
mzj|licensing|P|民办非企业单位成立登记
mzj|licensing|P|民办非企业单位变更登记
mzj|licensing|P|民办非企业单位注销登记
mzj|public_service|P|养老机构备案
mzj|payment|P|经济困难老年人养老服务补贴
mzj|public_service|P|殡葬补助
mzj|licensing|P|地名命名、更名审批
mzj|public_service|I|收养登记
wjw|public_service|I|出生医学证明签发
wjw|public_service|I|出生医学证明补发
wjw|public_service|I|生育登记
wjw|public_service|I|再生育登记
wjw|licensing|P|医疗机构执业登记
wjw|licensing|P|医疗机构设置审批
wjw|licensing|P|医疗机构执业许可证校验
wjw|licensing|P|医师执业注册
wjw|licensing|P|医师执业变更注册
wjw|licensing|P|护士执业注册
wjw|licensing|P|护士执业延续注册
wjw|licensing|P|公共场所卫生许可
wjw|licensing|P|公共场所卫生许可变更
wjw|licensing|P|公共场所卫生许可延续
wjw|licensing|P|饮用水供水单位卫生许可
wjw|payment|P|计划生育家庭特别扶助金发放
wjw|payment|P|农村部分计划生育家庭奖励扶助金发放
wjw|public_service|I|预防接种证补办
jyj|licensing|P|教师资格认定
jyj|public_service|I|教师资格证书补发、换发
jyj|licensing|P|民办学校设立审批
jyj|licensing|P|民办学校变更审批
jyj|licensing|P|校外培训机构设立审批
jyj|public_service|P|中小学生学籍转接
jyj|payment|P|学前教育资助
jyj|payment|P|普通高中国家助学金
jyj|public_service|I|义务教育阶段入学登记
jyj|licensing|P|体育类校外培训机构审批
jyj|licensing|P|高危险性体育项目经营许可
zjj|licensing|P|建筑工程施工许可证核发
zjj|licensing|P|商品房预售许可
zjj|public_service|I|商品房买卖合同网签备案
zjj|public_service|I|存量房买卖合同网签备案
zjj|public_service|I|房屋租赁登记备案
zjj|licensing|P|建筑业企业资质核准
zjj|licensing|P|房地产开发企业资质核定
zjj|public_service|P|建设工程竣工验收备案
zjj|licensing|P|城镇污水排入排水管网许可
zjj|payment|P|公共租赁住房申请
zjj|payment|P|城镇住房保障家庭租赁补贴
zjj|public_service|P|住宅专项维修资金使用核准
zjj|licensing|P|燃气经营许可证核发
cgj|licensing|P|城市建筑垃圾处置核准
cgj|licensing|P|设置大型户外广告审批
cgj|licensing|P|临时占用城市道路审批
cgj|licensing|P|挖掘城市道路审批
cgj|licensing|P|城市绿地、树木审批
cgj|licensing|P|从事城市生活垃圾经营性清扫、收集、运输服务审批
cgj|licensing|P|依附于城市道路建设各种管线、杆线等设施审批
cgj|licensing|P|临时性建筑物搭建、堆放物料、占道施工审批
jtj|licensing|P|道路货物运输经营许可
jtj|licensing|P|道路旅客运输经营许可
jtj|licensing|P|机动车维修经营备案
jtj|licensing|P|网络预约出租汽车经营许可
jtj|licensing|P|网络预约出租汽车驾驶员证核发
jtj|licensing|P|巡游出租汽车车辆经营权审批
jtj|licensing|I|道路运输证配发
jtj|public_service|I|道路运输从业人员从业资格证补发
jtj|licensing|P|公路超限运输许可
jtj|licensing|P|涉路施工许可
slj|licensing|P|取水许可
slj|licensing|P|生产建设项目水土保持方案审批
slj|licensing|P|河道管理范围内建设项目工程建设方案审批
slj|licensing|P|洪水影响评价类审批
slj|licensing|P|占用农业灌溉水源、灌排工程设施审批
yjj|licensing|P|危险化学品经营许可
yjj|licensing|P|烟花爆竹经营（零售）许可
yjj|public_service|P|生产经营单位生产安全事故应急预案备案
yjj|licensing|P|金属冶炼建设项目安全设施设计审查
yjj|public_service|I|特种作业操作证补发
sthj|licensing|P|建设项目环境影响报告书审批
sthj|licensing|P|建设项目环境影响报告表审批
sthj|public_service|I|建设项目环境影响登记表备案
sthj|licensing|P|排污许可
sthj|licensing|P|危险废物经营许可
sthj|public_service|P|突发环境事件应急预案备案
zjj|payment|P|购房契税补贴申请
"""
PROGRAMME_ITEM = "购房契税补贴申请"

KIND_OF = {
    "licensing": ItemKind.LICENSING,
    "payment": ItemKind.PAYMENT,
    "confirmation": ItemKind.CONFIRMATION,
    "public_service": ItemKind.PUBLIC_SERVICE,
}
DEPT_PREFIX = {
    "gaj": "01",
    "rsj": "02",
    "scjg": "03",
    "zrzy": "04",
    "mzj": "05",
    "wjw": "06",
    "jyj": "07",
    "zjj": "08",
    "cgj": "09",
    "jtj": "10",
    "slj": "11",
    "yjj": "12",
    "sthj": "13",
}
EXTRA_MATERIAL = {
    "gaj": "居民户口簿",
    "rsj": "近期免冠照片",
    "scjg": "住所（经营场所）使用证明",
    "zrzy": "不动产权属证书",
    "mzj": "相关证明材料",
    "wjw": "相关资格证明",
    "jyj": "相关资格证明",
}
WAIVED = {
    "gaj": ("居民户口簿复印件", "通过人口信息共享核验"),
    "rsj": ("居民户口簿复印件", "通过人口信息共享核验"),
    "mzj": ("居民户口簿复印件", "通过人口信息共享核验"),
    "wjw": ("居民户口簿复印件", "通过人口信息共享核验"),
}
WAIVED_LICENCE = ("营业执照复印件", "通过电子证照库获取")
REGISTRATION_FEE = "住宅类80元/件；非住宅类550元/件"
NEARBY_DEPTS = frozenset({"rsj", "mzj", "wjw", "gaj"})
POPULAR = (
    "社会保障卡申领",
    "城乡居民养老保险参保登记",
    "居民身份证申领",
    "居民身份证换领",
    "不动产登记（转移登记）",
    "不动产登记（抵押权首次登记）",
    "营业执照办理（个体工商户注册登记）",
    "营业执照办理（企业设立登记）",
    "城乡居民基本医疗保险参保登记",
    "异地就医备案",
    "个人权益记录查询打印",
    "居住证申领",
    "商品房买卖合同网签备案",
    "食品经营许可",
    "内地居民结婚登记",
)

BUNDLES = (
    (
        "YJS-01",
        "新生儿出生一件事",
        "wjw",
        10,
        ("出生医学证明签发", "出生登记", "社会保障卡申领", "城乡居民基本医疗保险参保登记"),
    ),
    (
        "YJS-02",
        "企业开办一件事",
        "scjg",
        1,
        ("企业名称自主申报", "营业执照办理（企业设立登记）", "公章刻制备案", "就业登记"),
    ),
    ("YJS-03", "退休一件事", "rsj", 15, ("企业职工基本养老保险待遇申领", "个人权益记录查询打印")),
    ("YJS-04", "身后一件事", "mzj", 10, ("死亡户口注销", "殡葬补助", "城乡居民养老保险关系注销")),
    (
        "YJS-05",
        "开办餐饮店一件事",
        "scjg",
        5,
        ("营业执照办理（个体工商户注册登记）", "食品经营许可", "公共场所卫生许可"),
    ),
)

# The district hall's windows: number, name, kind, flexible, department keys (None: every item).
DISTRICT_WINDOWS: tuple[tuple[str, str, str, bool, tuple[str, ...] | None], ...] = (
    *((f"{n:02d}", f"综合受理{n}号窗", WindowKind.COMPREHENSIVE, n >= 6, None) for n in range(1, 9)),
    *((f"{n:02d}", f"不动产登记{n - 8}号窗", WindowKind.DEDICATED, False, ("zrzy",)) for n in range(9, 13)),
    *((f"{n:02d}", f"公安户政{n - 12}号窗", WindowKind.DEDICATED, n == 15, ("gaj",)) for n in range(13, 16)),
    *((f"{n:02d}", f"社保医保{n - 15}号窗", WindowKind.DEDICATED, n == 18, ("rsj",)) for n in range(16, 19)),
    *((f"{n:02d}", f"市场准入{n - 18}号窗", WindowKind.DEDICATED, False, ("scjg",)) for n in range(19, 21)),
    ("21", "帮办代办窗口", WindowKind.ASSISTANCE, False, None),
)
PROGRAMME_WINDOWS = tuple(f"{n}" for n in range(31, 36))


def _items() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CATALOGUE.strip().splitlines():
        dept, kind, handling, name = line.split("|")
        rows.append((dept, kind, handling, name))
    return rows


def _modes(dept: str, kind: str, handling: str, name: str, depth: str) -> list[str]:
    modes = [HandlingMode.APPOINTMENT]
    if depth >= "3":
        modes += [HandlingMode.ONLINE, HandlingMode.MOBILE]
    if kind == "licensing":
        modes.append(HandlingMode.POST)
    if dept in NEARBY_DEPTS and kind in {"public_service", "payment"}:
        modes.append(HandlingMode.NEARBY)
    if handling == "I" and (dept in {"rsj", "gaj"} or "查询" in name):
        modes.append(HandlingMode.SELF_SERVICE)
    if dept in {"scjg", "zjj", "jtj"} or kind == "payment":
        modes.append(HandlingMode.ASSISTED)
    if kind == "payment" and dept == "mzj":
        modes.append(HandlingMode.DOORSTEP)
    if dept in {"rsj", "scjg"} and handling == "I":
        modes.append(HandlingMode.CROSS_PROVINCE)
    return [str(m) for m in modes]


def _catalogue(units: dict[str, Unit], rng: random.Random) -> tuple[dict[str, Item], int, int]:
    """The items and their materials, by name."""
    existing = {i.name: i for i in Item.objects.filter(code__startswith=f"{WEIDONG.code}-")}
    created = unchanged = 0
    counters: dict[str, int] = {}
    fallback = units[unit_code(WEIDONG.code, "rsj")]
    new_items: list[Item] = []
    materials: dict[str, list[ItemMaterial]] = {}
    for dept, kind, handling, name in _items():
        counters[dept] = counters.get(dept, 0) + 1
        code = f"{WEIDONG.code}-{DEPT_PREFIX[dept]}{counters[dept]:03d}"
        draw = rng.random()
        if name in existing:
            unchanged += 1
            continue
        depth = "2" if name.startswith(("居民身份证", "临时居民身份证")) else ("4" if draw < 0.72 else "3")
        immediate = handling == "I"
        legal = 0 if immediate else rng.choice((15, 20, 20, 30))
        promised = 0 if immediate else max(1, min(legal, rng.choice((3, 5, 5, 7, 10))))
        fee = REGISTRATION_FEE if name.startswith("不动产登记（") and "注销" not in name else ""
        item = Item(
            code=code,
            name=name,
            department=units.get(unit_code(WEIDONG.code, dept), fallback),
            kind=KIND_OF[kind],
            handling_type=HandlingType.IMMEDIATE if immediate else HandlingType.PROMISED,
            legal_limit_days=legal,
            promised_limit_days=promised,
            online_depth=depth,
            modes=_modes(dept, kind, handling, name, depth),
            fee=fee,
            visits=0 if depth == "4" else 1,
        )
        new_items.append(item)
        rows = [
            ItemMaterial(name="申请表", original_copies=1, position=1),
            ItemMaterial(name="申请人居民身份证", original_copies=1, copy_copies=1, position=2),
        ]
        extra = EXTRA_MATERIAL.get(dept, "营业执照")
        rows.append(ItemMaterial(name=extra, original_copies=1, copy_copies=1, position=3))
        if kind == "licensing" and dept not in EXTRA_MATERIAL:
            rows.append(ItemMaterial(name="相关技术资料", copy_copies=1, position=4, is_required=False))
        if counters[dept] % 3 == 1:
            waived_name, reason = WAIVED.get(dept, WAIVED_LICENCE)
            rows.append(ItemMaterial(name=waived_name, is_waived=True, waived_reason=reason, position=9))
        materials[name] = rows
    Item.objects.bulk_create(new_items, batch_size=500)
    by_name = {i.name: i for i in Item.objects.filter(code__startswith=f"{WEIDONG.code}-")}
    batch: list[ItemMaterial] = []
    for name, rows in materials.items():
        for m in rows:
            m.item = by_name[name]
            batch.append(m)
    ItemMaterial.objects.bulk_create(batch, batch_size=1000)
    created += len(new_items) + len(batch)
    return by_name, created, unchanged


def _bundles(items: dict[str, Item], units: dict[str, Unit]) -> tuple[int, int]:
    created = unchanged = 0
    for code, name, dept, days, names in BUNDLES:
        if Bundle.objects.filter(code=code).exists():
            unchanged += 1
            continue
        lead = units.get(unit_code(WEIDONG.code, dept)) or items[names[0]].department
        bundle = Bundle.objects.create(code=code, name=name, promised_limit_days=days, lead_department=lead)
        BundleItem.objects.bulk_create(
            [BundleItem(bundle=bundle, item=items[n], position=i) for i, n in enumerate(names, start=1)]
        )
        created += 1 + len(names)
    return created, unchanged


def _halls(district: Territory) -> tuple[list[Hall], int, int]:
    streets = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.STREET).order_by("path")
    )[:STREET_HALLS]
    specs = [
        (DISTRICT_HALL, "卫东区政务服务中心", HallKind.DISTRICT, district, dt.time(9), dt.time(17), False),
        *(
            (f"WD-BM{i:02d}", f"{s.name}便民服务中心", HallKind.STREET, s, dt.time(9), dt.time(17), False)
            for i, s in enumerate(streets, start=1)
        ),
        (SELF_SERVICE_HALL, "卫东区24小时自助服务区", HallKind.SELF_SERVICE, district, None, None, True),
    ]
    created = unchanged = 0
    halls = []
    for code, name, kind, territory, opens, closes, always in specs:
        hall = Hall.objects.filter(code=code).first()
        if hall is None:
            hall = Hall.objects.create(
                code=code,
                name=name,
                kind=kind,
                territory=territory,
                address=f"平顶山市卫东区{territory.name if territory != district else ''}",
                phone="0375-2900000" if kind == HallKind.DISTRICT else "",
                opens_at=opens,
                closes_at=closes,
                always_open=always,
            )
            created += 1
        else:
            unchanged += 1
        halls.append(hall)
    return halls, created, unchanged


def _staff(hall: Hall, n: int, template: User | None) -> list[User]:
    """The hall's window staff (窗口工作人员), with their grant on the hall's territory."""
    names = [f"hall_{hall.code.lower().replace('-', '_')}_{i:02d}" for i in range(1, n + 1)]
    if hall.code == DISTRICT_HALL:
        names[0] = DEMO_HALL_STAFF
    have = {u.username: u for u in User.objects.filter(username__in=names)}
    new = []
    for username in names:
        if username in have:
            continue
        mobile = mobile_number(username)
        user = User(
            username=username,
            display_name="演示窗口工作人员" if username == DEMO_HALL_STAFF else person_name(username),
            mobile=mobile,
            mobile_index=blind_index(mobile),
            is_demo=True,
        )
        if username == DEMO_HALL_STAFF and template is not None:
            user.password = template.password  # the shared demo password, hashed once for every login
            user.password_changed_at = template.password_changed_at
        else:
            user.set_unusable_password()
            user.password_changed_at = None
        new.append(user)
    if new:
        User.objects.bulk_create(new)
    users = list(User.objects.filter(username__in=names).order_by("username"))
    granted = set(
        RoleGrant.objects.filter(user__in=users, role=Role.HALL_STAFF, territory=hall.territory).values_list(
            "user_id", flat=True
        )
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.HALL_STAFF, territory=hall.territory) for u in users if u.pk not in granted]
    )
    by_name = {u.username: u for u in users}
    return [by_name[n] for n in names]


def _windows(hall: Hall, items: dict[str, Item], staff: list[User]) -> tuple[list[Window], int]:
    if hall.windows.exists():
        return list(hall.windows.order_by("number")), 0
    by_dept: dict[str, list[Item]] = {}
    for dept, _kind, _handling, name in _items():
        by_dept.setdefault(dept, []).append(items[name])
    everything = [i for i in items.values() if i.name != PROGRAMME_ITEM]
    specs: list[tuple[str, str, str, bool, list[Item]]] = []
    if hall.kind == HallKind.DISTRICT:
        for number, name, kind, flexible, depts in DISTRICT_WINDOWS:
            if depts is None:
                taken = (
                    everything
                    if kind == WindowKind.ASSISTANCE
                    else [i for d, rows in by_dept.items() if d not in {"zrzy", "gaj"} for i in rows]
                )
            else:
                taken = [i for d in depts for i in by_dept[d]]
            specs.append((number, name, kind, flexible, taken))
        for k, number in enumerate(PROGRAMME_WINDOWS, start=1):
            specs.append((number, f"契税缴纳补贴{k}号工位", WindowKind.DEDICATED, False, [items[PROGRAMME_ITEM]]))
    elif hall.kind == HallKind.STREET:
        nearby = [i for i in everything if HandlingMode.NEARBY in i.modes]
        specs = [
            ("01", "综合受理1号窗", WindowKind.COMPREHENSIVE, False, nearby),
            ("02", "综合受理2号窗", WindowKind.COMPREHENSIVE, True, nearby),
            ("03", "帮办代办窗口", WindowKind.ASSISTANCE, False, nearby),
        ]
    else:
        selfish = [i for i in everything if HandlingMode.SELF_SERVICE in i.modes]
        specs = [(f"Z{n}", f"自助终端{n}号", WindowKind.SELF_SERVICE, False, selfish) for n in range(1, 5)]
    windows = Window.objects.bulk_create(
        [Window(hall=hall, number=n, name=name, kind=kind, is_flexible=flex) for n, name, kind, flex, _t in specs]
    )
    windows = list(Window.objects.filter(hall=hall).order_by("number"))
    by_number = {w.number: w for w in windows}
    WindowItem.objects.bulk_create(
        [WindowItem(window=by_number[n], item=i) for n, _name, _k, _f, taken in specs for i in taken],
        batch_size=2000,
    )
    if hall.kind != HallKind.SELF_SERVICE:
        through = Window.staff.through
        through.objects.bulk_create(
            [through(window_id=w.pk, user_id=staff[k % len(staff)].pk) for k, w in enumerate(windows)]
        )
    created = len(windows) + sum(len(t) for *_rest, t in specs)
    return windows, created


def _duties(windows: list[Window], first: dt.date, today: dt.date) -> int:
    cal = arithmetic.get_calendar()
    have = set(Duty.objects.filter(window__in=windows, day__gte=first).values_list("window_id", "day"))
    staff = {w.pk: list(w.staff.all()) for w in windows}
    rows = []
    day = first
    while day <= today:
        if cal.is_working_day(day):
            for w in windows:
                for s in staff[w.pk][:1]:
                    if (w.pk, day) not in have:
                        rows.append(Duty(window=w, day=day, staff=s))
        day += dt.timedelta(days=1)
    Duty.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _programme(hall: Hall, items: dict[str, Item], windows: list[Window], first: dt.date) -> tuple[Programme, int]:
    found = Programme.objects.filter(code="QS-BT").first()
    if found is not None:
        return found, 0
    p = Programme.objects.create(
        code="QS-BT",
        name="契税缴纳补贴专项服务",
        hall=hall,
        department=items[PROGRAMME_ITEM].department,
        target_households=509,
        starts_on=first,
        description="开设5个工位，集中受理购房契税缴纳补贴申请。",
    )
    p.items.add(items[PROGRAMME_ITEM])
    p.windows.add(*[w for w in windows if w.number in PROGRAMME_WINDOWS])
    return p, 1


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def _id_number(rng: random.Random) -> str:
    from wangge.core.validators import id_number_checksum

    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
    first17 = f"410403{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_number_checksum(first17)


class _Plan:
    """What one month of bulk 办件 needs: the windows and items of each hall, the calendar, the clock."""

    def __init__(self, halls: list[Hall], programme: Programme, now: dt.datetime) -> None:
        self.cal = arithmetic.get_calendar()
        self.now = now
        self.day_seconds = clock.day_seconds()
        self.halls = halls
        self.programme = programme
        self.windows: dict[int, list[tuple[Window, list[int], list[int]]]] = {}
        items = {i.pk: i for i in Item.objects.all()}
        self.items = items
        popular = {i.pk for i in items.values() if i.name in POPULAR}
        programme_windows = set(programme.windows.values_list("pk", flat=True))
        self.programme_windows: list[tuple[Window, list[int]]] = []
        staff_of: dict[int, list[int]] = {}
        for w_id, u_id in Window.staff.through.objects.filter(window__hall__in=halls).values_list(
            "window_id", "user_id"
        ):
            staff_of.setdefault(w_id, []).append(u_id)
        taken: dict[int, list[int]] = {}
        for w_id, i_id in WindowItem.objects.filter(window__hall__in=halls).values_list("window_id", "item_id"):
            taken.setdefault(w_id, []).append(i_id)
        for hall in halls:
            rows = []
            for w in Window.objects.filter(hall=hall).order_by("number"):
                if w.pk in programme_windows:
                    self.programme_windows.append((w, staff_of.get(w.pk, [])))
                    continue
                ids = sorted(taken.get(w.pk, []))
                weights = [12 if i in popular else 1 for i in ids]
                if ids:
                    rows.append((w, ids, weights))
            self.windows[hall.pk] = rows
        self.staff_of = staff_of

    def working_days(self, first: dt.date, end: dt.date) -> list[dt.date]:
        out, day = [], first
        while day < end:
            if self.cal.is_working_day(day):
                out.append(day)
            day += dt.timedelta(days=1)
        return out


def _one(
    plan: _Plan,
    rng: random.Random,
    *,
    code: str,
    hall: Hall,
    window: Window,
    item: Item,
    staff_id: int | None,
    received: dt.datetime,
    programme: Programme | None,
) -> tuple[Application, list[ApplicationEvent]]:
    cal, now = plan.cal, plan.now
    online = HandlingMode.ONLINE in item.modes and rng.random() < 0.18 and hall.kind != HallKind.SELF_SERVICE
    channel = (
        Channel.SELF_SERVICE if hall.kind == HallKind.SELF_SERVICE else (Channel.ONLINE if online else Channel.WINDOW)
    )
    organisation = item.kind == ItemKind.LICENSING and rng.random() < 0.5
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _n in range(rng.choice((1, 2, 2))))
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    id_number = "" if organisation else _id_number(rng)
    promised = item.promised_limit_days
    accepted = received + dt.timedelta(minutes=rng.randint(3, 20))
    due = clock.due_at(accepted, promised)
    a = Application(
        code=code,
        item=item,
        department_id=item.department_id,
        hall=hall,
        window=window,
        staff_id=staff_id,
        first_contact_id=staff_id,
        channel=channel,
        applicant_kind=ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON,
        applicant_name=(f"平顶山市{person}商贸有限公司" if organisation else person),
        applicant_id_number=id_number,
        applicant_id_index=blind_index(id_number) if id_number else "",
        applicant_phone=phone,
        applicant_phone_index=blind_index(phone),
        received_at=received,
        promised_days=promised,
        legal_days=item.legal_limit_days,
        due_at=due,
        programme=programme,
        is_synthetic=True,
    )
    events: list[tuple[str, str, str, dt.datetime]] = [("receive", "", ApplicationStatus.RECEIVED, received)]
    draw = rng.random()
    if draw < 0.008:
        a.status = ApplicationStatus.REJECTED
        a.rejected_at = accepted
        a.result = "不符合受理条件"
        events.append(("reject", ApplicationStatus.RECEIVED, ApplicationStatus.REJECTED, accepted))
    elif draw < 0.014:
        a.status = ApplicationStatus.WITHDRAWN
        events.append(("withdraw", ApplicationStatus.RECEIVED, ApplicationStatus.WITHDRAWN, accepted))
    else:
        a.accepted_at = accepted
        events.append(("accept", ApplicationStatus.RECEIVED, ApplicationStatus.ACCEPTED, accepted))
        if promised == 0:
            finished = accepted + dt.timedelta(minutes=rng.randint(5, 40))
        else:
            late = rng.random() < LATE_SHARE
            share = rng.uniform(1.05, 1.6) if late else min(0.98, rng.expovariate(1 / SPEED))
            finished = cal.add_working_hours(accepted, promised * share * plan.day_seconds / 3600).value
        stuck = promised > 0 and rng.random() < STUCK_SHARE  # waiting on another department: past its limit
        if finished <= now and not stuck:
            a.status = ApplicationStatus.FINISHED
            a.handled_at = finished
            a.finished_at = finished
            a.result = "准予办理"
            seconds = cal.working_seconds_between(accepted, finished).value
            a.elapsed_working_days = round(seconds / plan.day_seconds, 2)
            a.is_overdue = finished > due
            events.append(("finish", ApplicationStatus.ACCEPTED, ApplicationStatus.FINISHED, finished))
        else:
            a.status = ApplicationStatus.ACCEPTED
            a.is_overdue = due < now
    rows = [
        ApplicationEvent(
            at=at, actor_id=staff_id, transition=name, from_status=src, to_status=dst, data={"synthetic": True}
        )
        for name, src, dst, at in events
    ]
    return a, rows


def _month(plan: _Plan, first: dt.date, end: dt.date, rng: random.Random) -> int:
    """Bulk 办件 of the working days from ``first`` to before ``end`` in every hall."""
    hall_ids = [h.pk for h in plan.halls]
    start = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    stop = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    if Application.objects.filter(
        hall_id__in=hall_ids, is_synthetic=True, received_at__gte=start, received_at__lt=stop
    ).exists():
        return 0
    tz = timezone.get_current_timezone()
    apps: list[Application] = []
    events: list[list[ApplicationEvent]] = []
    for day in plan.working_days(first, end):
        seq = 0
        for hall in plan.halls:
            windows = plan.windows[hall.pk]
            if not windows:
                continue
            count = PER_DAY[HallKind(hall.kind)]
            count = max(1, int(count * rng.uniform(0.8, 1.2)))
            jobs: list[tuple[Window, int, Programme | None]] = []
            for _n in range(count):
                w, ids, weights = windows[rng.randrange(len(windows))]
                jobs.append((w, rng.choices(ids, weights)[0], None))
            if hall.code == DISTRICT_HALL and plan.programme_windows:
                for _n in range(PROGRAMME_PER_DAY):
                    w, _staff = plan.programme_windows[rng.randrange(len(plan.programme_windows))]
                    item_id = plan.programme.items.all()[0].pk
                    jobs.append((w, item_id, plan.programme))
            for w, item_id, programme in jobs:
                seq += 1
                # A morning peak: most arrivals between 9:00 and 11:30.
                minute = int(rng.triangular(0, 480, 90)) if hall.kind != HallKind.SELF_SERVICE else rng.randint(0, 1380)
                base = dt.time(9) if hall.kind != HallKind.SELF_SERVICE else dt.time(0, 30)
                received = dt.datetime.combine(day, base, tzinfo=tz) + dt.timedelta(minutes=minute)
                staff: list[int | None] = [*plan.staff_of.get(w.pk, [])] or [None]
                a, ev = _one(
                    plan,
                    rng,
                    code=f"BJ{day:%Y%m%d}{seq:05d}",
                    hall=hall,
                    window=w,
                    item=plan.items[item_id],
                    staff_id=staff[rng.randrange(len(staff))],
                    received=received,
                    programme=programme,
                )
                apps.append(a)
                events.append(ev)
    Application.objects.bulk_create(apps, batch_size=1000)
    if any(a.pk is None for a in apps):
        by_code = dict(Application.objects.filter(code__in=[a.code for a in apps]).values_list("code", "pk"))
        for a in apps:
            a.pk = by_code[a.code]
    rows = []
    for a, ev in zip(apps, events, strict=True):
        for e in ev:
            e.application_id = a.pk
            rows.append(e)
    ApplicationEvent.objects.bulk_create(rows, batch_size=2000)
    return len(apps) + len(rows)


LIVE = (
    ("社会保障卡申领", "王秀兰", ("accept", "finish")),
    ("城乡居民养老保险参保登记", "李建国", ("accept", "finish")),
    ("不动产登记（转移登记）", "张志强", ("accept",)),
    ("营业执照办理（企业设立登记）", "刘桂英", ("request_supplement",)),
    ("食品经营许可", "陈海涛", ("reject",)),
    ("居住证申领", "赵红梅", ()),
)


def _office_moment(now: dt.datetime) -> dt.datetime:
    """Now when it is office time of a working day, else 15:00 of the last working day before."""
    cal = arithmetic.get_calendar()
    local = timezone.localtime(now)
    if cal.is_working_day(local.date()) and dt.time(10, 30) <= local.time() <= dt.time(16, 30):
        return now
    day = local.date() if cal.is_working_day(local.date()) and local.time() > dt.time(16, 30) else None
    if day is None:
        day = local.date() - dt.timedelta(days=1)
        while not cal.is_working_day(day):
            day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(15), tzinfo=local.tzinfo)


def _live(hall: Hall, items: dict[str, Item], staff: User, now: dt.datetime) -> int:
    """A few applications received through the real services in the last office hours, left at different
    steps."""
    if Application.objects.filter(hall=hall, applicant_name=LIVE[0][1], is_synthetic=False).exists():
        return 0
    window = Window.objects.filter(hall=hall, kind=WindowKind.COMPREHENSIVE).order_by("number").first()
    rng = random.Random(SEED + 1)
    moment = _office_moment(now)
    n = 0
    for k, (item_name, name, steps) in enumerate(LIVE):
        item = items[item_name]
        at = moment - dt.timedelta(minutes=90 - 10 * k)
        a = application_receive(
            actor=staff,
            item=item,
            hall=hall,
            window=window,
            applicant_name=name,
            applicant_id_number=_id_number(rng),
            applicant_phone=mobile_number(f"live:{name}"),
            now=at,
        )
        n += 2
        for j, step in enumerate(steps, start=1):
            when = at + dt.timedelta(minutes=3 * j)
            asked = [m.name for m in item.materials.all() if not m.is_waived]
            inputs: dict[str, Any] = {}
            if step == "request_supplement":
                inputs["missing"] = asked[-1:]
            elif step == "reject":
                inputs["note"] = "申请人提交的经营场所不符合食品经营许可条件"
                inputs["missing"] = asked[-1:]
            elif step == "finish":
                inputs["result"] = "准予办理"
            application_transition(actor=staff, application=a, name=step, now=when, **inputs)
            n += 1
    return n


ASSISTANCE = (
    (AssistanceKind.PROXY, "营业执照办理（企业设立登记）", "为招商引资企业全程代办营业执照"),
    (AssistanceKind.ASSIST, "不动产登记（转移登记）", "陪同老年人办理二手房过户"),
    (AssistanceKind.DOORSTEP, "城乡居民养老保险待遇申领", "为行动不便老人上门办理养老金领取"),
    (AssistanceKind.ASSIST, "社会保障卡申领", "指导使用自助终端申领社保卡"),
    (AssistanceKind.PROXY, "食品经营许可", "为小微企业代办食品经营许可"),
    (AssistanceKind.DOORSTEP, "重度残疾人护理补贴", "上门为重度残疾人采集信息"),
    (AssistanceKind.PROXY, "建筑工程施工许可证核发", "为重点项目全程代办施工许可"),
    (AssistanceKind.ASSIST, "购房契税补贴申请", "协助购房户填写契税补贴申请"),
)


def _assistance(hall: Hall, items: dict[str, Item], staff: list[User], first: dt.date, programme: Programme) -> int:
    if Assistance.objects.filter(hall=hall, is_synthetic=True).exists():
        return 0
    tz = timezone.get_current_timezone()
    rows = []
    for k in range(14):
        kind, item_name, note = ASSISTANCE[k % len(ASSISTANCE)]
        helper = staff[k % len(staff)]
        name = person_name(f"assist:{k}")
        phone = mobile_number(f"assist:{k}")
        at = dt.datetime.combine(first + dt.timedelta(days=2 * k + 1), dt.time(10, 15), tzinfo=tz)
        rows.append(
            Assistance(
                kind=kind,
                hall=hall,
                item=items[item_name],
                programme=programme if item_name == PROGRAMME_ITEM else None,
                helper=helper,
                helper_name=helper.display_name,
                person_name=name,
                person_phone=phone,
                person_phone_index=blind_index(phone),
                at=at,
                address="卫东区优越路街道华西社区" if kind == AssistanceKind.DOORSTEP else "",
                note=note,
                is_synthetic=True,
            )
        )
    Assistance.objects.bulk_create(rows)
    return len(rows)


def hall_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Build the halls, windows, catalogue and 办件 of 卫东区 (see the module notes); return (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    units = {u.code: u for u in Unit.objects.filter(code__startswith=f"{WEIDONG.code}-")}
    if unit_code(WEIDONG.code, "rsj") not in units:
        return 0, 0
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localtime(now).date()
    this_month, _next = _month_bounds(today)
    last_month, _end = _month_bounds(this_month - dt.timedelta(days=1))
    with transaction.atomic():
        items, created, unchanged = _catalogue(units, rng)
        c, u = _bundles(items, units)
        created, unchanged = created + c, unchanged + u
        halls, c, u = _halls(district)
        created, unchanged = created + c, unchanged + u
        template = User.objects.filter(username="demo_admin").first()
        staff_by_hall: dict[int, list[User]] = {}
        windows_all: list[Window] = []
        for hall in halls:
            n = {HallKind.DISTRICT: 16, HallKind.STREET: 3}.get(HallKind(hall.kind), 0)
            staff_by_hall[hall.pk] = _staff(hall, n, template) if n else []
            windows, c = _windows(hall, items, staff_by_hall[hall.pk])
            windows_all += windows
            created += c
        created += _duties(windows_all, last_month, today)
        district_hall = halls[0]
        programme, c = _programme(district_hall, items, windows_all, last_month)
        created += c
        plan = _Plan(halls, programme, now)
        month_rng = random.Random(SEED + last_month.toordinal())
        n = _month(plan, last_month, this_month, month_rng)
        month_rng = random.Random(SEED + this_month.toordinal())
        m = _month(plan, this_month, today, month_rng)
        created += n + m
        unchanged += int(not n) + int(not m)
        created += _live(district_hall, items, staff_by_hall[district_hall.pk][0], now)
        created += _assistance(district_hall, items, staff_by_hall[district_hall.pk], last_month, programme)
        if created:
            audit.record(
                actor=actor,
                action="demo.hall_seed",
                after={"created": created, "month": f"{last_month:%Y-%m}"},
                only_changes=False,
            )
    return created, unchanged
