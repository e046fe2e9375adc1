"""The grid worker's phone: the home's big buttons with the day's counts, the day's log that starts from the
day's records, and case lists that can turn into cards (each value keeps its label)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.reports import services as patrol
from wangge.reports.models import DailyLog
from wangge.web.tests.conftest import act, new_case
from wangge.workorders.choices import AppealType, Channel, Status

pytestmark = pytest.mark.django_db


def buttons(response: Any) -> dict[str, dict[str, Any]]:
    return {a["key"]: a for a in response.context["phone_actions"]}


def replied_case(world: Any) -> Any:
    now = timezone.now()
    wo = act(world, new_case(world, at=now - dt.timedelta(days=1)), "dispatch", "dispatcher", now, unit=world.dept)
    act(world, wo, "accept", "handler", now)
    return act(world, wo, "reply", "handler", now, text="已补装井盖", result="resolved")


def test_the_grid_worker_home_has_the_days_work_as_big_buttons(client: Client, world: Any) -> None:
    replied_case(world)
    patrol.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01)
    client.force_login(world.worker)

    response = client.get(reverse("web:home"))

    found = buttons(response)
    assert list(found) == ["report", "checkin", "log", "verify", "rounds"]  # no warning waiting: no 预警 button
    assert found["report"]["url"] == reverse("web:case_report") and found["report"]["primary"]
    assert found["checkin"]["url"] == reverse("reports:patrol") and "1 次" in found["checkin"]["note"]
    assert found["log"]["note"] == "今日日志未提交"
    assert found["verify"]["count"] == 1 and found["verify"]["url"].endswith(f"?status={Status.REPLIED}")
    assert found["rounds"]["count"] == 0 and found["rounds"]["url"] == reverse("web:inspection_home")
    html = response.content.decode()
    assert 'class="phone-actions"' in html and 'data-action="verify"' in html


def test_the_verification_button_opens_exactly_those_cases(client: Client, world: Any) -> None:
    wo = replied_case(world)
    new_case(world)  # registered in the same grid: the worker's queue, not to verify
    client.force_login(world.worker)

    page = client.get(buttons(client.get(reverse("web:home")))["verify"]["url"])

    assert [c.pk for c in page.context["page"].object_list] == [wo.pk]


def test_other_roles_keep_their_home(client: Client, world: Any) -> None:
    for who in ("dispatcher", "handler", "leader"):
        client.force_login(getattr(world, who))
        response = client.get(reverse("web:home"))
        assert "phone_actions" not in response.context and 'class="phone-actions"' not in response.content.decode()


def test_the_days_log_starts_from_the_days_check_ins_reports_and_checks(client: Client, world: Any) -> None:
    wo = replied_case(world)
    act(world, wo, "verify_pass", "worker", timezone.now())
    patrol.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01, note="东门巡查")
    filed = new_case(
        world,
        actor=world.worker,
        channel=Channel.PATROL,
        appeal_type=AppealType.REPORT,
        title="楼道堆放杂物",
        reporter_name="",
        reporter_phone="",
        at=timezone.now(),
    )
    client.force_login(world.worker)

    summary = client.get(reverse("reports:patrol")).context["log_form"].initial["summary"]

    lines = summary.splitlines()
    assert lines[0].startswith("巡查签到 1 次：") and "一网格（东门巡查）" in lines[0]
    assert lines[1] == f"上报事件 1 件：{filed.tracking_code} 楼道堆放杂物"
    assert lines[2] == f"核查和现场处置 1 件：{wo.tracking_code} {wo.title}（核查通过）"


def test_a_written_log_is_shown_as_written(client: Client, world: Any) -> None:
    patrol.patrol_checkin(actor=world.worker, lng=113.01, lat=33.01)
    patrol.daily_log_save(actor=world.worker, date=timezone.localdate(), summary="今日走访三户")
    client.force_login(world.worker)

    summary = client.get(reverse("reports:patrol")).context["log_form"].initial["summary"]

    assert summary == "今日走访三户" and DailyLog.objects.get().summary == "今日走访三户"


def test_another_workers_day_is_not_in_the_draft(client: Client, world: Any) -> None:
    patrol.patrol_checkin(actor=world.other_worker, lng=113.07, lat=33.01)
    client.force_login(world.worker)

    assert client.get(reverse("reports:patrol")).context["log_form"].initial["summary"] == ""


def test_case_rows_label_each_value_for_the_phone_cards(client: Client, world: Any) -> None:
    new_case(world)
    client.force_login(world.dispatcher)

    html = client.get(reverse("web:workbench"), {"tab": "all"}).content.decode()

    assert 'class="table-wrap cards"' in html
    for cell in ("c-code", "c-title", "c-status", "c-clock"):
        assert f'class="{cell}' in html
    for label in ("查询码", "标题", "状态", "时限"):
        assert f'data-label="{label}"' in html
    assert "办结时限" in html  # the deadline itself, shown on the card
