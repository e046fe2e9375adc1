"""The one way the platform writes a spreadsheet cell or a CSV field: text never becomes a live formula.

A citizen's appeal, a point's name read from an imported workbook or a handler's reply may start with
``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0``. Written as it is, Excel, LibreOffice and WPS evaluate it
when the export is opened (CSV injection, OWASP). Every .xlsx and .csv writer goes through this module:

* **.xlsx** — every string is stored as a *string cell* (``t="inlineStr"``/shared string), never as a
  ``<f>`` formula: openpyxl would otherwise turn any text starting with ``=`` into a formula (and
  ``#N/A`` into an error value). Text that *looks* like a formula (:data:`FORMULA_PREFIXES`) also gets the
  cell style ``quotePrefix="1"``, which is exactly what Excel itself saves when someone types ``'=…``:
  Excel, LibreOffice Calc and WPS all show the text unchanged, without a visible apostrophe, and keep it
  text when the cell is edited. An apostrophe written into the value would instead be shown as part of
  the text and would come back on import (the points workbook is imported again after editing).
* **.csv** — CSV has no cell types: all three programs parse a field starting with one of
  :data:`FORMULA_PREFIXES` as a formula. Such a field is written with a leading apostrophe, the
  neutraliser the three of them agree on (it shows; the text after it is never evaluated).

Numbers, dates and booleans are written as such. A formula the platform itself means to write (a
total, say) is passed as :class:`Formula` and is the only way a formula cell is ever produced.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeAlias

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# What makes a spreadsheet read a field as a formula (OWASP "CSV Injection"), with the full-width forms
# that Chinese input methods produce and that spreadsheets in Chinese locales may convert on entry.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_NEUTRALISER = "'"


@dataclass(frozen=True)
class Formula:
    """A formula the platform writes on purpose, e.g. ``Formula("SUM(C4:C20)")``."""

    expression: str

    @property
    def text(self) -> str:
        return "=" + self.expression.removeprefix("=")

    def __str__(self) -> str:
        return self.text


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


_TYPED = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


def _plain(value: Any) -> Any:
    """Numbers, dates, booleans, ``None`` and :class:`Formula` stay as they are; anything else (a lazy
    translation, a model choice) becomes its text."""
    if value is None or isinstance(value, (*_TYPED, str, Formula)):
        return value
    return str(value)


def safe_cell(value: Any) -> Any:
    """A value as a plain-text format (CSV) must carry it: formula-like text gets a leading apostrophe,
    a :class:`Formula` its own text, ``None`` an empty field; numbers, dates and booleans are unchanged."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, _TYPED):
        return value
    text = str(value)
    return CSV_NEUTRALISER + text if looks_like_formula(text) else text


# --- .xlsx ----------------------------------------------------------------------------------------


AnySheet: TypeAlias = Worksheet | WriteOnlyWorksheet


def set_value(cell: Cell, value: Any) -> Cell:
    """Put ``value`` into an openpyxl cell: text is always a string cell (formula-like text also quote-
    prefixed, see the module notes); only a :class:`Formula` becomes a formula."""
    value = _plain(value)
    if isinstance(value, Formula):
        cell.value = value.text
        cell.data_type = "f"
        return cell
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters openpyxl refuses to write
        cell.value = text
        cell.data_type = "s"  # never "f" (text starting with "=") nor "e" (text such as "#N/A")
        if looks_like_formula(text):
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``ws.cell(row, column, value)`` through :func:`set_value`; returns the cell for styling."""
    return set_value(ws.cell(row=row, column=column), value)


def _typed_by_openpyxl_as_text(text: str) -> bool:
    """openpyxl stores this text as a plain string cell by itself (the common case: no cell object needed)."""
    return not (looks_like_formula(text) or text in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(text))


def _row_cells(ws: AnySheet, values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        value = _plain(value)
        if isinstance(value, Formula) or (isinstance(value, str) and not _typed_by_openpyxl_as_text(value)):
            out.append(set_value(Cell(ws, row=1, column=1), value))  # as WriteOnlyCell does
        else:
            out.append(value)
    return out


def write_row(ws: AnySheet, values: Iterable[Any]) -> None:
    """``ws.append(values)`` for an ordinary or a write-only worksheet, every value through :func:`set_value`."""
    ws.append(_row_cells(ws, values))


def write_rows(ws: AnySheet, rows: Iterable[Iterable[Any]]) -> int:
    """Write every row; the number written (the audit trail records an export's row count)."""
    count = 0
    for values in rows:
        write_row(ws, values)
        count += 1
    return count


# --- .csv -----------------------------------------------------------------------------------------


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """``csv.writer`` whose every field goes through :func:`safe_cell`."""

    def __init__(self, handle: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(handle, **fmtparams)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(handle: _Writable, **fmtparams: Any) -> CsvWriter:
    return CsvWriter(handle, **fmtparams)
