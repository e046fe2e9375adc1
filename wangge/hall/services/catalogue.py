"""The catalogue (事项清单) as a workbook: :func:`catalogue_import` reads an .xlsx in the usual layout, all or
nothing; :func:`catalogue_export` writes the catalogue in the same layout; :func:`error_report_xlsx` gives a refused
file back with an "错误说明" column.

Layout: one header row naming the columns below (order free, unknown columns ignored), one item per row. 事项编码,
事项名称 and 实施部门 (a unit's name or code) are required. 事项类型 and 办件类型 take the catalogue's labels
(行政许可, 即办件 …); 网上办理深度 takes 1–4 or 一级…四级; 办理方式 lists modes separated by 、 or ,;
申请材料 lists materials separated by ； or new lines — a material no longer required is written
``名称（免提交：依据）``. Re-importing updates the items by code and replaces their materials.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.spreadsheets import write_row
from wangge.hall.choices import HandlingMode, HandlingType, ItemKind, OnlineDepth
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Item, ItemMaterial

__all__ = [
    "COLUMNS",
    "CatalogueImport",
    "catalogue_export",
    "catalogue_import",
    "error_report_xlsx",
    "may_edit_catalogue",
]

REPORT_COLUMN = "错误说明"
# key, header, aliases, required
COLUMNS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("code", "事项编码", ("基本编码", "实施编码"), True),
    ("name", "事项名称", (), True),
    ("department", "实施部门", ("实施主体", "办理部门"), True),
    ("kind", "事项类型", (), False),
    ("handling_type", "办件类型", (), False),
    ("legal_limit_days", "法定办结时限", ("法定时限",), False),
    ("promised_limit_days", "承诺办结时限", ("承诺时限",), False),
    ("online_depth", "网上办理深度", (), False),
    ("modes", "办理方式", (), False),
    ("fee", "收费标准", ("是否收费",), False),
    ("materials", "申请材料", ("材料清单",), False),
    ("legal_basis", "设定依据", (), False),
    ("conditions", "受理条件", (), False),
    ("visits", "到现场次数", ("到办事现场次数",), False),
)
HEADERS = {c[1]: c for c in COLUMNS}
DEPTH_WORDS = {"一级": "1", "二级": "2", "三级": "3", "四级": "4"}
NO_FEE = {"", "不收费", "否", "无", "免费"}
WAIVED = re.compile(r"^(?P<name>.+?)[（(]免提交[：:]?(?P<reason>[^）)]*)[）)]$")


@dataclass(frozen=True)
class CatalogueImport:
    created: int
    updated: int
    source: str


def may_edit_catalogue(actor: Any) -> bool:
    """The catalogue is the district's: administrators (and the system) keep it."""
    if is_system(actor):
        return True
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False):
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    return any(role == Role.ADMIN for role, _path, _unit in permissions.user_grant_rows(actor))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(file: Any) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif hasattr(file, "seek"):
        file.seek(0)
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed(
            _("无法读取 Excel 文件"),
            code=ErrorCode.INVALID_CATALOGUE,
            details=[
                {
                    "row": 0,
                    "column": "",
                    "field": "file",
                    "error": ErrorCode.INVALID_CATALOGUE,
                    "reason": str(exc)[:200],
                }
            ],
        ) from exc
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    finally:
        wb.close()


def _labels(choices: Any) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


def _problem(row: int, key: str, reason: str) -> dict[str, Any]:
    header = next(c[1] for c in COLUMNS if c[0] == key)
    return {"row": row, "column": header, "field": key, "error": ErrorCode.INVALID_CATALOGUE, "reason": reason}


def _int(row: int, key: str, value: Any, problems: list[dict[str, Any]], default: int = 0) -> int:
    text = _text(value).removesuffix("个工作日").removesuffix("工作日").removesuffix("天").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) > 3650:
        problems.append(_problem(row, key, _("须为不超过 3650 的整数")))
        return default
    return int(text)


def _materials(text: str) -> list[tuple[str, bool, str]]:
    out = []
    for part in re.split(r"[；;\n]+", text):
        part = part.strip().lstrip("0123456789.、 ")
        if not part:
            continue
        m = WAIVED.match(part)
        if m:
            out.append((m.group("name").strip()[:200], True, m.group("reason").strip()[:200]))
        else:
            out.append((part[:200], False, ""))
    return out


