"""Importing 治安隐患 findings from a workbook (the ``hazards`` ledger kind), all or nothing.

Headers: 类型, 隐患描述, 网格编码, 整改责任人 (required), 地址, 发现时间, 责任人电话, 整改时限(工作日). Each row
becomes an open finding reported by the importer: its code is the day's next ``YH`` number, its deadline the
working-day limit counted by the calendar from the day it was found (as ``hazards.services.hazard_report``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.actors import label_of, user_of
from wangge.core.crypto import blind_index
from wangge.core.validators import normalise_phone, validate_phone
from wangge.hazards.choices import HazardStatus
from wangge.hazards.errors import ErrorCode as HazardCode
from wangge.hazards.models import HazardEvent, HazardFinding, HazardType
from wangge.hazards.services import MAX_DEADLINE_DAYS, due_at_for, new_code
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.importing.cells import Places, as_datetime, chunks, problem, record_scope
from wangge.ledgers.kinds import Column, Problem, Record
from wangge.ledgers.records import as_text
from wangge.territory.models import Territory

COLUMNS: tuple[Column, ...] = (
    Column("type", "类型", True, ("type", "隐患类型"), ""),
    Column("title", "隐患描述", True, ("title",), "最多200字"),
    Column("grid", "网格编码", True, ("grid",), "所在网格的编码，须在您负责的范围内"),
    Column("address", "地址", False, ("address",), ""),
    Column("found_at", "发现时间", False, ("found_at",), "如 2025-06-03 09:30；留空为导入时间"),
    Column("owner_name", "整改责任人", True, ("owner_name",), ""),
    Column("owner_phone", "责任人电话", False, ("owner_phone",), ""),
    Column("deadline_days", "整改时限(工作日)", False, ("整改时限", "deadline_days"), "1–365 的整数；留空为 5"),
)
EXAMPLE = (
    "消防",
    "楼道堆放杂物堵塞消防通道",
    "410403001001001",
    "示例路1号",
    "2025-06-03 09:30",
    "王责任",
    "13600000000",
    5,
)
DEFAULT_DAYS = 5
BATCH = 1000
_LIMITS = {"title": 200, "address": 200, "owner_name": 50}


@dataclass
class _Row:
    row: int
    type: HazardType
    grid: Territory
    fields: dict[str, Any]


def _types() -> dict[str, HazardType]:
    by: dict[str, HazardType] = {}
    for hazard_type in HazardType.objects.filter(is_active=True):
        by[hazard_type.key.lower()] = hazard_type
        by.setdefault(hazard_type.name, hazard_type)
    return by


def type_names() -> str:
    return "、".join(HazardType.objects.filter(is_active=True).values_list("name", flat=True))


def validate(actor: Any, records: list[Record]) -> tuple[list[_Row], list[Problem]]:
    places = Places(record_scope(actor), (as_text(raw.get("grid")) for _row, raw in records))
    types = _types()
    now = timezone.now()
    plan: list[_Row] = []
    problems: list[Problem] = []
    for row, raw in records:
        found: list[Problem] = []
        fields: dict[str, Any] = {}
        for key, header in (("title", "隐患描述"), ("address", "地址"), ("owner_name", "整改责任人")):
            text = as_text(raw.get(key))
            if not text and key != "address":
                found.append(problem(row, key, ErrorCode.REQUIRED, _("%(h)s 不能为空") % {"h": header}))
            elif len(text) > _LIMITS[key]:
                found.append(problem(row, key, ErrorCode.TOO_LONG, _("长度超过 %(n)d 个字符") % {"n": _LIMITS[key]}))
            fields[key] = text
        type_text = as_text(raw.get("type"))
        hazard_type = types.get(type_text) or types.get(type_text.lower())
        if hazard_type is None:
            reason = _("无法识别隐患类型“%(t)s”，可填：%(v)s") % {
                "t": type_text,
                "v": "、".join(sorted({t.name for t in types.values()})),
            }
            found.append(
                problem(row, "type", ErrorCode.REQUIRED if not type_text else HazardCode.UNKNOWN_HAZARD_TYPE, reason)
            )
        grid, misplaced = places.find(row, "grid", "网格编码", as_text(raw.get("grid")))
        if misplaced:
            found.append(misplaced)
        phone = as_text(raw.get("owner_phone"))
        if phone:
            try:
                validate_phone(phone)
                fields["owner_phone"] = normalise_phone(phone)
            except ValidationError as exc:
                found.append(problem(row, "owner_phone", ErrorCode.INVALID_PHONE, str(exc.messages[0])))
        else:
            fields["owner_phone"] = ""
        fields["found_at"] = now
        if as_text(raw.get("found_at")):
            try:
                fields["found_at"] = as_datetime(raw.get("found_at"))
            except ValueError:
                found.append(
                    problem(row, "found_at", ErrorCode.INVALID_DATE, _("时间格式不正确（应为 2025-06-03 09:30）"))
                )
            else:
                if fields["found_at"] > now:
                    found.append(problem(row, "found_at", HazardCode.FOUND_IN_FUTURE, _("发现时间不能晚于现在")))
        fields["deadline_days"] = DEFAULT_DAYS
        days_text = as_text(raw.get("deadline_days"))
        if days_text:
            try:
                days = float(days_text)
                if not days.is_integer():
                    raise ValueError(days_text)
            except ValueError:
                found.append(
                    problem(row, "deadline_days", ErrorCode.NOT_A_NUMBER, _("须为整数：%(v)s") % {"v": days_text})
                )
            else:
                if not 1 <= days <= MAX_DEADLINE_DAYS:
                    found.append(
                        problem(
                            row,
                            "deadline_days",
                            HazardCode.INVALID_DEADLINE,
                            _("须在 1 到 %(n)d 之间") % {"n": MAX_DEADLINE_DAYS},
                        )
                    )
                fields["deadline_days"] = int(days)
        problems.extend(found)
        if not found and grid is not None and hazard_type is not None:
            plan.append(_Row(row, hazard_type, grid, fields))
    return plan, problems


def write(actor: Any, plan: list[_Row], source: str) -> int:
    """Create the findings (open, reported by the importer) with their first history entry."""
    now = timezone.now()
    by, by_name = user_of(actor), label_of(actor)[:150]
    next_seq: dict[dt.date, tuple[str, int]] = {}
    codes: dict[int, str] = {}
    for item in plan:
        day = timezone.localtime(now).date()
        if day not in next_seq:
            first = new_code(now)
            next_seq[day] = (first[:-4], int(first[-4:]))
        stem, seq = next_seq[day]
        codes[item.row] = f"{stem}{seq:04d}" if seq < 10000 else f"{stem}{seq}"
        next_seq[day] = (stem, seq + 1)
    note = _("批量导入：%(s)s") % {"s": source}
    count = 0
    for part in chunks(plan, BATCH):
        findings = [
            HazardFinding(
                code=codes[item.row],
                type=item.type,
                title=item.fields["title"],
                grid=item.grid,
                address=item.fields["address"],
                found_by=by,
                found_by_name=by_name,
                found_at=item.fields["found_at"],
                owner_name=item.fields["owner_name"],
                owner_phone=item.fields["owner_phone"],
                owner_phone_index=blind_index(item.fields["owner_phone"]),
                deadline_days=item.fields["deadline_days"],
                due_at=due_at_for(item.fields["found_at"], item.fields["deadline_days"]),
                status=HazardStatus.OPEN,
            )
            for item in part
        ]
        HazardFinding.objects.bulk_create(findings, batch_size=BATCH)
        HazardEvent.objects.bulk_create(
            [
                HazardEvent(
                    finding_id=f.pk,
                    action="report",
                    from_status="",
                    to_status=HazardStatus.OPEN,
                    at=now,
                    actor=by,
                    actor_name=by_name,
                    note=note,
                )
                for f in findings
            ],
            batch_size=BATCH,
        )
        count += len(findings)
    return count
