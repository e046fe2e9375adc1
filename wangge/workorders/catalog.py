"""The category dictionary: the seed (数字城管 event and component classes, 12345 subject areas) and versioning."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from wangge.core import audit
from wangge.core.errors import ValidationFailed
from wangge.workorders.choices import CategoryKind, DurationUnit, HandlingClass, ResolutionMode, Step
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import Category, CategorySet, RoutingRule, StepDeadline

WH, WD, ND, CH = (
    DurationUnit.WORKING_HOURS,
    DurationUnit.WORKING_DAYS,
    DurationUnit.NATURAL_DAYS,
    DurationUnit.CLOCK_HOURS,
)

# (code, name, handling class, resolution mode, handle limit, default unit code or "")
# Sub-class limits follow published municipal 立结案标准 (e.g. 暴露垃圾 4 工作时, 违法搭建 15 工作日).
SEED: list[dict[str, Any]] = [
    {
        "code": "E01",
        "name": "市容环境",
        "kind": CategoryKind.EVENT,
        "children": [
            ("E0101", "私搭乱建", "C", "deadline", (15, WD), "cgj"),
            ("E0102", "暴露垃圾", "A", "on_site", (4, WH), "sanitation"),
            ("E0103", "积存渣土", "C", "deadline", (2, WD), "sanitation"),
            ("E0104", "道路不洁", "C", "deadline", (2, WH), "sanitation"),
            ("E0105", "水域不洁", "C", "deadline", (15, WD), "slj"),
            ("E0106", "绿地脏乱", "C", "deadline", (4, WH), "cgj"),
        ],
    },
    {
        "code": "E02",
        "name": "宣传广告",
        "kind": CategoryKind.EVENT,
        "children": [
            ("E0201", "非法小广告", "A", "on_site", (1, WD), "cgj"),
            ("E0202", "违规户外广告", "C", "deadline", (5, WD), "cgj"),
        ],
    },
    {
        "code": "E03",
        "name": "施工管理",
        "kind": CategoryKind.EVENT,
        "children": [
            ("E0301", "施工扰民", "C", "deadline", (2, WD), "zjj"),
            ("E0302", "施工占道", "C", "deadline", (2, WD), "zjj"),
            ("E0303", "工地扬尘", "C", "deadline", (1, WD), "sthj"),
        ],
    },
    {
        "code": "E04",
        "name": "突发事件",
        "kind": CategoryKind.EVENT,
        "children": [
            ("E0401", "管道破裂", "C", "deadline", (24, CH), "water"),
            ("E0402", "路面塌陷", "C", "deadline", (24, CH), "jtj"),
            ("E0403", "道路积水", "C", "deadline", (4, WH), "cgj"),
        ],
    },
    {
        "code": "E05",
        "name": "街面秩序",
        "kind": CategoryKind.EVENT,
        "children": [
            ("E0501", "无照经营", "C", "deadline", (5, WD), "scjg"),
            ("E0502", "占道经营", "B", "deadline", (1, WD), ""),
            ("E0503", "流浪乞讨", "C", "deadline", (1, WD), "mzj"),
            ("E0504", "非法营运车辆", "C", "deadline", (5, WD), "jtj"),
        ],
    },
    {
        "code": "C01",
        "name": "公用设施",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0101", "上水井盖", "C", "deadline", (24, CH), "water"),
            ("C0102", "污水井盖", "C", "deadline", (24, CH), "cgj"),
            ("C0103", "雨水箅子", "C", "deadline", (2, WD), "cgj"),
            ("C0104", "电力设施", "C", "deadline", (24, CH), "power"),
            ("C0105", "燃气设施", "C", "deadline", (2, CH), "gas"),
        ],
    },
    {
        "code": "C02",
        "name": "道路交通",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0201", "路灯", "C", "deadline", (3, WD), "cgj"),
            ("C0202", "交通信号与标志", "C", "deadline", (2, WD), "gaj"),
            ("C0203", "道路破损", "C", "deadline", (7, WD), "jtj"),
            ("C0204", "公交站亭", "C", "deadline", (5, WD), "bus"),
        ],
    },
    {
        "code": "C03",
        "name": "市容环境设施",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0301", "垃圾箱", "C", "deadline", (2, WD), "sanitation"),
            ("C0302", "公厕", "C", "deadline", (2, WD), "sanitation"),
        ],
    },
    {
        "code": "C04",
        "name": "园林绿化",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0401", "行道树", "C", "deadline", (5, WD), "cgj"),
            ("C0402", "绿地缺损", "C", "deadline", (5, WD), "cgj"),
        ],
    },
    {
        "code": "C05",
        "name": "房屋土地",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0501", "危房", "C", "deadline", (2, CH), "zjj"),
            ("C0502", "违法占地", "C", "deadline", (15, WD), "zrzy"),
        ],
    },
    {
        "code": "C06",
        "name": "其他设施",
        "kind": CategoryKind.COMPONENT,
        "children": [
            ("C0601", "其他部件", "B", "deadline", (7, WD), ""),
        ],
    },
    {
        "code": "S01",
        "name": "城乡建设",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0101", "物业管理", "B", "deadline", (7, WD), "zjj"),
            ("S0102", "老旧小区改造", "C", "deadline", (15, WD), "zjj"),
            ("S0103", "供水供电供气供暖", "C", "deadline", (24, CH), "water"),
        ],
    },
    {
        "code": "S02",
        "name": "环境保护",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0201", "噪声污染", "C", "deadline", (7, WD), "sthj"),
            ("S0202", "大气污染", "C", "deadline", (7, WD), "sthj"),
        ],
    },
    {
        "code": "S03",
        "name": "交通运输",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0301", "公共交通", "C", "deadline", (7, WD), "bus"),
            ("S0302", "道路设施", "C", "deadline", (7, WD), "jtj"),
        ],
    },
    {
        "code": "S04",
        "name": "劳动和社会保障",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0401", "欠薪", "C", "deadline", (7, WD), "rsj"),
            ("S0402", "社会保险", "C", "deadline", (7, WD), "rsj"),
        ],
    },
    {
        "code": "S05",
        "name": "教育文体",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0501", "学校管理", "C", "deadline", (7, WD), "jyj"),
        ],
    },
    {
        "code": "S06",
        "name": "商贸旅游",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0601", "消费维权", "C", "deadline", (7, WD), "scjg"),
            ("S0602", "食品安全", "C", "deadline", (7, WD), "scjg"),
        ],
    },
    {
        "code": "S07",
        "name": "卫生计生",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0701", "医疗服务", "C", "deadline", (7, WD), "wjw"),
        ],
    },
    {
        "code": "S08",
        "name": "民政与社区服务",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0801", "社区服务", "A", "deadline", (7, WD), ""),
            ("S0802", "养老救助", "C", "deadline", (7, WD), "mzj"),
            ("S0803", "邻里纠纷", "A", "on_site", (7, WD), ""),
        ],
    },
    {
        "code": "S09",
        "name": "社会治安与安全生产",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S0901", "治安隐患", "C", "deadline", (2, WD), "gaj"),
            ("S0902", "安全生产隐患", "C", "deadline", (2, WD), "yjj"),
            ("S0903", "防汛隐患", "C", "deadline", (2, CH), "yjj"),
        ],
    },
    {
        "code": "S10",
        "name": "咨询与其他",
        "kind": CategoryKind.SUBJECT,
        "children": [
            ("S1001", "政策咨询", "B", "deadline", (5, WD), ""),
            ("S1002", "复杂疑难诉求", "D", "deadline", (15, WD), ""),
        ],
    },
]


def category_seed(*, unit_code_prefix: str = "") -> CategorySet:
    """Create dictionary version 1 with the seed if no version exists yet (idempotent)."""
    existing = CategorySet.objects.order_by("-version").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        cs = CategorySet.objects.create(
            version=1,
            name="数字城管与12345分类",
            is_active=True,
            published_at=timezone.now(),
            note="初始版本",
        )
        order = 0
        for group in SEED:
            parent = Category.objects.create(
                category_set=cs, code=group["code"], name=group["name"], kind=group["kind"], ordering=order
            )
            order += 1
            for code, name, klass, mode, (amount, unit), unit_code in group["children"]:
                cat = Category.objects.create(
                    category_set=cs,
                    code=code,
                    name=name,
                    kind=group["kind"],
                    parent=parent,
                    handling_class=HandlingClass(klass),
                    resolution_mode=ResolutionMode(mode),
                    default_unit_code=f"{unit_code_prefix}{unit_code}" if unit_code else "",
                    ordering=order,
                )
                order += 1
                StepDeadline.objects.create(category=cat, step=Step.HANDLE, amount=Decimal(amount), unit=unit)
    return cs


def active_set() -> CategorySet:
    cs = CategorySet.objects.filter(is_active=True).first()
    return cs if cs is not None else category_seed()


def category_set_clone(*, actor: Any, source: CategorySet, note: str = "") -> CategorySet:
    """A new draft version copying ``source`` with its deadlines and routing rules; edit it, then publish."""
    with transaction.atomic():
        latest = CategorySet.objects.order_by("-version").values_list("version", flat=True).first() or 0
        draft = CategorySet.objects.create(version=latest + 1, name=source.name, is_active=False, note=note)
        mapping: dict[int, Category] = {}
        pending = list(source.categories.order_by("code"))
        # Parents before their children, level by level (the dictionary may be deeper than two levels).
        while pending:
            ready = [c for c in pending if c.parent_id is None or c.parent_id in mapping]
            if not ready:  # a parent outside this version, or a loop
                raise ValidationFailed(gettext("分类字典的上下级关系有误"), code=ErrorCode.CATEGORY_TREE_BROKEN)
            for cat in ready:
                old_pk = cat.pk
                parent = mapping[cat.parent_id] if cat.parent_id else None
                cat.pk = None
                cat.category_set = draft
                cat.parent = parent
                cat.save()
                mapping[old_pk] = cat
            copied = {id(c) for c in ready}
            pending = [c for c in pending if id(c) not in copied]
        for d in StepDeadline.objects.filter(category__category_set=source):
            StepDeadline.objects.create(
                category=mapping[d.category_id], step=d.step, urgency=d.urgency, amount=d.amount, unit=d.unit
            )
        for r in RoutingRule.objects.filter(category__category_set=source):
            RoutingRule.objects.create(
                category=mapping[r.category_id], territory_id=r.territory_id, unit_id=r.unit_id, priority=r.priority
            )
        audit.record(actor=actor, action="category_set.clone", obj=draft, after={"from_version": source.version})
    return draft


def category_set_publish(*, actor: Any, category_set: CategorySet) -> CategorySet:
    """Make a version the active one. Cases keep the category (and version) they were filed under."""
    if not category_set.categories.exists():
        raise ValidationFailed(gettext("空的分类字典不能发布"), code=ErrorCode.EMPTY_CATEGORY_SET)
    with transaction.atomic():
        before = CategorySet.objects.filter(is_active=True).values_list("version", flat=True).first()
        CategorySet.objects.filter(is_active=True).update(is_active=False)
        category_set.is_active = True
        category_set.published_at = timezone.now()
        category_set.save(update_fields=["is_active", "published_at"])
        audit.record(
            actor=actor,
            action="category_set.publish",
            obj=category_set,
            before={"active_version": before},
            after={"active_version": category_set.version},
        )
    return category_set
