"""Importing residents (基础台账): one new person per row.

Headers: 姓名, 公民身份号码, 联系电话, 网格编码 (required), 地址, 与户主关系, 人员类别, 户编码, 人口类型.

A residents import *registers new people*: an ID number already in the ledger is refused (one record per
person: a change of an existing resident is an edit or a move, not an import), as is an ID number given twice
in the file. A row naming a 户编码 joins that household, which must lie in the row's grid; a 户主 row becomes
the head of a household that has none. Each person gets a ``register`` entry in their residence history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.actors import label_of, user_of
from wangge.core.crypto import blind_index
from wangge.ledgers.choices import MoveKind, RecordStatus, Relation
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.importing.cells import FastInsert, Places, chunks, in_chunks, problem, record_scope
from wangge.ledgers.importing.codes import ImportCode
from wangge.ledgers.kinds import Column, Problem, Record
from wangge.ledgers.models import Household, ResidenceChange, Resident, ResidentTag
from wangge.ledgers.records import TagLookup, as_text, clean_resident
from wangge.territory.models import Territory

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, ("name",), "居民姓名，最多50字"),
    Column(
        "id_number", "公民身份号码", True, ("身份证号", "身份证号码", "id_number"), "18位，末位校验码按 GB 11643 校验"
    ),
    Column("phone", "联系电话", True, ("电话", "手机号", "phone"), "手机号或固定电话（如 0375-1234567）"),
    Column("grid", "网格编码", True, ("grid", "grid_code"), "所在网格的编码，须在您负责的范围内"),
    Column("address", "地址", False, ("address",), "现住地址"),
    Column("relation", "与户主关系", False, ("relation",), ""),
    Column("tags", "人员类别", False, ("tags",), ""),
    Column("household", "户编码", False, ("household",), "已登记的户编码（选填），须在同一网格"),
    Column("residence_type", "人口类型", False, ("residence_type",), ""),
)
EXAMPLE = (
    "张示例",
    "410403199001011237",
    "13800000000",
    "410403001001001",
    "示例路1号1单元101",
    "户主",
    "党员、志愿者",
    "",
    "户籍人口",
)
BATCH = 2000


@dataclass
class _Row:
    row: int
    clean: dict[str, Any]
    grid: Territory
    household: Household | None


@dataclass
class Plan:
    rows: list[_Row] = field(default_factory=list)
    heads: dict[int, int] = field(default_factory=dict)  # household pk -> index in rows of its new head


def validate(actor: Any, records: list[Record]) -> tuple[Plan, list[Problem]]:
    scope = record_scope(actor)
    places = Places(scope, (as_text(raw.get("grid")) for _row, raw in records))
    households = {
        h.code: h
        for h in in_chunks(
            Household.objects.select_related("grid"), "code", (as_text(r.get("household")) for _n, r in records)
        )
    }
    tags = TagLookup()
    plan = Plan()
    problems: list[Problem] = []
    first_row: dict[str, int] = {}  # blind index -> the first row carrying it
    index_rows: list[tuple[int, str]] = []
    head_row: dict[int, int] = {}
    for row, raw in records:
        clean, found = clean_resident(raw, tags=tags)
        row_problems = [{"row": row, **p} for p in found]
        for key, header in (("id_number", "公民身份号码"), ("phone", "联系电话")):
            if not as_text(raw.get(key)):
                row_problems.append(problem(row, key, ErrorCode.REQUIRED, _("%(h)s 不能为空") % {"h": header}))
        grid, misplaced = places.find(row, "grid", "网格编码", as_text(raw.get("grid")))
        if misplaced:
            row_problems.append(misplaced)
        household = _household(row, as_text(raw.get("household")), households, grid, scope, row_problems)
        number = clean.get("id_number")
        if isinstance(number, str) and number:
            index = blind_index(number)
            clean["_index"] = index
            if index in first_row:
                row_problems.append(
                    problem(
                        row,
                        "id_number",
                        ImportCode.DUPLICATE_IN_FILE,
                        _("公民身份号码与第 %(row)d 行重复") % {"row": first_row[index]},
                    )
                )
            else:
                first_row[index] = row
                index_rows.append((row, index))
        if household is not None and clean.get("relation") == Relation.HEAD:
            if household.head_id is not None:
                row_problems.append(problem(row, "relation", ErrorCode.HEAD_TAKEN, _("该户已有户主")))
            elif household.pk in head_row:
                row_problems.append(
                    problem(
                        row,
                        "relation",
                        ErrorCode.HEAD_TAKEN,
                        _("与第 %(row)d 行同为该户户主") % {"row": head_row[household.pk]},
                    )
                )
            else:
                head_row[household.pk] = row
                plan.heads[household.pk] = len(plan.rows)
        problems.extend(row_problems)
        if not row_problems and grid is not None:
            plan.rows.append(_Row(row, clean, grid, household))
    problems.extend(_registered(index_rows, scope))
    return plan, problems


def _household(
    row: int,
    code: str,
    households: dict[str, Household],
    grid: Territory | None,
    scope: Any,
    problems: list[Problem],
) -> Household | None:
    if not code:
        return None
    household = households.get(code)
    if household is None or not scope.covers_path(household.grid.path):
        problems.append(
            problem(row, "household", ErrorCode.HOUSEHOLD_NOT_FOUND, _("户编码 %(c)s 不存在") % {"c": code})
        )
        return None
    if household.status != RecordStatus.ACTIVE:
        problems.append(problem(row, "household", ErrorCode.HOUSEHOLD_ARCHIVED, _("该户已归档")))
        return None
    if grid is not None and household.grid_id != grid.pk:
        problems.append(
            problem(
                row,
                "household",
                ErrorCode.GRID_MISMATCH,
                _("户 %(c)s 在网格 %(g)s，与所填网格不一致") % {"c": code, "g": household.grid.code},
            )
        )
        return None
    return household


def _registered(index_rows: list[tuple[int, str]], scope: Any) -> list[Problem]:
    """The rows whose ID number is already in the ledger (looked up by blind index, a chunk at a time). The
    existing record is named where the importer keeps that grid's ledger, and only said to exist elsewhere."""
    problems: list[Problem] = []
    row_of = dict((index, row) for row, index in index_rows)
    for part in chunks([index for _row, index in index_rows]):
        for index, name, code, path in Resident.objects.filter(id_number_index__in=list(part)).values_list(
            "id_number_index", "name", "grid__code", "grid__path"
        ):
            if scope.covers_path(path):
                reason = _("公民身份号码已登记：%(name)s（网格 %(grid)s）") % {"name": name, "grid": code}
            else:
                reason = _("公民身份号码已在其他网格登记")
            problems.append(problem(row_of[index], "id_number", ErrorCode.RESIDENT_EXISTS, reason))
    return problems


