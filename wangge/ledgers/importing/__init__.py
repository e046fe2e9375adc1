"""Importing a ledger from an .xlsx workbook, all or nothing, and the two workbooks that go with it.

:func:`ledger_import` reads the first sheet (streamed by ``importing.xlsx``), maps its header row to the
kind's columns (``ledgers.kinds``: documented Chinese headers, their aliases; unknown columns such as a report's
"错误说明" are ignored), lets the kind validate **every** row, and refuses the whole file when a single row has
a problem: :class:`~wangge.core.errors.ValidationFailed` whose ``details`` name each problem
``{"row", "column", "field", "error", "reason"}`` (``row`` is the spreadsheet row, ``column`` the Chinese
header). Only a clean file is written: in one transaction, with one audit entry naming the file, the kind and
the count (not one per row).

:func:`error_report_xlsx` gives the file back with an "错误说明" column saying what is wrong with each row;
:func:`template_xlsx` is the empty workbook to fill in, with an example row and a sheet of instructions.
Every cell is written through ``core.spreadsheets``.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.spreadsheets import write_row, write_rows
from wangge.ledgers.importing.cells import record_scope
from wangge.ledgers.importing.codes import ImportCode
from wangge.ledgers.importing.xlsx import iter_rows
from wangge.ledgers.kinds import LedgerKind, Problem, Record, get_kind
from wangge.ledgers.records import as_text

REPORT_COLUMN = "错误说明"
INSTRUCTIONS_SHEET = "填写说明"


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int
    source: str


def kind_or_refuse(kind: str | LedgerKind) -> LedgerKind:
    if isinstance(kind, LedgerKind):
        return kind
    found = get_kind(kind)
    if found is None:
        raise ValidationFailed(
            _("未知的台账类型：%(k)s") % {"k": kind},
            code=ImportCode.UNKNOWN_LEDGER,
            details=[{"row": 0, "field": "kind", "error": ImportCode.UNKNOWN_LEDGER, "reason": str(kind)}],
        )
    return found


def _unreadable(exc: Exception) -> ValidationFailed:
    return ValidationFailed(
        _("无法读取 Excel 文件"),
        code=ImportCode.UNREADABLE_FILE,
        details=[{"row": 0, "field": "file", "error": ImportCode.UNREADABLE_FILE, "reason": str(exc)[:200]}],
    )


def _rows(file: Any) -> Iterator[tuple[Any, ...]]:
    """The first sheet's rows as values, streamed (``importing.xlsx``); a file that is not a workbook, or a
    sheet whose XML does not parse, is refused as unreadable."""
    if isinstance(file, bytes | bytearray):
        file = io.BytesIO(file)
    elif isinstance(file, Path):
        file = str(file)
    elif hasattr(file, "seek"):
        file.seek(0)
    try:
        yield from iter_rows(file)
    except (zipfile.BadZipFile, ParseError, ExpatError, KeyError, ValueError, IndexError, OSError) as exc:
        raise _unreadable(exc) from exc


def _columns(kind: LedgerKind, header: tuple[Any, ...]) -> dict[int, str]:
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        key = kind.column_for(cell)
        if key is None:
            continue
        if key in columns.values():
            problems.append(
                {
                    "row": 1,
                    "column": as_text(cell),
                    "field": key,
                    "error": ImportCode.DUPLICATE_COLUMN,
                    "reason": _("列重复：%(h)s") % {"h": as_text(cell)},
                }
            )
        columns[index] = key
    for column in kind.columns:
        if column.required and column.key not in columns.values():
            problems.append(
                {
                    "row": 1,
                    "column": column.header,
                    "field": column.key,
                    "error": ImportCode.MISSING_COLUMN,
                    "reason": _("缺少列：%(h)s") % {"h": column.header},
                }
            )
    if problems:
        raise ValidationFailed(_("表头不正确"), code=ImportCode.IMPORT_INVALID, details=problems)
    return columns


def read_records(kind: str | LedgerKind, file: Any) -> list[Record]:
    """The rows of the file's first sheet as ``(row number, {column key: value})``; blank rows skipped."""
    kind = kind_or_refuse(kind)
    rows = _rows(file)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(
            _("文件没有表头"),
            code=ImportCode.EMPTY_FILE,
            details=[{"row": 1, "field": "file", "error": ImportCode.EMPTY_FILE, "reason": _("文件没有表头")}],
        )
    columns = list(_columns(kind, header).items())
    records: list[Record] = []
    for number, values in enumerate(rows, start=2):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        size = len(values)
        records.append((number, {key: values[i] if i < size else None for i, key in columns}))
    if not records:
        raise ValidationFailed(
            _("文件中没有数据行"),
            code=ImportCode.EMPTY_FILE,
            details=[{"row": 2, "field": "file", "error": ImportCode.EMPTY_FILE, "reason": _("文件中没有数据行")}],
        )
    return records


