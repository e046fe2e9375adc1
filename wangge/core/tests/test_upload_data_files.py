"""Files to import pass the one sanitiser too: a workbook, GeoJSON or CSV, read from the bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from wangge.core.errors import ValidationFailed
from wangge.core.uploads import CSV, GEOJSON, XLSX, UploadCode, sanitise_data


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def test_a_workbook_is_kept_as_sent_under_a_generated_name() -> None:
    data = _xlsx()

    clean = sanitise_data(SimpleUploadedFile("../../点位.xlsx", data))

    assert (clean.content_type, clean.content, clean.extension) == (XLSX, data, "xlsx")
    assert "点位" not in clean.name and clean.name.endswith(".xlsx")


def test_geojson_is_written_again_and_csv_becomes_utf8() -> None:
    geo = sanitise_data(SimpleUploadedFile("a.txt", b'\xef\xbb\xbf {"type": "FeatureCollection"}'))
    csv = sanitise_data(SimpleUploadedFile("a.csv", "编码,名称\n1,甲\n".encode("gb18030")))

    assert (geo.content_type, geo.content) == (GEOJSON, b'{"type": "FeatureCollection"}')
    assert (csv.content_type, csv.content.decode("utf-8")) == (CSV, "编码,名称\n1,甲\n")


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", UploadCode.EMPTY_FILE),
        (_zip(["word/document.xml"]), UploadCode.DAMAGED_FILE),
        (_zip(["xl/workbook.xml", "xl/vbaProject.bin"]), UploadCode.ACTIVE_CONTENT),
        (b"PK\x03\x04 not a zip", UploadCode.DAMAGED_FILE),
        (b'{"type": ', UploadCode.DAMAGED_FILE),
        (b"\x89PNG\r\n\x1a\n\x00\x00", UploadCode.UNSUPPORTED_FILE_TYPE),
    ],
)
def test_anything_else_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        sanitise_data(SimpleUploadedFile("a.xlsx", data))

    assert refused.value.code == code


def test_a_type_not_accepted_here_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        sanitise_data(SimpleUploadedFile("a.xlsx", _xlsx()), accept=frozenset({GEOJSON}))

    assert str(refused.value.code) == UploadCode.UNSUPPORTED_FILE_TYPE and "GeoJSON" in refused.value.message
