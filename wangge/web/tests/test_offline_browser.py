"""Offline in a real Chromium: a grid worker in a basement (the network switched off) opens the report and
check-in pages the phone kept, files a report with a photo and checks in; both wait in the outbox and arrive
once when the network is back — also when the answer to the first sending is lost on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wangge.reports.models import PatrolCheckin
from wangge.web.models import ClientSubmission
from wangge.web.tests.conftest import PASSWORD
from wangge.web.tests.test_browser import PHONE, _no_csp_violation, browser, photo, shot, watch  # noqa: F401
from wangge.workorders.choices import Channel
from wangge.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


KEPT = (
    "() => Promise.all(['/cases/new/', '/reports/patrol/', '/offline/'].map(u => caches.match(u)))"
    ".then(l => l.every(Boolean))"
)


def sign_in(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "worker")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]:has-text('登录')")
    page.wait_for_url(f"{live_server.url}/")


def outbox_count(page: Any) -> str:
    return str(page.locator("#offline .outbox-count").inner_text()).strip()


def test_a_report_made_offline_arrives_exactly_once(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
    tmp_path: Path,
    shot: Any,  # noqa: F811
) -> None:
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 113.012, "latitude": 33.013},
        permissions=["geolocation"],
        service_workers="allow",
    )
    page = watch(context.new_page())
    sign_in(page, live_server)
    # The service worker installs (keeping the report, check-in and outbox pages) and takes the page over.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    # Signing out forgets the pages kept in the phone (they show cases); signing in keeps them again.
    page.click(".userbox button[type=submit]")
    page.wait_for_url("**/login/")
    assert page.evaluate("() => caches.has('wangge-pages')") is False
    sign_in(page, live_server)
    for _tick in range(100):
        if page.evaluate(KEPT):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(KEPT)
    # Installable: Chromium finds nothing missing in the manifest, its icons and the service worker.
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []  # a test browser is incognito
    assert cdp.send("Page.getAppManifest")["errors"] == []
    cdp.detach()

    # In the basement: no network. The report page comes from the phone.
    context.set_offline(True)
    opened = page.goto(f"{live_server.url}/cases/new/")
    assert opened is not None and opened.ok
    page.wait_for_function("() => !navigator.onLine")
    page.locator("main .offline-state", has_text="当前离线").wait_for()
    page.fill("#id_description", "地下车库B2层消防通道被杂物堵塞")
    page.click("#locate-btn")
    page.wait_for_function("() => document.querySelector('[name=lng]').value !== ''")
    page.set_input_files("#id_photos", str(photo(tmp_path / "现场.png")))
    page.click("form[data-offline] button[type=submit]")
    page.locator(".offline-notice", has_text="已存入待发送").wait_for()
    assert outbox_count(page) == "1"
    shot(page, "offline-01-report-kept")

    # The check-in page too, from the phone; the position is the phone's, no coordinate system is asked.
    page.goto(f"{live_server.url}/reports/patrol/")
    assert page.locator("select[name=crs]").count() == 0
    page.click("#locate")
    page.wait_for_function("() => !document.getElementById('submit').disabled")
    page.fill("#id_note", "B2层巡查")
    page.set_input_files("#checkin-form input[name=photo]", str(photo(tmp_path / "签到.png")))
    assert "签到.png" in page.locator("#checkin-form .filenames").inner_text()
    page.click("#submit")
    page.locator(".offline-notice", has_text="已存入待发送").wait_for()
    assert outbox_count(page) == "2"

    page.goto(f"{live_server.url}/offline/")
    page.locator("#outbox-list .outbox-item").nth(1).wait_for()
    assert "地下车库B2层" in page.locator("#outbox-list").inner_text()
    shot(page, "offline-02-outbox")
    assert WorkOrder.objects.count() == 0 and PatrolCheckin.objects.count() == 0

    # Back up the stairs, where the answer to the first sending of the report is lost on the way.
    lost: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()  # the platform receives it and files the case…
        lost.append(route.request.headers.get("x-client-id", ""))
        route.abort("connectionreset")  # …but the phone never hears back

    page.route("**/cases/new/", lose_first_answer)
    context.set_offline(False)
    page.wait_for_function("() => navigator.onLine")
    for _tick in range(200):  # the page sends as soon as the browser says it is online
        if lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    # Filed, though the phone still holds it; a lost answer stops the round (the network is unsure), so the
    # check-in waits too.
    assert len(lost) == 1 and WorkOrder.objects.count() == 1 and outbox_count(page) == "2"

    page.locator("[data-outbox-send]").click()  # 立即发送 (the page also retries by itself every 30 s)
    page.wait_for_function("() => document.querySelector('#offline .outbox-count').textContent === '0'", timeout=20000)
    shot(page, "offline-03-sent")

    wo = WorkOrder.objects.get()
    assert wo.channel == Channel.PATROL and wo.filed_by == world.worker and wo.grid == world.grid1
    assert [a.content_type for a in wo.attachments.all()] == ["image/jpeg"]  # shrunk on the phone
    checkin = PatrolCheckin.objects.get()
    assert checkin.note == "B2层巡查" and checkin.photo.name.endswith(".jpg")
    assert ClientSubmission.objects.filter(kind="report").get().client_id.hex == lost[0].replace("-", "")
    context.close()
