"""What a bulletin quotes from the records cannot attack its reader: appeal text and names are never live
formulas in the .xlsx, and phone and identity numbers typed into titles are masked on the page, in the
.xlsx and the PDF, for every reader (a bulletin has no per-reader rendering; the leader has no reveal right)."""

from __future__ import annotations

import io
import shutil
import subprocess
from itertools import cycle
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from wangge.accounts.models import Unit
from wangge.core.actors import SYSTEM
from wangge.core.tests.test_masking import PERSONAL_NUMBERS
from wangge.core.tests.test_spreadsheets import PAYLOADS
from wangge.reports.models import Bulletin
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import assessments_xlsx, bulletin_xlsx
from wangge.territory.models import Territory
from wangge.workorders.models import Category, WorkOrder

from .test_bulletin import AT, DAY, day  # noqa: F401  (fixture)


def _cells(xlsx: bytes) -> list[Any]:
    return [c for ws in load_workbook(io.BytesIO(xlsx)).worksheets for row in ws.iter_rows() for c in row]


def _generate(world: SimpleNamespace) -> Bulletin:
    return bulletin_generate(actor=SYSTEM, date=DAY, scope_code=world.district.code, now=AT)


# --- formula injection ----------------------------------------------------------------------------


@pytest.fixture
def hostile(world: SimpleNamespace, day: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    """Every free-text field a bulletin quotes starts with a formula prefix: the appeals' titles, the names
    of the categories, units and territories (they come from dictionaries and imports)."""
    payloads = cycle(PAYLOADS)
    for pk in WorkOrder.objects.order_by("pk").values_list("pk", flat=True):
        WorkOrder.objects.filter(pk=pk).update(title=next(payloads))
    for model in (Category, Unit, Territory):
        for pk in model.objects.order_by("pk").values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(name=f"{next(payloads)}{pk}")
    return SimpleNamespace(world=world, day=day)


def test_bulletin_xlsx_holds_no_formula_whatever_the_records_say(hostile: SimpleNamespace) -> None:
    # given a bulletin of records whose text starts with =, +, -, @, a tab or a carriage return
    bulletin = _generate(hostile.world)
    quoted = [r["title"] for r in bulletin.data["overdue"]["rows"] + bulletin.data["supervised"]["rows"]]
    assert quoted and all(t.startswith(("=", "+", "-", "@", "\t", "\r", "＝")) for t in quoted)

    # when it is written as a workbook and read back
    cells = _cells(bulletin_xlsx(bulletin))

    # then no cell is a formula, and the appeals' titles read as they were written
    assert [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {t.replace("\r", "\n") for t in quoted} <= texts
    assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith("="))


def test_bulletin_xlsx_of_a_stored_snapshot_with_hostile_hot_issues(hostile: SimpleNamespace) -> None:
    # given a stored bulletin whose hot issues (keywords, representative appeals) start with a formula prefix
    bulletin = _generate(hostile.world)
    bulletin.data["hot_issues"]["rows"] = [
        {
            "label": payload,
            "keywords": [payload, "占道"],
            "size": 3,
            "previous": 1,
            "growth": 2.0,
            "support": 2,
            "heat": 3.0,
            "places": [[f"{payload}社区", 3]],
            "representatives": [[1, payload], [2, "路灯不亮"]],
        }
        for payload in PAYLOADS
    ]

    # then its sheet holds text only
    sheet = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))["热点诉求"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert sheet["B4"].value == f"{PAYLOADS[0]}、占道" and sheet["B4"].quotePrefix


def test_assessment_xlsx_holds_no_formula(world: SimpleNamespace) -> None:
    # given a worker and territories whose names start with a formula prefix
    a = SimpleNamespace(
        street=SimpleNamespace(name=PAYLOADS[0]),
        community=SimpleNamespace(name=PAYLOADS[1]),
        grid=SimpleNamespace(name=PAYLOADS[2]),
        worker=PAYLOADS[3],
        auto_items={},
        manual_items={},
        auto_score=80,
        manual_score=10,
        total=90,
        grade="",
        street_rank=1,
        promoted=False,
        status="draft",
    )

    cells = _cells(assessments_xlsx([a], year=2025, month=6))

    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], PAYLOADS[3]} <= {c.value for c in cells}


# --- personal numbers -----------------------------------------------------------------------------


@pytest.fixture
def numbers(world: SimpleNamespace, day: SimpleNamespace) -> list[tuple[str, str, str]]:  # noqa: F811
    """Every case of the day (overdue, under 督办, in a hot issue) carries the numbers in its title."""
    WorkOrder.objects.update(title="；".join(f"联系{typed}" for typed, _secret, _masked in PERSONAL_NUMBERS))
    return PERSONAL_NUMBERS


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed; install it to check the PDF text")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# Runs of digits that only an unmasked number among PERSONAL_NUMBERS would leave in the text.
SECRETS = ("1234567", "19900101", "900101", "１２３４")


def _assert_masked(text: str, numbers: list[tuple[str, str, str]]) -> None:
    flat = text.replace(" ", "").replace("\n", "")
    for typed, _secret, _masked in numbers:
        assert typed.replace(" ", "") not in flat, typed
    for secret in SECRETS:
        assert secret not in flat, secret


def test_bulletin_stores_titles_masked(world: SimpleNamespace, numbers: list[tuple[str, str, str]]) -> None:
    data = _generate(world).data

    titles = [r["title"] for r in data["overdue"]["rows"] + data["supervised"]["rows"]]
    titles += [t for r in data["hot_issues"]["rows"] for _id, t in r["representatives"]]
    assert len(titles) >= 4
    for title in titles:
        _assert_masked(title, numbers)
        assert title == "；".join(f"联系{masked}" for _typed, _secret, masked in numbers)


def test_bulletin_page_xlsx_and_pdf_mask_numbers_for_a_reader_without_reveal(
    world: SimpleNamespace, numbers: list[tuple[str, str, str]], tmp_path: Path
) -> None:
    # given a bulletin stored before titles were masked (the snapshot holds the raw titles)
    bulletin = _generate(world)
    raw = "；".join(f"联系{typed}" for typed, _secret, _masked in numbers)
    for key in ("overdue", "supervised"):
        for row in bulletin.data[key]["rows"]:
            row["title"] = raw
    for row in bulletin.data["hot_issues"]["rows"]:
        row["representatives"] = [[1, raw]]
    bulletin.save(update_fields=["data"])
    client = Client()
    client.force_login(world.leader)  # a leader reads bulletins and has no reveal right

    # when the leader reads it on the page, and downloads the .xlsx and the PDF
    page = client.get(reverse("reports:bulletin_detail", args=[bulletin.pk]))
    xlsx = client.get(reverse("reports:bulletin_xlsx", args=[bulletin.pk]))
    pdf = client.get(reverse("reports:bulletin_pdf", args=[bulletin.pk]))

    # then none of them shows a number
    assert page.status_code == xlsx.status_code == pdf.status_code == 200
    html = page.content.decode()
    assert "138****5678" in html
    _assert_masked(html, numbers)
    cells = " ".join(str(c.value) for c in _cells(xlsx.content) if c.value is not None)
    assert "138****5678" in cells
    _assert_masked(cells, numbers)
    pdf_text = _pdftotext(pdf.content, tmp_path)
    assert "138****5678" in pdf_text.replace("\n", "")
    _assert_masked(pdf_text, numbers)
    _assert_masked(_pdftotext(bulletin_pdf(Bulletin.objects.get(pk=bulletin.pk)), tmp_path), numbers)
