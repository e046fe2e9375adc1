"""Bulletin outputs: the .xlsx laid out as a 台账 (read back with openpyxl), the PDF with Chinese text, the command."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from wangge.core.actors import SYSTEM
from wangge.reports.models import Bulletin
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import bulletin_xlsx

from .test_bulletin import AT, DAY, day  # noqa: F401  (fixture)


@pytest.fixture
def bulletin(world: SimpleNamespace, day: SimpleNamespace) -> Bulletin:  # noqa: F811
    return bulletin_generate(actor=SYSTEM, date=DAY, scope_code=world.district.code, now=AT)


def test_xlsx_sheets_titles_and_frozen_headers(bulletin: Bulletin) -> None:
    wb = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))
    assert wb.sheetnames == [
        *("日通报", "分单位", "分街道", "超期工单", "督办工单", "热点分析", "热点诉求", "超期隐患"),
        *("矛盾纠纷", "重大风险纠纷", "巡查体检", "漏巡逾期", "交办在办", "差评整改"),
    ]
    units = wb["分单位"]
    assert units["A1"].value == "卫东区各承办单位办理情况（2025年6月11日）"
    assert "A1:M1" in {str(r) for r in units.merged_cells.ranges}
    assert "A2:M2" in {str(r) for r in units.merged_cells.ranges}
    assert [c.value for c in units[3]][:5] == ["序号", "承办单位", "受理", "派遣", "应结案"]
    assert units.freeze_panes == "C4"
    assert wb["日通报"].freeze_panes == "A4"


def test_xlsx_rows_carry_the_figures_with_number_formats(bulletin: Bulletin) -> None:
    units = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))["分单位"]
    data = bulletin.data
    rows = list(units.iter_rows(min_row=4, max_row=3 + len(data["units"]) + 1, values_only=True))
    assert [r[1] for r in rows] == [u["name"] for u in data["units"]] + ["合计"]
    total = rows[-1]
    assert total[2:10] == tuple(
        data["totals"][f]
        for f in ("received", "dispatched", "due", "closed", "closed_on_time", "overdue_open", "returned", "reworked")
    )
    assert total[11] == pytest.approx(1 / 3, abs=1e-6)
    # numbers keep a space from the right border: "_ " pads them in Excel and LibreOffice alike
    assert units.cell(4, 3).number_format == "#,##0_ "
    assert units.cell(4, 12).number_format == "0.00%_ "
    summary = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))["日通报"]
    assert summary["A4"].value == "受理数" and summary["B4"].value == 6 and summary["D4"].value == 5
    assert summary["D4"].number_format == "+#,##0_ ;-#,##0_ ;0_ "
    assert summary["A13"].value == "按期结案率" and summary["B13"].number_format == "0.00%_ "
    # a rate without a denominator reads "—" (as on the page and in the PDF), not an empty cell
    assert data["changes"]["rate_response"]["last_week"] is None
    response_row = next(r for r in summary.iter_rows(min_row=4) if r[0].value == "响应率")
    assert response_row[4].value == "—" and response_row[4].alignment.horizontal == "center"
    # 序号 centred; text one indent from the left border
    assert units.cell(4, 1).alignment.horizontal == "center"
    assert (units.cell(4, 2).alignment.horizontal, units.cell(4, 2).alignment.indent) == ("left", 1)


def test_xlsx_print_setup(bulletin: Bulletin) -> None:
    wb = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
        assert ws.print_title_rows == "$3:$3"
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert "日通报" in ws.oddHeader.center.text
    assert wb["超期工单"].column_dimensions["C"].width == 28


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed; install it to check the PDF text")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_holds_the_chinese_headings(bulletin: Bulletin, tmp_path: Path) -> None:
    pdf = bulletin_pdf(bulletin)
    assert pdf.startswith(b"%PDF-")
    text = _pdftotext(pdf, tmp_path)
    for heading in (
        "卫东区网格化服务管理日通报",
        "主要指标",
        "卫东区各承办单位办理情况",
        "卫东区超期未办结工单清单",
        "督办工单清单",
        "当日诉求热点",
        "近7日热点诉求",
        "生态环境分局",
    ):
        assert heading in text, heading
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    assert "共受理群众诉求 6 件" in text


def test_pdf_embeds_its_chinese_font_when_a_truetype_one_is_installed(bulletin: Bulletin, tmp_path: Path) -> None:
    from wangge.core.pdffonts import FONT_NAME, font_name

    if font_name() != FONT_NAME or not shutil.which("pdffonts"):
        pytest.skip("no TrueType Chinese font (apt-get install fonts-wqy-zenhei) or no pdffonts: STSong-Light is used")
    path = tmp_path / "b.pdf"
    path.write_bytes(bulletin_pdf(bulletin))
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    truetype = [r for r in rows if r[1] == "TrueType"]  # the Chinese font, as a subset
    assert truetype and all(r[-5] == "yes" for r in truetype), listing  # the "emb" column
    # anything else is one of the 14 standard fonts every reader has (reportlab's initial canvas font)
    assert all(r[-5] == "yes" or r[0] in {"Helvetica", "Times-Roman", "Courier"} for r in rows), listing


def test_xlsx_converts_with_libreoffice_and_keeps_the_chinese_headings(bulletin: Bulletin, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui); conversion not checked")
    source = tmp_path / "bulletin.xlsx"
    source.write_bytes(bulletin_xlsx(bulletin))
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another running LibreOffice
    subprocess.run(
        [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    converted = (tmp_path / "bulletin.pdf").read_bytes()
    text = _pdftotext(converted, tmp_path)
    for heading in (
        "卫东区各承办单位办理情况",
        "卫东区超期未办结工单清单",
        "当日诉求热点",
        "近7日热点诉求",
        "按期结案率",
    ):
        assert heading in text, heading


def test_command_writes_xlsx_and_pdf(world: SimpleNamespace, day: SimpleNamespace, tmp_path: Path) -> None:  # noqa: F811
    out = io.StringIO()
    call_command(
        "bulletin", "--date", DAY.isoformat(), "--scope", world.district.code, "--out", str(tmp_path), stdout=out
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["日通报_410403_20250611.pdf", "日通报_410403_20250611.xlsx"]
    call_command(
        "bulletin", "--date", DAY.isoformat(), "--scope", world.district.code, "--out", str(tmp_path), stdout=out
    )
    assert Bulletin.objects.count() == 1
    load_workbook(tmp_path / names[1])  # opens


def test_command_refuses_an_unknown_scope(world: SimpleNamespace, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bulletin", "--date", DAY.isoformat(), "--scope", "000000", "--out", str(tmp_path))
    assert not list(tmp_path.iterdir()) and not Bulletin.objects.exists()


def test_hot_issue_representatives_are_listed_once() -> None:
    from wangge.reports.layout import HOT_ISSUE_COLUMNS

    # given a hot issue whose representative appeals share a title
    row = {"representatives": [[1, "道路积水"], [2, "道路积水"], [3, "路口积水严重"]]}
    column = next(c for c in HOT_ISSUE_COLUMNS if c.title == "代表诉求")

    # then each title is shown once, the first two of them
    assert column.get(row) == "道路积水；路口积水严重"


def test_the_hot_issue_sheet_names_the_community_then_its_grids(bulletin: Bulletin) -> None:
    sheet = load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))["热点诉求"]
    header = [c.value for c in sheet[3]]
    row = dict(zip(header, [c.value for c in sheet[4]], strict=False))
    top = bulletin.data["hot_issues"]["rows"][0]
    (community, total), grids = top["places"][0], top["places"][1:]

    assert row["主要地点"] == f"{community} {total} 件：" + "、".join(
        f"{g.removeprefix(community)} {n}" for g, n in grids
    )
    assert row["件数"] == top["size"] and row["诉求人数"] == top["support"]
