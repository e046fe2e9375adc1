"""The checklists (定标): a new version of a point type's checklist, and the default checklists.

A checklist is never edited in place once rounds were done against it: :func:`checklist_publish` writes a new
version (the previous one stays, with the rounds done against it) and moves the rounds still pending to it.
Only the command centre (dispatchers) and administrators edit the checklists; every version is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import PermissionDenied
from wangge.inspections.choices import DEFAULT_TEMPLATES, ItemKind, RoundStatus
from wangge.inspections.errors import ErrorCode
from wangge.inspections.models import ChecklistItem, ChecklistTemplate, Round
from wangge.inspections.services.common import problem, refuse
from wangge.places.models import PointType
from wangge.workorders.models import Category

EDITORS = frozenset({Role.ADMIN, Role.DISPATCHER})
MAX_ITEMS = 40


def may_edit_checklists(actor: Any) -> bool:
    """The command centre (dispatchers) and administrators edit the checklists; superusers and the system too."""
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    return bool(actor.is_superuser) or actor.grants.filter(role__in=sorted(EDITORS)).exists()


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal("NaN")


def clean_items(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items as they will be stored; raises ValidationFailed listing every problem."""
    problems: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    active_codes = set(
        Category.objects.filter(is_active=True, category_set__is_active=True).values_list("code", flat=True)
    )
    for n, raw in enumerate(items):
        f = f"items[{n}]"
        key = str(raw.get("key") or "").strip()
        label = str(raw.get("label") or "").strip()
        kind = str(raw.get("kind") or "")
        if not key or not key.replace("_", "").replace("-", "").isalnum() or len(key) > 40:
            problems.append(
                problem(f"{f}.key", ErrorCode.INVALID_CHECKLIST, _("检查项键须为 1-40 位字母、数字或下划线"))
            )
        elif key in seen:
            problems.append(problem(f"{f}.key", ErrorCode.INVALID_CHECKLIST, _("检查项键重复：%(key)s") % {"key": key}))
        seen.add(key)
        if not label or len(label) > 100:
            problems.append(problem(f"{f}.label", ErrorCode.INVALID_CHECKLIST, _("请填写检查项（不超过 100 字）")))
        if kind not in ItemKind.values:
            problems.append(problem(f"{f}.kind", ErrorCode.INVALID_CHECKLIST, _("记录方式不正确")))
        low, high = _decimal(raw.get("min_value")), _decimal(raw.get("max_value"))
        if (low is not None and low.is_nan()) or (high is not None and high.is_nan()):
            problems.append(problem(f"{f}.min_value", ErrorCode.INVALID_CHECKLIST, _("合格范围须为数字")))
        elif low is not None and high is not None and low > high:
            problems.append(problem(f"{f}.min_value", ErrorCode.INVALID_CHECKLIST, _("合格下限不能大于上限")))
        opens_case = bool(raw.get("opens_case"))
        code = str(raw.get("category_code") or "").strip()
        if code and code not in active_codes:
            problems.append(
                problem(
                    f"{f}.category_code",
                    ErrorCode.INVALID_CHECKLIST,
                    _("工单分类编码不在当前字典中：%(c)s") % {"c": code},
                )
            )
        if opens_case and kind in (ItemKind.TEXT, ItemKind.PHOTO):
            problems.append(problem(f"{f}.opens_case", ErrorCode.INVALID_CHECKLIST, _("只有是/否和数值检查项会不合格")))
        out.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "required": bool(raw.get("required", True)),
                "min_value": low if kind == ItemKind.NUMBER else None,
                "max_value": high if kind == ItemKind.NUMBER else None,
                "unit": str(raw.get("unit") or "").strip()[:16],
                "opens_case": opens_case,
                "category_code": code,
                "ordering": (n + 1) * 10,
            }
        )
    if not out:
        problems.append(problem("items", ErrorCode.INVALID_CHECKLIST, _("体检表至少要有一个检查项")))
    elif len(out) > MAX_ITEMS:
        problems.append(problem("items", ErrorCode.INVALID_CHECKLIST, _("检查项不能超过 %(n)s 个") % {"n": MAX_ITEMS}))
    if problems:
        raise refuse(problems)
    return out


def checklist_publish(
    *,
    actor: ActorLike,
    point_type: PointType,
    name: str,
    items: Iterable[Mapping[str, Any]],
    note: str = "",
) -> ChecklistTemplate:
    """Publish a new version of the checklist of ``point_type`` (the first one, or the next); the rounds still
    pending move to it, the rounds done keep theirs. Raises PermissionDenied (not the command centre or an
    administrator) and ValidationFailed (no item, a repeated key, a bad range, an unknown category)."""
    require(actor)
    if not may_edit_checklists(actor):
        raise PermissionDenied(_("只有指挥中心和管理员可以修订体检表"), code=ErrorCode.NOT_TEMPLATE_EDITOR)
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise refuse([problem("name", ErrorCode.INVALID_CHECKLIST, _("请填写体检表名称（不超过 100 字）"))])
    cleaned = clean_items(items)
    with transaction.atomic():
        PointType.objects.select_for_update().filter(pk=point_type.pk).first()  # one publisher at a time per type
        previous = ChecklistTemplate.objects.filter(point_type=point_type, is_current=True).first()
        last = ChecklistTemplate.objects.filter(point_type=point_type).aggregate(n=Max("version"))["n"] or 0
        ChecklistTemplate.objects.filter(point_type=point_type, is_current=True).update(is_current=False)
        template = ChecklistTemplate.objects.create(
            point_type=point_type,
            version=last + 1,
            name=name,
            note=str(note or "").strip()[:200],
            is_current=True,
            created_by=user_of(actor),
        )
        ChecklistItem.objects.bulk_create([ChecklistItem(template=template, **row) for row in cleaned])
        moved = 0
        if previous is not None:
            moved = Round.objects.filter(template=previous, status=RoundStatus.PENDING).update(template=template)
        audit.record(
            actor=actor,
            action="inspections.checklist_publish",
            obj=template,
            after={
                **(audit.snapshot(template) or {}),
                "items": [{k: str(v) if v is not None else None for k, v in row.items()} for row in cleaned],
                "pending_rounds_moved": moved,
            },
            only_changes=False,
        )
    return template


def default_checklists_seed(*, actor: ActorLike) -> int:
    """The default checklist of each point type that has none yet (河道, 下穿式桥涵, 地下商超, 地下停车场,
    地质灾害点, 易积水点, 桥涵); returns how many were created. Item categories not in the current dictionary
    are left empty (a failure then opens an uncategorised case, classified at dispatch)."""
    active = set(Category.objects.filter(is_active=True, category_set__is_active=True).values_list("code", flat=True))
    created = 0
    types = {t.key: t for t in PointType.objects.filter(key__in=list(DEFAULT_TEMPLATES))}
    have = set(
        ChecklistTemplate.objects.filter(point_type__in=types.values()).values_list("point_type__key", flat=True)
    )
    for key, (name, items) in DEFAULT_TEMPLATES.items():
        if key not in types or key in have:
            continue
        rows = [
            {
                "key": k,
                "label": label,
                "kind": kind,
                "required": kind != ItemKind.TEXT,
                "opens_case": opens,
                "category_code": code if code in active else "",
                "min_value": low,
                "max_value": high,
                "unit": unit,
            }
            for k, label, kind, opens, code, low, high, unit in items
        ]
        checklist_publish(actor=actor, point_type=types[key], name=name, items=rows, note=_("默认体检表"))
        created += 1
    return created