def write(actor: Any, plan: Plan, source: str) -> int:
    """Create the residents, their tags and their ``register`` history, a batch at a time (``FastInsert``: one
    ``executemany`` per batch and table; the new primary keys read back by the ID numbers' blind index)."""
    now = timezone.now()
    by, by_name = user_of(actor), label_of(actor)[:150]
    note = (_("批量导入：%(s)s") % {"s": source})[:200]
    stamps = {"created_at": now, "updated_at": now}
    residents = FastInsert(Resident, stamps)
    moves = FastInsert(ResidenceChange, {"kind": MoveKind.REGISTER, "at": now, "by_id": by.pk if by else None})
    links = FastInsert(Resident.tags.through)
    head_pk: dict[int, int] = {}
    heads = {position: household for household, position in plan.heads.items()}
    for start, part in enumerate(chunks(plan.rows, BATCH)):
        residents.insert([_values(item) for item in part])
        indexes = [item.clean["_index"] for item in part]
        pk_of = dict(Resident.objects.filter(id_number_index__in=indexes).values_list("id_number_index", "pk"))
        tag_rows: list[dict[str, Any]] = []
        move_rows: list[dict[str, Any]] = []
        for offset, item in enumerate(part):
            pk = pk_of[item.clean["_index"]]
            household_pk = item.household.pk if item.household else None
            move_rows.append({"resident_id": pk, "to_household_id": household_pk, "by_name": by_name, "note": note})
            tag_rows.extend(
                {"resident_id": pk, "residenttag_id": tag.pk}
                for tag in item.clean.get("tags", ())
                if isinstance(tag, ResidentTag)
            )
            position = start * BATCH + offset
            if position in heads:
                head_pk[heads[position]] = pk
        moves.insert(move_rows)
        if tag_rows:
            links.insert(tag_rows)
    for household, pk in head_pk.items():
        Household.objects.filter(pk=household, head__isnull=True).update(head_id=pk, updated_at=now)
    return len(plan.rows)


def _values(item: _Row) -> dict[str, Any]:
    """The columns of one new resident (the clean values of ``records.clean_resident``)."""
    clean = item.clean
    values: dict[str, Any] = {
        "grid_id": item.grid.pk,
        "household_id": item.household.pk if item.household else None,
        "id_number_index": clean["_index"],
    }
    for key in ("name", "id_number", "gender", "birth_date", "phone", "relation", "residence_type", "address"):
        if key in clean:
            values[key] = clean[key]
    values["phone_index"] = blind_index(clean.get("phone", ""))
    return values
