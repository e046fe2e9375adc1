"""End to end in a real Chromium (Debian's, never a downloaded one) against the live server:
a citizen submits → the command centre dispatches → the unit accepts and replies → the verifier passes →
the citizen rates. Screenshots go to pytest's temporary directory (``…/pytest-current/screenshots0/``)."""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from wangge.web.tests.conftest import PASSWORD, act, new_case
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# What Chromium reports refusing under the Content-Security-Policy, on every page a test opened with watch().
CSP_VIOLATIONS: list[str] = []
# No request is to leave the platform's network: every refusal fails the test.
EXPECTED_REFUSALS: tuple[str, ...] = ()


def watch(page: Any) -> Any:
    def seen(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text and not any(url in text for url in EXPECTED_REFUSALS):
            CSP_VIOLATIONS.append(f"{page.url}: {text}")

    page.on("console", seen)
    return page


@pytest.fixture(autouse=True)
def _no_csp_violation() -> Iterator[None]:
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shot(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Any, str], None]:
    """Takes a full-page screenshot of each step, outside the checkout."""
    folder = tmp_path_factory.mktemp("screenshots")

    def take(page: Any, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


def staff_page(browser: Any, live_server: Any, username: str) -> Any:
    # No service worker: its background fetches of the kept pages would read the live server's database while a
    # test writes to it (SQLite locks the table); the offline tests allow it in a context of their own.
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    page = watch(context.new_page())
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


# Predicates are functions, never expressions: Playwright evaluates an expression with eval(), which the
# Content-Security-Policy refuses in the page.


def open_action(page: Any, label: str) -> None:
    # htmx must have processed the page, or a click posts the form the old way (a full page, not a swap)
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.locator("summary", has_text=label).click()


def photo(path: Path) -> Path:
    """A small real PNG (red and blue halves), the kind of file a phone camera hands over."""
    width, height = 48, 32
    row = b"\x00" + bytes([200, 60, 60] * (width // 2) + [60, 60, 200] * (width // 2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def test_the_closed_loop_through_the_pages(
    browser: Any, live_server: Any, world: Any, tmp_path: Path, shot: Any
) -> None:
    # A citizen on a phone submits an appeal, positioned by the phone's geolocation (WGS-84).
    citizen = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 113.012, "latitude": 33.013},
        permissions=["geolocation"],
    )
    phone = watch(citizen.new_page())
    phone.goto(f"{live_server.url}/appeal/")
    phone.select_option("#id_category", str(world.category.pk))
    phone.fill("#id_description", "小区东门外有人私搭彩钢棚，占用人行道。")
    phone.click("#locate-btn")
    phone.wait_for_function("() => document.querySelector('[name=lng]').value !== ''")
    phone.set_input_files("#id_photos", str(photo(tmp_path / "现场.png")))
    assert "现场.png" in phone.locator(".filepick .filenames").inner_text()
    phone.fill("#id_reporter_name", "王先生")
    phone.fill("#id_reporter_phone", "13812341234")
    shot(phone, "01-citizen-appeal")
    phone.click("button[type=submit]")
    code = phone.locator("#tracking-code").inner_text().strip()
    shot(phone, "02-citizen-code")
    wo = WorkOrder.objects.get(tracking_code=code)
    assert wo.grid == world.grid1 and abs((wo.lng or 0) - 113.012) < 1e-6
    assert wo.attachments.filter(content_type="image/png").count() == 1

    # The command centre dispatches it from the dispatch screen.
    desk = staff_page(browser, live_server, "dispatcher")
    desk.goto(f"{live_server.url}/workbench/")
    shot(desk, "03-workbench")
    desk.click(f"text={code}")
    desk.locator(".photos img").first.wait_for()
    shot(desk, "03-case-detail")
    desk.click("a:has-text('派遣 →')")
    desk.select_option("#action-dispatch select[name=unit]", str(world.dept.pk))
    shot(desk, "03-dispatch-screen")
    desk.click("#action-dispatch button[type=submit]")
    desk.wait_for_url(f"**/cases/{wo.pk}/")
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.DISPATCHED

    # The unit accepts and replies.
    unit = staff_page(browser, live_server, "handler")
    unit.goto(f"{live_server.url}/cases/{wo.pk}/")
    open_action(unit, "签收")
    unit.click("#action-accept button[type=submit]")
    unit.wait_for_function("() => document.body.innerText.includes('办理中')")
    open_action(unit, "办结反馈")
    unit.fill("#action-reply textarea[name=text]", "已联系业主拆除彩钢棚，人行道恢复通行。")
    unit.check("#action-reply input[name=result][value=resolved]")
    shot(unit, "04-unit-reply")
    unit.click("#action-reply button[type=submit]")
    unit.wait_for_function("() => document.body.innerText.includes('待核查')")
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.REPLIED

    # The verifier passes it.
    check = staff_page(browser, live_server, "inspector")
    check.goto(f"{live_server.url}/cases/{wo.pk}/")
    open_action(check, "核查通过")
    check.click("#action-verify_pass button[type=submit]")
    check.wait_for_function("() => document.body.innerText.includes('待回访')")
    shot(check, "05-verified")

    # The citizen rates it (好差评) on the tracking page.
    phone.goto(f"{live_server.url}/track/{code}/")
    phone.check("#rating-form input[name=rating][value='5']")
    phone.check("#rating-form input[name=resolved][value='1']")
    phone.fill("#rating-form input[name=phone_tail]", "1234")  # the reporter's phone 13812341234
    shot(phone, "06-citizen-rating")
    phone.click("#rating-form button[type=submit]")
    phone.wait_for_selector("text=感谢您的评价")
    shot(phone, "07-citizen-rated")

    final = WorkOrder.objects.get(pk=wo.pk)
    assert final.status == Status.TO_CLOSE and final.rating == 5 and final.resolved is True