def _source_name(file: Any, source: str | None) -> str:
    if source:
        return source
    name = getattr(file, "name", None) or (str(file) if isinstance(file, str | Path) else "upload.xlsx")
    return Path(str(name)).name


def check_problems(kind: LedgerKind, problems: list[Problem]) -> None:
    """Refuse the file when there is any problem: the details sorted by row, each naming its column."""
    if not problems:
        return
    details = sorted(
        ({**p, "column": p.get("column") or kind.header_of(p["field"])} for p in problems),
        key=lambda p: (p["row"], p["field"]),
    )
    rows = len({p["row"] for p in details})
    raise ValidationFailed(
        _("导入文件有 %(rows)d 行共 %(n)d 处错误，未导入任何数据") % {"rows": rows, "n": len(details)},
        code=ImportCode.IMPORT_INVALID,
        details=details,
    )


def ledger_import(*, actor: Any, kind: str | LedgerKind, file: Any, source: str | None = None) -> ImportResult:
    """Import the rows of ``file`` (a path, bytes or a file object holding an .xlsx workbook) into the ledger
    ``kind``: every row is validated first, then all are written in one transaction, or none at all."""
    require(actor)
    kind = kind_or_refuse(kind)
    allowed = kind.may_import(actor) if kind.may_import is not None else not record_scope(actor).empty
    if not allowed:
        raise PermissionDenied(_("您没有登记台账的权限"), code=ImportCode.RECORD_DENIED)
    name = _source_name(file, source)
    records = read_records(kind, file)
    plan, problems = kind.validate(actor, records)
    del records  # the raw rows are no longer needed while the plan is written (peak memory)
    check_problems(kind, problems)
    with transaction.atomic():
        count = kind.write(actor, plan, name)
        audit.record(
            actor=actor,
            action="ledgers.import",
            after={"kind": kind.key, "file": name, "count": count},
            note=_("批量导入%(label)s：%(file)s，%(n)d 条") % {"label": kind.label, "file": name, "n": count},
            only_changes=False,
        )
    return ImportResult(kind=kind.key, created=count, source=name)


def _workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _saved(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def error_report_xlsx(*, file: Any, details: list[Problem]) -> bytes:
    """The imported file's first sheet as it was, with an "错误说明" column naming each problem of each row
    ("公民身份号码：身份证号校验位不正确"). Problems of the header row are written in its "错误说明" cell."""
    by_row: dict[int, list[str]] = defaultdict(list)
    for detail in details:
        where = detail.get("column") or detail.get("field") or ""
        by_row[int(detail.get("row") or 0)].append(f"{where}：{detail.get('reason', '')}" if where else "")
    workbook = _workbook()
    sheet = workbook.create_sheet(_("错误报告"))
    width = 0
    for number, values in enumerate(_rows(file), start=1):
        cells = list(values or ())
        while cells and cells[-1] is None:
            cells.pop()
        if number == 1:
            cells = [c for c in cells if as_text(c) != REPORT_COLUMN]
            note = "；".join(by_row.get(1, []) + by_row.get(0, []))
            write_row(sheet, [*cells, REPORT_COLUMN + (f"（{note}）" if note else "")])
            width = len(cells)
            continue
        cells = (cells + [None] * width)[:width]
        write_row(sheet, [*cells, "；".join(by_row.get(number, []))])
    return _saved(workbook)


def template_xlsx(kind: str | LedgerKind) -> bytes:
    """An empty workbook for ``kind``: the documented header row, an example row, and a sheet of instructions
    (which columns are required, the valid values of each choice and of the tag dictionary)."""
    kind = kind_or_refuse(kind)
    workbook = _workbook()
    sheet = workbook.create_sheet(kind.label)
    write_row(sheet, kind.headers)
    if kind.example:
        write_row(sheet, kind.example)
    notes = dict(kind.instructions())
    guide = workbook.create_sheet(INSTRUCTIONS_SHEET)
    write_row(guide, [_("列名"), _("是否必填"), _("填写说明")])
    write_rows(
        guide,
        ([c.header, _("必填") if c.required else _("选填"), notes.get(c.header, c.note)] for c in kind.columns),
    )
    write_row(guide, [])
    write_row(guide, [_("说明"), "", _("第一行为表头，请勿修改列名；导入时逐行校验，任何一行有错误则整个文件不导入。")])
    return _saved(workbook)
