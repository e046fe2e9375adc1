"""The officer's pages in a real Chromium at phone width: list, detail and the visit form fit 390 px without
sideways scrolling, a visit is recorded from the phone, and no page breaks the Content-Security-Policy."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.keypersons.models import KeyPersonAccess

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("WANGGE_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


@pytest.fixture
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


def _fits(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"keypersons-{name}.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {width}px wide"


def test_an_officer_visits_from_a_phone(kp_world: SimpleNamespace, browser: Any, live_server: Any) -> None:
    refused: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "x-Passw0rd-long")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/keypersons/")
    assert page.locator("text=张测试").count() >= 1
    _fits(page, "list")
    page.click("text=张测试")
    page.wait_for_url(f"{live_server.url}/keypersons/{kp_world.kp.pk}/")
    _fits(page, "detail")
    page.goto(f"{live_server.url}/keypersons/{kp_world.kp.pk}/visit/")
    _fits(page, "visit")
    page.fill("#id_situation", "入户走访，情况稳定")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{live_server.url}/keypersons/{kp_world.kp.pk}/")
    assert page.locator("text=入户走访，情况稳定").count() == 1
    assert kp_world.kp.visits.count() == 1
    assert KeyPersonAccess.objects.filter(user=kp_world.officer, action="visit", channel="web").count() == 1
    assert refused == []
    context.close()
