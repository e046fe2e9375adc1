"""The escalation on the pages: the 黄牌 / 红牌 badge on case rows and the case page, and the 催办督办 page by level
and unit within the user's scope."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from wangge.workorders.escalation import escalate_due
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import act, local, new_case

DISPATCHED = local(2025, 6, 5, 9, 0)  # a Thursday; the accept step is due at 11:00


def _late(w: SimpleNamespace, now: Any) -> WorkOrder:
    wo = act(w, new_case(w, at=DISPATCHED), "dispatch", "dispatcher", DISPATCHED, unit=w.dept)
    escalate_due(now)
    wo.refresh_from_db()
    return wo


def test_a_yellow_card_shows_on_the_case_page_and_on_the_rows(world: SimpleNamespace, login: Any) -> None:
    wo = _late(world, local(2025, 6, 6, 18, 1))  # one working day overdue, never accepted
    assert wo.escalation_level == 3
    client = login(world.dispatcher)
    page = client.get(f"/cases/{wo.pk}/").content.decode()
    assert '<span class="badge yellow" title="自动升级：超期 1 个工作日">黄牌</span>' in page
    assert "自动催办" in page and "黄牌：超期 1 个工作日；通知" in page  # the history row
    rows = client.get("/workbench/?tab=all").content.decode()
    assert '<span class="badge yellow" title="自动升级：超期 1 个工作日">黄牌</span>' in rows


def test_a_reminder_without_a_card_shows_on_the_case_page_only(world: SimpleNamespace, login: Any) -> None:
    wo = _late(world, local(2025, 6, 5, 11, 1))  # 超期催办: no card
    client = login(world.dispatcher)
    assert ">超期催办</span>" in client.get(f"/cases/{wo.pk}/").content.decode()
    assert ">超期催办</span>" not in client.get("/workbench/?tab=all").content.decode()


def test_the_escalation_page_lists_by_level_and_unit_within_scope(world: SimpleNamespace, login: Any) -> None:
    wo = _late(world, local(2025, 6, 10, 18, 1))  # three working days overdue: 红牌
    assert wo.escalation_level == 4
    page = login(world.leader).get("/escalation/").content.decode()
    assert wo.tracking_code in page and world.dept.name in page and ">红牌</span>" in page
    assert 'href="?level=4">1</a>' in page
    assert "催办督办" in page  # the navigation link of a leader
    filtered = login(world.dispatcher).get("/escalation/", {"level": "3"}).content.decode()
    assert wo.tracking_code not in filtered  # the 黄牌 list is empty
    elsewhere = login(world.stranger).get("/escalation/").content.decode()  # a dispatcher of another district
    assert wo.tracking_code not in elsewhere and "辖区内没有升级中的工单" in elsewhere


def test_the_navigation_link_is_for_the_command_centre_and_leaders(world: SimpleNamespace, login: Any) -> None:
    assert 'href="/escalation/"' in login(world.dispatcher).get("/workbench/").content.decode()
    assert 'href="/escalation/"' not in login(world.worker).get("/workbench/").content.decode()
