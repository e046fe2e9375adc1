"""The two default 一表 templates: 入户排查登记表 (about a household) and 商户排查登记表 (about a merchant).

Their definitions are frozen here as they were first published (surveys.tests checks them against the engine);
later changes are new versions published through the admin or ``surveys.services.version_publish``. An existing
template of the same key is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

YES_NO = ["是", "否"]
SPECIAL_GROUPS = [
    "独居老人",
    "空巢老人",
    "留守儿童",
    "残疾人",
    "低保",
    "特困",
    "退役军人",
    "党员",
    "志愿者",
    "八十岁以上老人",
    "孕产妇",
    "失业人员",
]

HOUSEHOLD_FIELDS: list[dict[str, Any]] = [
    {"name": "entered", "label": "是否入户", "kind": "choice", "required": True, "choices": YES_NO},
    {
        "name": "occupants",
        "label": "常住人数",
        "kind": "number",
        "required": True,
        "min": 0,
        "max": 50,
        "when": {"field": "entered", "equals": "是"},
    },
    {
        "name": "use",
        "label": "房屋用途",
        "kind": "choice",
        "required": True,
        "choices": ["自住", "出租", "空置", "其他"],
        "maps_to": "household.use",
    },
    {
        "name": "head_phone",
        "label": "户主联系电话",
        "kind": "text",
        "max": 20,
        "maps_to": "household.head.phone",
        "help": "有变化时填写，将更新户主的联系电话",
        "when": {"field": "entered", "equals": "是"},
    },
    {
        "name": "special_groups",
        "label": "特殊人群",
        "kind": "multi_choice",
        "choices": SPECIAL_GROUPS,
        "when": {"field": "entered", "equals": "是"},
    },
    {"name": "has_problem", "label": "发现问题", "kind": "choice", "required": True, "choices": YES_NO},
    {
        "name": "problem",
        "label": "问题描述",
        "kind": "text",
        "required": True,
        "max": 500,
        "when": {"field": "has_problem", "equals": "是"},
        "help": "将据此转立工单",
    },
    {"name": "photo", "label": "现场照片", "kind": "photo"},
    {"name": "location", "label": "位置", "kind": "location"},
    {"name": "remarks", "label": "备注", "kind": "text", "max": 500, "maps_to": "household.notes"},
]
HOUSEHOLD_ACTIONS = {
    "open_case_when": {"field": "has_problem", "equals": "是"},
    "category_code": "S0801",
    "title_field": "problem",
}

MERCHANT_FIELDS: list[dict[str, Any]] = [
    {
        "name": "fire_equipment",
        "label": "消防器材",
        "kind": "choice",
        "required": True,
        "choices": ["齐全有效", "缺失或过期"],
    },
    {"name": "frontage", "label": "门前三包", "kind": "choice", "required": True, "choices": ["落实", "未落实"]},
    {"name": "licence_shown", "label": "证照公示", "kind": "choice", "required": True, "choices": ["已公示", "未公示"]},
    {
        "name": "problem",
        "label": "问题描述",
        "kind": "text",
        "max": 500,
        "when": {"field": "fire_equipment", "equals": "缺失或过期"},
        "required": True,
    },
    {"name": "photo", "label": "现场照片", "kind": "photo"},
    {"name": "location", "label": "位置", "kind": "location"},
]
MERCHANT_ACTIONS = {
    "open_case_when": {"field": "fire_equipment", "equals": "缺失或过期"},
    "category_code": "S0902",
    "title_field": "problem",
}

TEMPLATES = (
    ("household_check", "入户排查登记表", "household", "网格员入户走访、排查登记，计入入户排查覆盖率。", HOUSEHOLD_FIELDS, HOUSEHOLD_ACTIONS),
    ("merchant_check", "商户排查登记表", "merchant", "沿街商户、单位的消防、门前三包、证照公示排查。", MERCHANT_FIELDS, MERCHANT_ACTIONS),
)


def seed(apps: Any, schema_editor: Any) -> None:
    FormTemplate = apps.get_model("surveys", "FormTemplate")
    FormVersion = apps.get_model("surveys", "FormVersion")
    now = timezone.now()
    for key, name, target, description, fields, actions in TEMPLATES:
        if FormTemplate.objects.filter(key=key).exists():
            continue
        template = FormTemplate.objects.create(key=key, name=name, target=target, description=description)
        FormVersion.objects.create(
            template=template, number=1, fields=fields, actions=actions, note="初始版本", published_at=now
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    FormTemplate = apps.get_model("surveys", "FormTemplate")
    for key, *_rest in TEMPLATES:
        template = FormTemplate.objects.filter(key=key).first()
        if template is not None and not template.submissions.exists():
            template.delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
