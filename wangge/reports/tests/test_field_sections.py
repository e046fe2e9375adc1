"""The field modules in the bulletins: the inspection rounds missed or made late (the day before, in the 日通报),
the 18:00 meeting's 交办 tasks listed every day until closed, and the week's rounds, tasks, campaigns, projects and
warnings in the 周通报 — each with the module's own figures."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from wangge.core.actors import SYSTEM
from wangge.inspections.choices import AssigneeRule, Frequency
from wangge.inspections.models import Round
from wangge.inspections.services import default_checklists_seed, round_submit, rounds_generate, rounds_mark_missed
from wangge.inspections.services.schedules import schedule_save
from wangge.meetings.services.meetings import issue_create, issue_split, meeting_create
from wangge.meetings.services.tasks import task_transition
from wangge.places.models import Point, PointType
from wangge.reports import bulletins
from wangge.reports.choices import BulletinPeriod
from wangge.reports.services import bulletin_generate
from wangge.reports.xlsx import bulletin_xlsx
from wangge.workorders.tests.conftest import local

DAY = dt.date(2025, 7, 1)  # a Tuesday in the flood season: daily rounds
NEXT = DAY + dt.timedelta(days=1)
GOOD = {"drains_clear": True, "pumps_ready": True, "water_depth": "3", "warning_signs": True}


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (40, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def field(world: SimpleNamespace, settings: object, tmp_path: object) -> SimpleNamespace:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    kind, _ = PointType.objects.get_or_create(key="waterlogging", defaults={"name": "易积水点", "is_hazard": True})
    default_checklists_seed(actor=SYSTEM)
    points = [
        Point.objects.create(
            code=f"P-{n}",
            name=f"测试易积水点{n}",
            type=kind,
            lng=113.01 + n * 0.005,
            lat=33.02,
            territory=world.grid1,
            grid=world.grid1,
            responsible_name="张三",
        )
        for n in (1, 2)
    ]
    schedule_save(
        actor=SYSTEM,
        territory=world.district,
        point_types=[kind],
        name="防汛隐患点巡查",
        season_frequency=Frequency.DAILY,
        off_season_frequency=Frequency.WEEKLY,
        assignee_rule=AssigneeRule.GRID_WORKERS,
    )
    rounds_generate(actor=SYSTEM, day=DAY)
    late, missed = (Round.objects.get(point=p, period_start=DAY) for p in points)
    round_submit(
        actor=world.worker,
        round=late,
        results=GOOD,
        photos={"photo": [_jpeg()]},
        lng=late.point.lng,
        lat=late.point.lat,
        now=local(2025, 7, 1, 19, 30),  # after the 18:00 due time, within the grace
    )
    rounds_mark_missed(actor=SYSTEM, now=local(2025, 7, 2, 1, 0))
    meeting = meeting_create(
        actor=world.dispatcher, territory=world.district, held_on=DAY, chair_name="张区长", now=local(2025, 7, 1, 18)
    )
    issue = issue_create(
        actor=world.dispatcher,
        meeting=meeting,
        title="建设路积水点排水不畅",
        territory=world.street,
        decision="城管局牵头疏通",
        now=local(2025, 7, 1, 18, 30),
    )
    (task,) = issue_split(
        actor=world.dispatcher,
        issue=issue,
        tasks=[{"unit": world.dept, "requirement": "次日疏通完毕", "deadline": NEXT}],
        now=local(2025, 7, 1, 18, 40),
    )
    return SimpleNamespace(late=late, missed=missed, task=task, meeting=meeting)


def _daily(w: SimpleNamespace, day: dt.date) -> dict[str, Any]:
    at = dt.datetime.combine(day, dt.time(17, 30), tzinfo=local(2025, 1, 1).tzinfo)
    return bulletin_generate(actor=SYSTEM, date=day, scope_code=w.district.code, now=at).data


def test_the_next_days_bulletin_counts_the_missed_and_late_rounds(
    world: SimpleNamespace, field: SimpleNamespace
) -> None:
    data = _daily(world, NEXT)
    rounds = data["inspections"]
    assert rounds["date"] == DAY.isoformat()
    assert (rounds["due"], rounds["done"], rounds["late"], rounds["missed"]) == (2, 1, 1, 1)
    kinds = {r["point"]: r["kind"] for r in rounds["exceptions"]}
    assert kinds == {"测试易积水点1（P-1）": "逾期巡查", "测试易积水点2（P-2）": "漏巡"}
    assert "前一日点位巡查应巡 2 次，已巡 1 次，漏巡 1 次" in bulletins.headline(data)


def test_a_units_bulletin_has_no_rounds_nor_tasks(world: SimpleNamespace, field: SimpleNamespace) -> None:
    at = local(2025, 7, 2, 17, 30)
    data = bulletin_generate(actor=SYSTEM, date=NEXT, scope_code=f"unit:{world.dept.code}", now=at).data
    assert data["inspections"] is None and data["tasks_open"] is None


def test_an_open_task_is_listed_every_day_until_closed(world: SimpleNamespace, field: SimpleNamespace) -> None:
    first = _daily(world, DAY)["tasks_open"]
    assert [(t["code"], t["overdue"]) for t in first] == [(field.task.code, False)]
    after_deadline = _daily(world, NEXT + dt.timedelta(days=1))["tasks_open"]
    assert [(t["code"], t["overdue"], t["days_overdue"]) for t in after_deadline] == [(field.task.code, True, 1)]

    task_transition(actor=world.handler, task=field.task, name="sign", now=local(2025, 7, 3, 18, 0))
    task_transition(actor=world.handler, task=field.task, name="report", result="已疏通", now=local(2025, 7, 3, 19))
    task_transition(actor=world.dispatcher, task=field.task, name="close", now=local(2025, 7, 3, 20, 0))

    assert _daily(world, dt.date(2025, 7, 4))["tasks_open"] == []
    assert [t["code"] for t in _daily(world, NEXT)["tasks_open"]] == [field.task.code]  # open at that day's end


def test_the_daily_spreadsheet_has_the_round_and_task_sheets(world: SimpleNamespace, field: SimpleNamespace) -> None:
    at = local(2025, 7, 2, 17, 30)
    wb = load_workbook(
        io.BytesIO(bulletin_xlsx(bulletin_generate(actor=SYSTEM, date=NEXT, scope_code="410403", now=at)))
    )
    assert {"巡查体检", "漏巡逾期", "交办在办"} <= set(wb.sheetnames)
    assert wb["交办在办"]["B4"].value == field.task.code


def test_the_weekly_bulletin_has_the_weeks_rounds_and_tasks(world: SimpleNamespace, field: SimpleNamespace) -> None:
    b = bulletin_generate(
        actor=SYSTEM, date=DAY, scope_code="410403", now=local(2025, 7, 7), period=BulletinPeriod.WEEK
    )
    rounds, tasks = b.data["inspections"], b.data["tasks"]
    assert (rounds["due"], rounds["late"], rounds["missed"]) == (2, 1, 1)
    assert (tasks["assigned"], tasks["open"], tasks["overdue"]) == (1, 1, 1)
    assert b.data["campaigns"] == [] and b.data["warnings"] == []
    assert b.data["projects"]["totals"]["count"] == 0
    sheets = load_workbook(io.BytesIO(bulletin_xlsx(b))).sheetnames
    assert sheets[5:] == ["巡查体检", "专项整治", "项目进度", "预警", "交办事项"]


def test_missed_and_late_rounds_lower_the_workers_assessment(world: SimpleNamespace, field: SimpleNamespace) -> None:
    from wangge.reports.assessment import auto_items_for

    before = auto_items_for(world.worker, DAY, now=local(2025, 7, 1, 12))["inspection_rounds"]
    assert before["applicable"] is False and before["score"] == 5  # nothing settled yet: 不适用, full points
    item = auto_items_for(world.worker, DAY, now=local(2025, 7, 3, 9))["inspection_rounds"]
    assert (item["denominator"], item["numerator"], item["late"], item["missed"]) == (2, 0, 1, 1)
    assert item["score"] == 0 and item["label"] == "点位巡查按时完成率"
    other = auto_items_for(world.other_worker, DAY, now=local(2025, 7, 3, 9))["inspection_rounds"]
    assert other["applicable"] is False  # no rounds of the other grid's worker


def test_the_wall_screen_shows_the_warnings_in_force(world: SimpleNamespace, client: Any) -> None:
    from django.core.management import call_command
    from django.urls import reverse

    client.force_login(world.leader)
    quiet = client.get(reverse("reports:dashboard_data")).json()
    assert quiet["warnings"] == [] and quiet["duty"] == []

    call_command(
        "warning",
        "issue",
        "--type",
        "rainstorm",
        "--level",
        "orange",
        "--scope",
        "410403",
        "--text",
        "强降雨",
        stdout=io.StringIO(),
    )
    shown = client.get(reverse("reports:dashboard_data")).json()["warnings"]
    assert [(w["label"], w["level"]) for w in shown] == [("暴雨橙色预警", "orange")]
