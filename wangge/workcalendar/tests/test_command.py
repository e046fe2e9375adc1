"""``manage.py workdays``: answers, the provisional marker, auto-seeding, errors."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow


def workdays(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_add_prints_the_make_up_saturday(calendar: None) -> None:
    assert workdays("add", "2025-09-30", "3") == "2025-10-11"


def test_add_into_2027_is_marked_provisional(calendar: None) -> None:
    line = workdays("add", "2026-12-25", "10")

    assert line.split()[:2] == ["2027-01-11", "provisional"]
    assert "暂定" in line and "2027" in line


def test_add_with_a_time_gives_the_close_of_office_hours(calendar: None) -> None:
    assert workdays("add", "2025-09-30T10:00", "3") == "2025-10-11T18:00:00+08:00"


def test_add_hours(calendar: None) -> None:
    assert workdays("add-hours", "2025-09-30T17:00", "2") == "2025-10-09T09:30:00+08:00"
    assert workdays("add-hours", "2025-09-30 11:00", "1.5") == "2025-09-30T15:00:00+08:00"


def test_between(calendar: None) -> None:
    assert workdays("between", "2025-09-30T17:00", "2025-10-09T09:30") == "2 工作小时（7200 秒）"
    assert workdays("between", "2025-10-09T09:30", "2025-09-30T17:00").split()[0] == "-2"
    assert "provisional" in workdays("between", "2026-12-31T17:00", "2027-01-04T09:30").split()


def test_show_lists_the_exceptions_of_a_year(calendar: None) -> None:
    lines = workdays("show", "2025").splitlines()

    assert lines[0].startswith("2025 年：官方安排；工作日 248 天")
    assert "2025-10-11 周六 调休上班日 国庆节 [国务院办公厅通知]" in lines
    assert len(lines) == 1 + 23


def test_seed_reports_nothing_to_do_on_a_seeded_calendar(calendar: None) -> None:
    out = workdays("seed")

    assert "新增 0，更新 0，删除 0" in out


def test_an_empty_calendar_is_seeded_before_answering(db: Any) -> None:
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    OfficeWindow.objects.all().delete()

    assert workdays("add", "2025-09-30", "3") == "2025-10-11"
    assert CalendarYear.objects.filter(is_official=True).count() == 23
    assert OfficeWindow.objects.count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ("add", "2025-13-01", "3"),
        ("add-hours", "2025-09-30T17:00", "abc"),
        ("add-hours", "2025-09-30T17:00", "-1"),
        ("seed", "--from", "2030", "--to", "2020"),
    ],
)
def test_bad_input_is_refused(calendar: None, args: tuple[str, ...]) -> None:
    years = CalendarYear.objects.count()

    with pytest.raises(CommandError):
        workdays(*args)

    assert CalendarYear.objects.count() == years