def _validate(records: list[tuple[int, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    units = {}
    for u in Unit.objects.filter(is_active=True).only("pk", "code", "name"):
        units[u.code] = u
        units.setdefault(u.name, u)
    kinds, handling, modes = _labels(ItemKind), _labels(HandlingType), _labels(HandlingMode)
    plan: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, values in records:
        code = _text(values.get("code"))
        name = _text(values.get("name"))
        if not code:
            problems.append(_problem(row, "code", _("请填写事项编码")))
        elif len(code) > 64:
            problems.append(_problem(row, "code", _("事项编码不能超过 64 个字符")))
        elif code in seen:
            problems.append(_problem(row, "code", _("与第 %(row)s 行的事项编码重复") % {"row": seen[code]}))
        else:
            seen[code] = row
        if not name:
            problems.append(_problem(row, "name", _("请填写事项名称")))
        dept = units.get(_text(values.get("department")))
        if dept is None:
            problems.append(
                _problem(row, "department", _("找不到该实施部门：%(v)s") % {"v": _text(values.get("department"))})
            )
        kind_text = _text(values.get("kind")) or str(ItemKind.PUBLIC_SERVICE.label)
        kind = kinds.get(kind_text) or (kind_text if kind_text in ItemKind.values else None)
        if kind is None:
            problems.append(_problem(row, "kind", _("未知的事项类型：%(v)s") % {"v": kind_text}))
        type_text = _text(values.get("handling_type")) or str(HandlingType.PROMISED.label)
        htype = handling.get(type_text) or (type_text if type_text in HandlingType.values else None)
        if htype is None:
            problems.append(_problem(row, "handling_type", _("办件类型须为即办件或承诺件")))
        legal = _int(row, "legal_limit_days", values.get("legal_limit_days"), problems)
        promised = _int(row, "promised_limit_days", values.get("promised_limit_days"), problems)
        if htype == HandlingType.IMMEDIATE:
            promised = 0
        if legal and promised > legal:
            problems.append(_problem(row, "promised_limit_days", _("承诺办结时限不能超过法定办结时限")))
        depth_text = _text(values.get("online_depth")) or "1"
        depth = DEPTH_WORDS.get(depth_text[:2], depth_text[:1])
        if depth not in OnlineDepth.values:
            problems.append(_problem(row, "online_depth", _("网上办理深度须为 1～4 或一级～四级")))
        chosen: list[str] = []
        for word in re.split(r"[、,，;；/\s]+", _text(values.get("modes"))):
            if not word:
                continue
            value = modes.get(word) or (word if word in HandlingMode.values else None)
            if value is None:
                problems.append(_problem(row, "modes", _("未知的办理方式：%(v)s") % {"v": word}))
            elif value not in chosen:
                chosen.append(value)
        fee = _text(values.get("fee"))
        plan.append(
            {
                "code": code,
                "name": name[:200],
                "department": dept,
                "kind": kind,
                "handling_type": htype,
                "legal_limit_days": legal,
                "promised_limit_days": promised,
                "online_depth": depth,
                "modes": chosen,
                "fee": "" if fee in NO_FEE else fee[:200],
                "legal_basis": _text(values.get("legal_basis")),
                "conditions": _text(values.get("conditions")),
                "visits": _int(row, "visits", values.get("visits"), problems, default=1),
                "materials": _materials(_text(values.get("materials"))),
            }
        )
    return plan, problems


def read_catalogue(file: Any) -> list[tuple[int, dict[str, Any]]]:
    rows = _rows(file)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("文件没有表头"), code=ErrorCode.INVALID_CATALOGUE, details=[])
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        text = _text(cell)
        for key, title, aliases, _required in COLUMNS:
            if text == title or text in aliases:
                columns.setdefault(index, key)
    missing = [
        {
            "row": 1,
            "column": title,
            "field": key,
            "error": ErrorCode.INVALID_CATALOGUE,
            "reason": _("缺少列：%(h)s") % {"h": title},
        }
        for key, title, _aliases, required in COLUMNS
        if required and key not in columns.values()
    ]
    if missing:
        raise ValidationFailed(_("表头不正确"), code=ErrorCode.INVALID_CATALOGUE, details=missing)
    records = []
    for number, values in enumerate(rows, start=2):
        if not values or all(_text(v) == "" for v in values):
            continue
        records.append((number, {key: values[i] if i < len(values) else None for i, key in columns.items()}))
    if not records:
        raise ValidationFailed(_("文件中没有数据行"), code=ErrorCode.INVALID_CATALOGUE, details=[])
    return records


def catalogue_import(*, actor: ActorLike, file: Any, source: str = "") -> CatalogueImport:
    """Import the items of ``file`` (bytes, a path or a file object holding an .xlsx): every row is validated
    first and the whole file is refused — ``ValidationFailed`` whose ``details`` name each row's problems — when
    one row has a problem; a clean file is written in one transaction, updating the items by code."""
    require(actor)
    if not may_edit_catalogue(actor):
        raise PermissionDenied(_("只有管理员可以维护事项清单"), code=ErrorCode.NOT_CATALOGUE_EDITOR)
    name = source or str(getattr(file, "name", "") or "catalogue.xlsx")
    plan, problems = _validate(read_catalogue(file))
    if problems:
        rows = len({p["row"] for p in problems})
        raise ValidationFailed(
            _("导入文件有 %(rows)d 行共 %(n)d 处错误，未导入任何数据") % {"rows": rows, "n": len(problems)},
            code=ErrorCode.INVALID_CATALOGUE,
            details=sorted(problems, key=lambda p: (p["row"], p["field"])),
        )
    created = updated = 0
    with transaction.atomic():
        existing = {i.code: i for i in Item.objects.select_for_update().filter(code__in=[p["code"] for p in plan])}
        for p in plan:
            materials = p.pop("materials")
            item = existing.get(p["code"])
            if item is None:
                item = Item.objects.create(**p)
                created += 1
            else:
                for key, value in p.items():
                    setattr(item, key, value)
                item.save()
                updated += 1
                item.materials.all().delete()
            ItemMaterial.objects.bulk_create(
                [
                    ItemMaterial(
                        item=item,
                        name=m_name,
                        is_waived=waived,
                        waived_reason=reason,
                        original_copies=0 if waived else 1,
                        position=n,
                    )
                    for n, (m_name, waived, reason) in enumerate(materials, start=1)
                ]
            )
        audit.record(
            actor=actor,
            action="hall.catalogue_import",
            after={"file": name, "created": created, "updated": updated},
            only_changes=False,
        )
    return CatalogueImport(created=created, updated=updated, source=name)


def _material_text(item: Item) -> str:
    parts = []
    for m in item.materials.all():
        parts.append(f"{m.name}（免提交：{m.waived_reason}）" if m.is_waived else m.name)
    return "；".join(parts)


def catalogue_rows(items: Any) -> Iterator[list[Any]]:
    depth_words = {v: k for k, v in DEPTH_WORDS.items()}
    mode_labels = dict(HandlingMode.choices)
    for item in items:
        yield [
            item.code,
            item.name,
            item.department.name,
            item.get_kind_display(),
            item.get_handling_type_display(),
            item.legal_limit_days,
            item.promised_limit_days,
            depth_words.get(item.online_depth, item.online_depth),
            "、".join(str(mode_labels.get(m, m)) for m in item.modes or []),
            item.fee or "不收费",
            _material_text(item),
            item.legal_basis,
            item.conditions,
            item.visits,
        ]


def catalogue_export(*, actor: ActorLike, items: Any = None) -> bytes:
    """The catalogue (or ``items``) as an .xlsx in the import layout, every cell through the safe writer."""
    from openpyxl import Workbook

    require(actor)
    qs = items if items is not None else Item.objects.all()
    qs = qs.select_related("department").prefetch_related("materials").order_by("code")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项清单")
    write_row(ws, [c[1] for c in COLUMNS])
    count = 0
    for row in catalogue_rows(qs):
        write_row(ws, row)
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    audit.record_export(actor=actor, action="hall.catalogue_export", what="hall.item", fmt="xlsx", count=count)
    return buffer.getvalue()


def error_report_xlsx(file: Any, details: list[dict[str, Any]]) -> bytes:
    """The refused file back, with an "错误说明" column saying what is wrong with each row."""
    from openpyxl import Workbook

    by_row: dict[int, list[str]] = {}
    for d in details:
        by_row.setdefault(int(d.get("row") or 0), []).append(f"{d.get('column') or ''}：{d.get('reason')}")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("事项清单")
    for number, values in enumerate(_rows(file), start=1):
        note = REPORT_COLUMN if number == 1 else "；".join(by_row.get(number, []))
        write_row(ws, [*values, note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
