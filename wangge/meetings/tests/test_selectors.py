"""The one meaning of overdue at the day boundary, the bulletin's open tasks until closed, the weekly figures and
the reminders (idempotent)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.meetings.deadlines import is_overdue
from wangge.meetings.models import Task
from wangge.meetings.selectors import open_tasks_for_bulletin, task_figures
from wangge.meetings.tasks import remind
from wangge.notifications.models import Notification

from .conftest import local, one_task, step

pytestmark = pytest.mark.django_db


def test_overdue_starts_at_midnight_after_the_deadline_day_in_shanghai(mt: SimpleNamespace) -> None:
    t = one_task(mt, deadline="2025-06-05", deadline_days=None)
    assert not is_overdue(t, local(2025, 6, 5, 23, 59, 59))
    assert is_overdue(t, local(2025, 6, 6, 0, 0, 0))
    # 23:30 UTC on the 5th is 07:30 on the 6th in Shanghai: overdue
    assert is_overdue(t, dt.datetime(2025, 6, 5, 16, 0, tzinfo=dt.UTC))
    assert not is_overdue(t, dt.datetime(2025, 6, 5, 15, 59, tzinfo=dt.UTC))
    t = step(mt, t, "sign", "handler")
    t = step(mt, t, "report", "handler", 2, result="已办结")
    assert is_overdue(t, local(2025, 6, 6, 0, 0))  # reported but not yet closed (核销) is still open
    t = step(mt, t, "close", "dispatcher", 3)
    assert not is_overdue(t, local(2025, 6, 30, 9, 0))


def test_the_bulletin_lists_an_open_task_every_day_until_it_is_closed(mt: SimpleNamespace) -> None:
    t = one_task(mt, deadline="2025-06-05", deadline_days=None)
    other = one_task(mt, unit=mt.office, deadline="2025-06-20", deadline_days=None)
    assert open_tasks_for_bulletin(mt.district, dt.date(2025, 6, 2)) == []  # before the meeting
    day4 = open_tasks_for_bulletin(mt.district, dt.date(2025, 6, 4))
    assert [r["code"] for r in day4] == [t.code, other.code] and not day4[0]["overdue"] and day4[0]["days_open"] == 1
    assert day4[0]["unit"] == "区城市管理局" and day4[0]["deadline"] == "2025-06-05"
    # the end of its deadline day: the bulletin of the 5th flags it (not closed by the end of the 5th)
    day5 = open_tasks_for_bulletin(mt.district, dt.date(2025, 6, 5))
    assert day5[0]["code"] == t.code and day5[0]["overdue"] and day5[0]["days_overdue"] == 0
    step(mt, t, "sign", "handler", 24)
    step(mt, t, "report", "handler", 24 * 6, result="已办结")  # the 9th
    step(mt, t, "close", "dispatcher", 24 * 6 + 1)  # 10 June 01:30
    day8 = open_tasks_for_bulletin(mt.district, dt.date(2025, 6, 8))
    assert day8[0]["code"] == t.code and day8[0]["overdue"] and day8[0]["days_overdue"] == 3
    assert [r["code"] for r in open_tasks_for_bulletin(mt.district, dt.date(2025, 6, 10))] == [other.code]
    # the street's bulletin lists the street office's task only; another district's, nothing
    assert [r["code"] for r in open_tasks_for_bulletin(mt.street, dt.date(2025, 6, 8))] == [other.code]
    assert open_tasks_for_bulletin(mt.other_district, dt.date(2025, 6, 8)) == []
    assert len(open_tasks_for_bulletin(None, dt.date(2025, 6, 8))) == 2


def test_weekly_figures_count_assigned_closed_on_time_and_overdue(mt: SimpleNamespace) -> None:
    on_time = one_task(mt, deadline="2025-06-05", deadline_days=None)
    late = one_task(mt, deadline="2025-06-04", deadline_days=None)
    overdue = one_task(mt, deadline="2025-06-05", deadline_days=None)
    open_ok = one_task(mt, deadline="2025-06-20", deadline_days=None)
    cancelled = one_task(mt, deadline="2025-06-20", deadline_days=None)
    for t in (on_time, late):
        step(mt, t, "sign", "handler")
        step(mt, t, "report", "handler", 2, result="好了")
    step(mt, on_time, "close", "dispatcher", 3)  # 3 June
    step(mt, late, "close", "dispatcher", 24 * 2)  # 5 June, after the 4th
    step(mt, cancelled, "cancel", "dispatcher", 2, note="重复")
    f = task_figures(mt.district, dt.date(2025, 6, 2), dt.date(2025, 6, 8), now=local(2025, 6, 30, 0, 0))
    assert (f["assigned"], f["closed"], f["on_time"], f["late"], f["cancelled"]) == (5, 2, 1, 1, 1)
    assert (f["open"], f["overdue"], f["on_time_rate"]) == (2, 1, 0.5)
    assert f["by_unit"][0]["unit"] == "区城市管理局" and f["by_unit"][0]["assigned"] == 5
    assert open_ok.pk and overdue.pk
    assert task_figures(mt.district, dt.date(2025, 6, 9), dt.date(2025, 6, 15))["assigned"] == 0


def test_reminders_go_once_near_the_deadline_and_once_overdue(mt: SimpleNamespace) -> None:
    one_task(mt, deadline="2025-06-05", deadline_days=None)
    assert remind(local(2025, 6, 3, 20, 0)) == {"due": 0, "overdue": 0}
    assert remind(local(2025, 6, 4, 9, 0)) == {"due": 1, "overdue": 0}
    assert remind(local(2025, 6, 4, 10, 0)) == {"due": 0, "overdue": 0}  # idempotent
    assert remind(local(2025, 6, 6, 0, 1)) == {"due": 0, "overdue": 1}
    assert remind(local(2025, 6, 6, 9, 0)) == {"due": 0, "overdue": 0}
    assert Notification.objects.filter(recipient=mt.handler, key__contains=":overdue:").count() == 1
    assert Task.objects.count() == 1
