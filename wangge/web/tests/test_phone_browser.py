"""Every role on a 390×844 phone in a real Chromium: the home page, the case list and a case page, and the
citizen pages, each screenshot (…/pytest-current/screenshots0/phone-*.png) and none wider than the phone.
A small district of the work-order tests with cases in each state stands in for the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.web.tests.conftest import PASSWORD, act, new_case
from wangge.web.tests.test_browser import PHONE, _no_csp_violation, browser, shot, watch  # noqa: F401
from wangge.workorders.choices import AppealType, Channel
from wangge.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "幸福路与建设路交叉口东北角人行道上长期堆放建筑垃圾和废旧家具，影响行人通行并存在安全隐患"


def cases_in_every_state(world: Any) -> dict[str, WorkOrder]:
    now = timezone.now()
    registered = new_case(world, title=LONG_TITLE, at=now - dt.timedelta(hours=3))
    dispatched = act(
        world, new_case(world, at=now - dt.timedelta(days=2)), "dispatch", "dispatcher", now, unit=world.dept
    )
    handling = new_case(world, title="小区路灯不亮", at=now - dt.timedelta(days=20), lng=113.02, lat=33.02)
    act(world, handling, "dispatch", "dispatcher", now - dt.timedelta(days=20), unit=world.dept)
    handling = act(world, handling, "accept", "handler", now - dt.timedelta(days=19))
    replied = new_case(world, title="井盖缺失", at=now - dt.timedelta(days=1))
    act(world, replied, "dispatch", "dispatcher", now - dt.timedelta(hours=20), unit=world.dept)
    act(world, replied, "accept", "handler", now - dt.timedelta(hours=19))
    replied = act(world, replied, "reply", "handler", now - dt.timedelta(hours=2), text="已补装井盖", result="resolved")
    own = new_case(
        world,
        actor=world.worker,
        channel=Channel.PATROL,
        appeal_type=AppealType.REPORT,
        title="楼道堆放杂物",
        description="3号楼2单元楼道堆放杂物，堵塞消防通道",
        reporter_name="",
        reporter_phone="",
        at=now - dt.timedelta(minutes=30),
    )
    return {"registered": registered, "dispatched": dispatched, "handling": handling, "replied": replied, "own": own}


def phone(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, service_workers="block"
    )
    return watch(context.new_page())


def fits(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling of the page."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def visit(page: Any, url: str, name: str, shot: Any) -> None:  # noqa: F811
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")
    fits(page)
    shot(page, name)


def dashboard(page: Any, live_server: Any, shot: Any) -> None:  # noqa: F811
    """The 大屏 is no fixed 1920 px page: one scrolling column on the phone, the whole wall screen on one
    screen at 1920×1080 and on a laptop."""
    visit(page, f"{live_server.url}/reports/dashboard/", "phone-leader-4-dashboard", shot)
    page.wait_for_function("() => document.getElementById('k-open').textContent !== '—'")
    fits(page)
    shot(page, "phone-leader-4-dashboard")
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size == [width, height], size
        shot(page, f"dashboard-{width}")
    page.set_viewport_size(PHONE)


ROLES = [
    # username, the case they open, what their home says
    ("worker", "own", "我的网格"),
    ("grid_leader", "replied", "我的网格"),
    ("community_staff", "registered", "运行概览"),
    ("dispatcher", "registered", "派遣队列"),
    ("caller", "registered", "今日受理"),
    ("handler", "handling", "本单位待办"),
    ("inspector", "replied", "运行概览"),
    ("leader", "handling", "运行概览"),
    ("admin", "dispatched", "派遣队列"),
]


def more_roles(world: Any) -> None:
    """The demo's other logins: 网格长, 社区工作人员, 管理员."""
    for username, role, node in (
        ("grid_leader", Role.GRID_LEADER, world.grid1),
        ("community_staff", Role.COMMUNITY_STAFF, world.community),
        ("admin", Role.ADMIN, world.district),
    ):
        user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
        RoleGrant.objects.create(user=user, role=role, territory=node)


def test_every_role_and_the_citizen_fit_a_phone(browser: Any, live_server: Any, world: Any, shot: Any) -> None:  # noqa: F811
    cases = cases_in_every_state(world)
    more_roles(world)
    for username, case, heading in ROLES:
        page = phone(browser)
        page.goto(f"{live_server.url}/login/")
        fits(page)
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]:has-text('登录')")
        page.wait_for_url(f"{live_server.url}/")
        assert heading in page.locator("h1").first.inner_text()
        fits(page)
        shot(page, f"phone-{username}-1-home")
        visit(page, f"{live_server.url}/workbench/?tab=all", f"phone-{username}-2-cases", shot)
        # On a phone each case is a card: the title is readable in full width, the deadline is shown.
        card = page.locator(".cards tbody tr").first
        title_width = card.locator("td.c-title").bounding_box()["width"]
        assert title_width > 250, title_width
        assert card.locator("td.c-clock").is_visible() and card.locator(".badge.status").is_visible()
        visit(page, f"{live_server.url}/cases/{cases[case].pk}/", f"phone-{username}-3-case", shot)
        if username == "worker":
            # Their own case, found on patrol in their grid, offers 现场解决 right under the facts.
            assert page.locator(".card-actions summary", has_text="现场解决").is_visible()
            visit(page, f"{live_server.url}/reports/patrol/", "phone-worker-4-checkin", shot)
            assert page.locator("select[name=crs]").count() == 0
            visit(page, f"{live_server.url}/cases/new/", "phone-worker-5-report", shot)
            visit(page, f"{live_server.url}/offline/", "phone-worker-6-outbox", shot)
        if username == "leader":
            dashboard(page, live_server, shot)
        page.context.close()

    citizen = phone(browser)
    visit(citizen, f"{live_server.url}/appeal/", "phone-citizen-1-appeal", shot)
    visit(citizen, f"{live_server.url}/track/", "phone-citizen-2-track", shot)
    visit(citizen, f"{live_server.url}/track/{cases['replied'].tracking_code}/", "phone-citizen-3-progress", shot)
    citizen.context.close()
