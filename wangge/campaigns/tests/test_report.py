"""The campaign bulletin to each responsible body: its figures, the .xlsx and the PDF, the CLI, and the
selectors the reports use."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from wangge.campaigns.documents import bulletin_pdf, bulletin_xlsx
from wangge.campaigns.models import Campaign
from wangge.campaigns.selectors import campaign_bulletin, campaign_totals, campaigns_in_period
from wangge.campaigns.services import finding_record, quantity_record
from wangge.workorders.models import WorkOrder

from .conftest import at


@pytest.fixture
def reported(cw: SimpleNamespace, running: Campaign) -> Campaign:
    """Two inspected bridges (one with problems: two cases), quantities on a finding and on both cases."""
    lines = list(running.checklist_items.order_by("ordering"))
    bad = finding_record(
        actor=cw.worker, campaign=running, point=cw.bridges[0], results={lines[0].pk: "fail", lines[1].pk: "fail"}
    )
    finding_record(actor=cw.worker2, campaign=running, point=cw.bridges[3], results={lines[0].pk: "pass"})
    rubbish_case, posters_case = WorkOrder.objects.filter(campaign_tags__finding=bad).order_by("pk")
    quantity_record(actor=cw.worker, campaign=running, item="wall_paint", quantity="350", finding=bad)
    quantity_record(actor=cw.admin, campaign=running, item="rubbish", quantity="53", work_order=rubbish_case)
    quantity_record(actor=cw.admin, campaign=running, item="posters", quantity="300", work_order=posters_case)
    quantity_record(actor=cw.admin, campaign=running, item="posters", quantity="27", work_order=posters_case)
    return running


def test_the_campaign_report_totals_the_remediation_quantities_of_its_cases_and_findings(
    cw: SimpleNamespace, reported: Campaign, tmp_path: Path
) -> None:
    totals = campaign_totals(reported)
    assert (totals["points"], totals["inspected"], totals["findings"], totals["problem_findings"]) == (4, 2, 2, 1)
    assert (totals["cases"], totals["closed"]) == (2, 0)
    assert {q["key"]: q["total"] for q in totals["quantities"]} == {
        "rubbish": Decimal("53"),
        "posters": Decimal("327"),
        "wall_paint": Decimal("350"),
    }
    book = load_workbook(io.BytesIO(bulletin_xlsx(reported)))
    assert book.sheetnames == ["概况", "按属地", "按责任单位", "整治量明细"]
    summary = {row[0]: row[2] for row in book["概况"].iter_rows(values_only=True) if row and row[0]}
    assert (summary["清运垃圾"], summary["清理小广告"], summary["粉刷墙面"]) == (53, 327, 350)
    by_unit = list(book["按责任单位"].iter_rows(values_only=True))
    header, total = by_unit[0], by_unit[-1]
    assert total[0] == "合计"
    assert total[header.index("清运垃圾(车)")] == 53 and total[header.index("清理小广告(处)")] == 327
    assert total[header.index("粉刷墙面(平方米)")] == 350
    assert len(list(book["整治量明细"].iter_rows())) == 5  # header + four quantities
    pdf = bulletin_pdf(reported)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "b.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert "清运垃圾 53 车" in text and "清理小广告 327 处" in text and "粉刷墙面 350 平方米" in text


def test_the_bulletin_rows_add_up_to_the_totals_by_unit_and_by_territory(
    cw: SimpleNamespace, reported: Campaign
) -> None:
    for by in ("unit", "territory"):
        data = campaign_bulletin(reported, by=by)
        for field in ("points", "inspected", "findings", "problem_findings", "cases"):
            assert sum(r[field] for r in data["rows"]) == data["totals"][field], (by, field)
        assert sum(r["quantities"]["posters"] for r in data["rows"]) == Decimal("327")
    by_unit = {r["name"]: r for r in campaign_bulletin(reported, by="unit")["rows"]}
    # bridges 0-2 answer to 住建局, bridge 3 to 交通运输局; the finding's wall paint goes to 住建局
    assert by_unit["区住建局"]["points"] == 3 and by_unit["区交通运输局"]["points"] == 1
    assert by_unit["区住建局"]["quantities"]["wall_paint"] == Decimal("350")
    by_territory = campaign_bulletin(reported, by="territory")["rows"]
    assert [r["name"] for r in by_territory] == ["姚孟街道"]


def test_a_dispatched_case_past_its_deadline_is_overdue(cw: SimpleNamespace, reported: Campaign) -> None:
    from wangge.workorders.services import work_order_transition

    case = WorkOrder.objects.filter(campaign_tags__campaign=reported).order_by("pk").first()
    assert case is not None
    work_order_transition(actor=cw.dispatcher, work_order_id=case.pk, name="dispatch", unit=cw.cgj, now=at(5))
    assert campaign_totals(reported, now=at(6))["overdue"] == 0
    later = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert campaign_totals(reported, now=later)["overdue"] == 1
    assert sum(r["overdue"] for r in campaign_bulletin(reported, by="unit", now=later)["rows"]) == 1


def test_campaigns_in_period_gives_a_weekly_report_the_running_campaigns_of_a_node(
    cw: SimpleNamespace, reported: Campaign
) -> None:
    rows = campaigns_in_period(cw.community, dt.date(2025, 10, 13), dt.date(2026, 12, 31))
    assert [r["code"] for r in rows] == [reported.code]
    row = rows[0]
    assert row["progress_pct"] == 50.0 and row["totals"]["cases"] == 2
    assert {q["key"]: q["total"] for q in row["quantities_in_period"]}["posters"] == Decimal("327")
    assert campaigns_in_period(cw.community, dt.date(2024, 1, 1), dt.date(2024, 1, 7)) == []
    assert campaigns_in_period(cw.other_district, dt.date(2025, 10, 1), dt.date(2025, 10, 31)) == []


def test_the_cli_lists_campaigns_and_writes_the_report(cw: SimpleNamespace, reported: Campaign, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("campaign", "list", stdout=out)
    assert reported.code in out.getvalue() and "点位 2/4" in out.getvalue()
    out = io.StringIO()
    call_command("campaign", "report", str(reported.pk), "--out", str(tmp_path / "r"), stdout=out)
    paths = [Path(p) for p in out.getvalue().split()]
    assert [p.suffix for p in paths] == [".xlsx", ".pdf"]
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)
    assert paths[1].read_bytes().startswith(b"%PDF")


def test_the_cli_refuses_an_unknown_campaign(cw: SimpleNamespace, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("campaign", "report", "999", "--out", str(tmp_path))
    assert not any(tmp_path.iterdir())
