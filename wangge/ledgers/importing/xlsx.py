"""Streaming the first sheet of an .xlsx workbook as rows of values, fast and in little memory.

openpyxl's read-only mode builds an object per cell (and a rich-text tree per inline string), which makes reading
the dominant cost of a large import (``bench/ledger_import.py``). This reader parses the sheet XML with expat
callbacks (no element objects), keeps nothing but the rows of the current 64 KiB, and gives each cell the value
openpyxl would: shared and inline strings as text, numbers as ``int`` when whole, cells with a date format as
``datetime`` (1900 or 1904 epoch), booleans, error codes as their text. Namespace prefixes are ignored, so
Transitional and Strict workbooks read alike.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, iterparse
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: Element, name: str) -> str | None:
    """An attribute by local name (``r:id`` is namespaced)."""
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


def _parse(archive: zipfile.ZipFile, name: str) -> Element | None:
    if name not in archive.namelist():
        return None
    with archive.open(name) as handle:
        root: Element | None = None
        for _event, el in iterparse(handle, events=("end",)):
            root = el
        return root


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, bool]:
    """The path of the workbook's first sheet and whether it counts dates from 1904."""
    workbook = _parse(archive, "xl/workbook.xml")
    if workbook is None:
        raise ValueError("xl/workbook.xml is missing: not an .xlsx workbook")
    date1904 = any(_local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true") for el in workbook.iter())
    sheet = next((el for el in workbook.iter() if _local(el.tag) == "sheet"), None)
    if sheet is None:
        raise ValueError("the workbook has no sheet")
    rel_id = _attr(sheet, "id")
    rels = _parse(archive, "xl/_rels/workbook.xml.rels")
    target = None
    for rel in rels.iter() if rels is not None else ():
        if _local(rel.tag) == "Relationship" and rel.get("Id") == rel_id:
            target = rel.get("Target")
    if not target:
        raise ValueError("the first sheet's part is not named")
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return path, date1904


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    strings: list[str] = []
    if "xl/sharedStrings.xml" not in archive.namelist():
        return strings
    with archive.open("xl/sharedStrings.xml") as handle:
        for _event, el in iterparse(handle, events=("end",)):
            if _local(el.tag) == "si":
                # Rich text: the runs' <t>, not the phonetic <rPh> guides.
                strings.append("".join(t.text or "" for t in _texts(el)))
                el.clear()
    return strings


def _texts(el: Element) -> Iterator[Element]:
    for child in el:
        name = _local(child.tag)
        if name == "t":
            yield child
        elif name == "r":
            yield from (t for t in child if _local(t.tag) == "t")


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles whose number format shows a date or a time."""
    styles = _parse(archive, "xl/styles.xml")
    if styles is None:
        return set()
    formats: dict[int, str] = {int(k): v for k, v in BUILTIN_FORMATS.items()}
    for el in styles.iter():
        if _local(el.tag) == "numFmt" and el.get("numFmtId", "").isdigit():
            formats[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
    dates: set[int] = set()
    for el in styles.iter():
        if _local(el.tag) == "cellXfs":
            for index, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                code = formats.get(int(xf.get("numFmtId", "0") or 0), "")
                if code and is_date_format(code):
                    dates.add(index)
    return dates


def _column(ref: str) -> int:
    """``"AB12"`` -> 27 (0-based column of a cell reference)."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1


def _number(text: str) -> int | float:
    if "." not in text and "E" not in text and "e" not in text:
        return int(text)
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


class _SheetParser:
    """expat callbacks turning ``<row><c r= t= s=><v>…</v> | <is><t>…</t></is></c></row>`` into value tuples.

    Namespace prefixes are dropped by hand (no namespace processing: faster); the text of phonetic guides
    (``<rPh>``) is left out, as Excel shows it."""

    def __init__(self, shared: list[str], dates: set[int], epoch: Any) -> None:
        self.shared, self.dates, self.epoch = shared, dates, epoch
        self.rows: list[tuple[Any, ...]] = []
        self.expected = 1
        self.values: list[Any] = []
        self.position = 0
        self.ref: str | None = None
        self.kind = "n"
        self.style: str | None = None
        self.text: list[str] = []
        self.collecting = False
        self.phonetic = False
        self.row_number = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if ":" in name:
            name = name.rsplit(":", 1)[1]
        if name == "c":
            self.ref, self.kind, self.style = attrs.get("r"), attrs.get("t", "n"), attrs.get("s")
            self.text = []
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collecting = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number else self.expected
            self.values = []
            self.position = 0

    def data(self, text: str) -> None:
        if self.collecting:
            self.text.append(text)

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.rsplit(":", 1)[1]
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "c":
            index = _column(self.ref) if self.ref else self.position
            self.position = index + 1
            value = self._value()
            values = self.values
            if index >= len(values):
                values.extend([None] * (index + 1 - len(values)))
            values[index] = value
        elif name == "row":
            while self.expected < self.row_number:
                self.rows.append(())
                self.expected += 1
            self.rows.append(tuple(self.values))
            self.expected = self.row_number + 1

    def _value(self) -> Any:
        if not self.text:
            return "" if self.kind == "inlineStr" else None
        raw = "".join(self.text)
        kind = self.kind
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "n":
            value: Any = _number(raw)
            if self.style is not None and int(self.style) in self.dates:
                value = from_excel(value, self.epoch)
            return value
        if kind == "b":
            return raw == "1"
        return raw  # "inlineStr", "str" (a formula's text), "e" (an error such as #N/A), "d" (ISO date text)


_CHUNK_BYTES = 1 << 16


def iter_rows(file: str | IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The rows of the first sheet, in order, each as a tuple of cell values (``None`` for an empty cell).
    Rows the sheet skips come out empty, so a row's position is its spreadsheet row number."""
    with zipfile.ZipFile(file) as archive:
        path, date1904 = _first_sheet(archive)
        shared = _shared_strings(archive)
        dates = _date_styles(archive)
        sheet = _SheetParser(shared, dates, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = sheet.start
        parser.EndElementHandler = sheet.end
        parser.CharacterDataHandler = sheet.data
        with archive.open(path) as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                parser.Parse(chunk, False)
                if sheet.rows:
                    yield from sheet.rows
                    sheet.rows = []
            parser.Parse(b"", True)
            yield from sheet.rows
