# ruff: noqa: F811  (the ``day`` fixture is imported from the daily bulletin tests)
"""Weekly bulletin (周通报): the ISO week, figures equal to the measures over the week, the comparison with the week
before, one row per week and scope, the schedule on Monday mornings, the outputs and the command."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from wangge.core.actors import SYSTEM
from wangge.core.errors import ValidationFailed
from wangge.reports import weekly
from wangge.reports.bulletins import COUNT_FIELDS
from wangge.reports.choices import BulletinPeriod
from wangge.reports.models import Bulletin
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.services import bulletin_generate
from wangge.reports.tasks import due_weekly_runs, run_due_weekly_bulletins
from wangge.reports.xlsx import bulletin_xlsx
from wangge.workorders.measures import measures
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import local

from .test_bulletin import AT, DAY, day  # noqa: F401  (fixture)

MONDAY = dt.date(2025, 6, 9)  # the ISO week 2025-W24 holds DAY (Wednesday 11 June)
WEEK_END = local(2025, 6, 16)


def _weekly(w: SimpleNamespace, *, date: dt.date = DAY, now: dt.datetime = WEEK_END, code: str = "") -> Bulletin:
    return bulletin_generate(
        actor=SYSTEM, date=date, scope_code=code or w.district.code, now=now, period=BulletinPeriod.WEEK
    )


def test_weeks_are_iso_weeks() -> None:
    assert weekly.parse_week("2025-W24") == MONDAY
    assert weekly.week_label(MONDAY) == "2025-W24"
    assert weekly.week_start(dt.date(2025, 6, 15)) == MONDAY  # Sunday belongs to the week before the next Monday
    assert weekly.parse_week("2021-W01") == dt.date(2021, 1, 4)  # week 1 holds the year's first Thursday
    assert weekly.previous_week(dt.date(2025, 6, 16)) == MONDAY


@pytest.mark.parametrize("text", ["2025-24", "2025W24", "2025-W54", "W24", ""])
def test_a_week_written_otherwise_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        weekly.parse_week(text)
    assert err.value.code == "week_invalid"


def test_any_day_of_the_week_lands_on_its_monday(world: SimpleNamespace, day: SimpleNamespace) -> None:
    b = _weekly(world, date=DAY)
    again = _weekly(world, date=dt.date(2025, 6, 15))
    assert b.pk == again.pk and b.date == MONDAY and b.period == BulletinPeriod.WEEK
    assert again.version == 1  # the same figures: no new version
    assert (b.data["week"], b.data["date"], b.data["end"]) == ("2025-W24", "2025-06-09", "2025-06-15")
    assert str(b) == "卫东区 2025年第24周 周通报"


def test_a_week_and_a_day_of_the_same_date_are_two_bulletins(world: SimpleNamespace, day: SimpleNamespace) -> None:
    daily = bulletin_generate(actor=SYSTEM, date=MONDAY, scope_code=world.district.code, now=AT)
    week = _weekly(world, date=MONDAY)
    assert daily.pk != week.pk
    assert Bulletin.objects.filter(date=MONDAY, scope_code=world.district.code).count() == 2


def test_totals_are_the_measures_of_the_week(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _weekly(world).data
    start, end = local(2025, 6, 9), local(2025, 6, 16)
    scoped = WorkOrder.objects.filter(scope_path__startswith=world.district.path)
    assert data["totals"] == measures(scoped, start, end, now=WEEK_END)[0].as_dict()
    before = measures(scoped, local(2025, 6, 2), start, now=start)[0].as_dict()
    assert data["previous_week"] == dict(before, date="2025-06-02")
    received = data["changes"]["received"]
    # The fixture's week holds A B C D E H (11 June) and F (10 June); the week before, three cases (4 and 5 June).
    assert (received["this_week"], received["previous_week"], received["vs_previous_week"]) == (7, 3, 4)


def test_days_add_up_to_the_week(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _weekly(world).data
    assert [d["date"] for d in data["days"]] == [f"2025-06-{n:02d}" for n in range(9, 16)]
    for f in ("received", "dispatched", "due", "closed", "closed_on_time", "returned"):
        assert sum(d[f] for d in data["days"]) == data["totals"][f], f
    by_day = {d["date"]: d["received"] for d in data["days"]}
    assert (by_day["2025-06-10"], by_day["2025-06-11"], by_day["2025-06-12"]) == (1, 6, 0)


def test_unit_and_area_rows_add_up_to_the_totals(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _weekly(world).data
    for rows in (data["units"], data["areas"]):
        for f in COUNT_FIELDS:
            assert sum(r[f] for r in rows) == data["totals"][f], f


def test_a_week_still_running_counts_up_to_now(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _weekly(world, now=local(2025, 6, 11, 12, 0)).data
    assert [d["date"] for d in data["days"]] == ["2025-06-09", "2025-06-10", "2025-06-11"]
    assert data["as_of"].startswith("2025-06-11T12:00")


def test_a_scope_out_of_reach_is_not_found(world: SimpleNamespace, day: SimpleNamespace) -> None:
    from wangge.core.errors import NotFound

    with pytest.raises(NotFound):
        bulletin_generate(
            actor=world.stranger, date=DAY, scope_code=world.district.code, period=BulletinPeriod.WEEK, now=WEEK_END
        )
    assert not Bulletin.objects.filter(period=BulletinPeriod.WEEK).exists()


def test_nothing_is_due_on_monday_before_the_weekly_time(world: SimpleNamespace) -> None:
    assert due_weekly_runs(local(2025, 6, 16, 7, 59)) == []


def test_last_week_is_due_from_monday_morning_once(world: SimpleNamespace) -> None:
    runs = due_weekly_runs(local(2025, 6, 16, 8, 0))
    assert {(r.date, r.period) for r in runs} == {(MONDAY, BulletinPeriod.WEEK)}
    assert [r.scope_code for r in runs] == ["410403", "410403001", "410411"]
    assert run_due_weekly_bulletins(local(2025, 6, 16, 8, 1)) == {"generated": 3, "failed": 0}
    assert due_weekly_runs(local(2025, 6, 18, 9, 0)) == []  # done: nothing later in the week
    assert Bulletin.objects.filter(period=BulletinPeriod.WEEK, date=MONDAY).count() == 3


def test_a_scheduler_down_on_monday_catches_up_later_in_the_week(world: SimpleNamespace) -> None:
    assert len(due_weekly_runs(local(2025, 6, 19, 10, 0))) == 3


def test_xlsx_sheets_and_titles(world: SimpleNamespace, day: SimpleNamespace) -> None:
    wb = load_workbook(io.BytesIO(bulletin_xlsx(_weekly(world))))
    assert wb.sheetnames[:5] == ["周通报", "逐日", "分单位", "分街道", "超期工单"]
    assert wb["周通报"]["A1"].value == "卫东区网格化服务管理周通报（2025年第24周 6月9日—6月15日）"
    days = wb["逐日"]
    assert [c.value for c in days[3]][:3] == ["日期", "受理", "派遣"]
    assert days["A4"].value == "2025-06-09（周一）"
    assert days["A11"].value == "合计" and days["B11"].value == 7


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_pdf_reads_as_a_weekly_bulletin(world: SimpleNamespace, day: SimpleNamespace, tmp_path: Path) -> None:
    path = tmp_path / "w.pdf"
    path.write_bytes(bulletin_pdf(_weekly(world)))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "卫东区网格化服务管理周通报" in flat
    assert "6月9日至6月15日，卫东区共受理群众诉求7件" in flat


def test_command_writes_the_week(world: SimpleNamespace, day: SimpleNamespace, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("weekly_report", "--week", "2025-W24", "--scope", "410403", "--out", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("卫东区 2025年第24周 周通报")
    assert Path(lines[1]).name == "周通报_410403_2025-W24.xlsx" and Path(lines[1]).exists()
    assert Path(lines[2]).read_bytes().startswith(b"%PDF")


def test_command_refuses_a_bad_week(world: SimpleNamespace, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="YYYY-Www"):
        call_command("weekly_report", "--week", "2025-24", "--scope", "410403", "--out", str(tmp_path))
    assert not Bulletin.objects.exists()


def test_pages_list_and_show_the_week(world: SimpleNamespace, day: SimpleNamespace, client: Client) -> None:
    b = _weekly(world)
    client.force_login(world.dispatcher)
    listing = client.get(reverse("reports:bulletins") + "?period=week").content.decode()
    assert "2025年第24周" in listing and reverse("reports:bulletin_detail", args=[b.pk]) in listing
    assert "2025年第24周" not in client.get(reverse("reports:bulletins")).content.decode()
    page = client.get(reverse("reports:bulletin_detail", args=[b.pk])).content.decode()
    assert "网格化服务管理周通报" in page and "本周逐日诉求办理情况" in page
    response = client.get(reverse("reports:bulletin_xlsx", args=[b.pk]))
    assert "2025-W24" in response["Content-Disposition"]


def test_the_form_generates_a_week(world: SimpleNamespace, day: SimpleNamespace, client: Client) -> None:
    client.force_login(world.dispatcher)
    response = client.post(
        reverse("reports:bulletins"), {"period": "week", "date": "2025-06-12", "scope": world.district.code}
    )
    b = Bulletin.objects.get(period=BulletinPeriod.WEEK)
    assert response.status_code == 302 and b.date == MONDAY
