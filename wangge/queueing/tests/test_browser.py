"""In a real Chromium: a ticket taken at the kiosk page is called on the window page and appears on the wall
screen, with no Content-Security-Policy refusal; the kiosk fits a phone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


def test_kiosk_ticket_called_at_the_window_shows_on_the_wall(
    q: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    refused: list[str] = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", service_workers="block")
    kiosk = context.new_page()
    kiosk.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    kiosk.goto(f"{live_server.url}/citizen/hall/{q.hall.code}/kiosk/")
    assert kiosk.evaluate("() => document.documentElement.scrollWidth") <= 390
    kiosk.click(f"button.q-group[value='{q.a.pk}']")
    kiosk.wait_for_selector("#ticket-number")
    assert kiosk.inner_text("#ticket-number") == "A001"
    kiosk.wait_for_function("() => /\\d+ 秒后自动返回/.test(document.getElementById('q-kiosk-left').textContent)")

    wall_context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    wall = wall_context.new_page()
    wall.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    wall.goto(f"{live_server.url}/citizen/hall/{q.hall.code}/wall/")
    assert "A001" not in wall.inner_text("#q-calls")

    staff = context.new_page()
    staff.goto(f"{live_server.url}/login/")
    staff.fill("#id_username", "clerk")
    staff.fill("#id_password", "Wangge-test-2024!")
    staff.click("button[type=submit]")
    staff.wait_for_url(f"{live_server.url}/")
    staff.goto(f"{live_server.url}/queueing/windows/{q.w1.pk}/")
    staff.click("#call-next")
    staff.wait_for_selector("#current-number")
    assert staff.inner_text("#current-number") == "A001"

    wall.wait_for_function("() => document.querySelector('#q-calls').innerText.includes('A001')", timeout=10000)
    assert "1" in wall.inner_text("#q-calls")
    assert refused == []
    wall_context.close()
    context.close()