def test_a_stale_page_gets_a_clear_conflict_message(browser: Any, live_server: Any, world: Any, shot: Any) -> None:
    wo = act(world, new_case(world), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    page = staff_page(browser, live_server, "handler")
    page.goto(f"{live_server.url}/cases/{wo.pk}/")
    page.wait_for_load_state("networkidle")  # the page's own requests are done before the test writes
    act(world, wo, "accept", "handler", timezone.now())  # a colleague accepts first, in another tab

    open_action(page, "签收")
    page.click("#action-accept button[type=submit]")

    page.wait_for_selector("#action-accept .msg.error")
    assert "已被他人处理" in page.locator("#action-accept .msg.error").inner_text()
    shot(page, "08-conflict")
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.HANDLING and fresh.version == wo.version + 1


def test_map_page_draws_outlines_and_opens_a_grid_panel(browser: Any, live_server: Any, world: Any, shot: Any) -> None:
    new_case(world, lng=113.01, lat=33.01)
    page = staff_page(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-ready='1']")
    page.locator("path.leaflet-interactive").first.wait_for()

    page.evaluate(
        """() => { const g = [...document.querySelectorAll('path.leaflet-interactive')]; g[g.length - 1]
        .dispatchEvent(new MouseEvent('click', {bubbles: true})); }"""
    )

    page.wait_for_selector("#panel h3")
    shot(page, "09-map")
    assert "网格人员" in page.locator("#panel").inner_text()

    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-base label", has_text="热力").click()
    page.locator("canvas.wangge-heat").wait_for(state="attached")
    assert page.locator(".marker-cluster, .case-cluster").count() == 0
    shot(page, "10-map-heat")


def test_a_session_that_ended_leads_back_to_the_login_page(
    browser: Any, live_server: Any, world: Any, shot: Any
) -> None:
    page = staff_page(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/workbench/")
    page.context.clear_cookies()  # the session ended (idle limit) while the page stayed open

    page.click("#filter-form button[type=submit]")  # an htmx request: it follows the redirect silently

    page.wait_for_url("**/login/?next=*")
    assert "请先登录" in page.locator("main").inner_text()
    assert page.locator("#case-table").count() == 0
    shot(page, "11-session-ended")


def test_the_behaviours_moved_out_of_inline_scripts_still_work(
    browser: Any, live_server: Any, world: Any, shot: Any
) -> None:
    new_case(world)
    new_case(world)
    desk = staff_page(browser, live_server, "dispatcher")

    # 全选 on the workbench ticks every case
    desk.goto(f"{live_server.url}/workbench/")
    desk.check("input[data-check-all=cases]")
    assert desk.locator("input[name=cases]:checked").count() == 2

    # the language switch submits itself
    desk.select_option("select[data-autosubmit]", "en")
    desk.wait_for_function("() => document.documentElement.lang === 'en'")
    desk.select_option("select[data-autosubmit]", "zh-hans")
    desk.wait_for_function("() => document.documentElement.lang === 'zh-CN'")

    # the wall screen draws its charts from its own script
    desk.goto(f"{live_server.url}/reports/dashboard/")
    desk.wait_for_function("() => document.getElementById('k-today').textContent !== '—'")
    desk.locator("#trend canvas").wait_for()
    shot(desk, "12-dashboard")

    # the API documentation starts without inline scripts
    desk.goto(f"{live_server.url}/api/docs/")
    desk.locator(".swagger-ui .info").wait_for()

    # on a phone, the workbench's filter box starts folded
    phone = watch(browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page())
    phone.context.add_cookies(desk.context.cookies())
    phone.goto(f"{live_server.url}/workbench/")
    assert phone.evaluate("document.getElementById('filter-box').open") is False


def test_the_unit_picker_filters_the_units_by_what_is_typed(
    browser: Any, live_server: Any, world: Any, shot: Any
) -> None:
    wo = new_case(world)
    page = staff_page(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/cases/{wo.pk}/dispatch/")
    shown = "s => [...s.options].filter(o => o.value && !o.hidden).map(o => o.textContent)"
    select = "#action-dispatch select[data-unit-picker]"
    assert page.eval_on_selector(select, shown)[0].endswith("（推荐）")  # the routed unit first

    page.fill("#action-dispatch .unit-picker-search", "生态")
    assert page.eval_on_selector(select, shown) == ["生态环境分局（sthj）"]
    shot(page, "20-unit-picker")
    page.fill("#action-dispatch .unit-picker-search", "CGJ")  # by code too, in any case
    assert page.eval_on_selector(select, shown) == ["城市管理局（cgj）（推荐）"]
    page.press("#action-dispatch .unit-picker-search", "Enter")  # picks the first match, submits nothing
    assert page.eval_on_selector(select, "s => s.value") == str(world.dept.pk)
    assert len(page.eval_on_selector(select, shown)) == 3  # picking shows every unit again


def test_bulk_dispatch_updates_the_rows_on_the_screen(browser: Any, live_server: Any, world: Any) -> None:
    wo = new_case(world)
    page = staff_page(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/workbench/?tab=all")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")

    page.check(f"input[name=cases][value='{wo.pk}:{wo.version}']")
    page.select_option("#bulk-form select[name=unit]", str(world.dept.pk))
    page.click("#bulk-form button[type=submit]")

    page.wait_for_selector("#bulk-result .msg")
    row = page.locator("#case-table tr", has_text=wo.tracking_code)
    assert "待签收" in row.inner_text() and "城市管理局" in row.inner_text()  # without reloading the page


def test_the_verifier_records_position_and_photo_when_the_category_asks(
    browser: Any, live_server: Any, world: Any, tmp_path: Path, shot: Any
) -> None:
    world.category.verify_photo_required = world.category.verify_position_required = True
    world.category.save()
    now = timezone.now()
    wo = new_case(world, at=now)
    act(world, wo, "dispatch", "dispatcher", now, unit=world.dept)
    act(world, wo, "accept", "handler", now)
    act(world, wo, "reply", "handler", now, text="已拆除", result="resolved")
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        geolocation={"longitude": 113.0123, "latitude": 33.0134},
        permissions=["geolocation"],
    )
    page = watch(context.new_page())
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "inspector")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/cases/{wo.pk}/")
    open_action(page, "核查通过")
    page.click("#action-verify_pass [data-locate]")
    page.wait_for_function("() => document.querySelector('#action-verify_pass input[name=longitude]').value !== ''")
    assert page.input_value("#action-verify_pass input[name=latitude]") == "33.013400"
    page.set_input_files("#action-verify_pass input[name=after_photos]", str(photo(tmp_path / "site.png")))
    shot(page, "verify-evidence")
    page.click("#action-verify_pass button[type=submit]")
    page.wait_for_function("() => document.body.innerText.includes('待回访')")
    event = WorkOrder.objects.get(pk=wo.pk).events.get(name="verify_pass")
    assert event.data["position"] == {"lat": "33.013400", "lng": "113.012300", "crs": "WGS-84"}
    assert event.attachments.get().kind == "after"
    context.close()
