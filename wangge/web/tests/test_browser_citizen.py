"""The citizen pages' behaviour in a real Chromium: 已有人反映 appears as the place and the category are picked,
我也反映 swaps in its answer, and the tracking code's copy button answers (static scripts, no CSP refusal)."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.web.tests.conftest import new_case
from wangge.web.tests.test_browser import PHONE, _no_csp_violation, browser, watch  # noqa: F401
from wangge.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_adds_their_voice_instead_of_filing_again(browser: Any, live_server: Any, world: Any) -> None:  # noqa: F811
    wo = new_case(world, lng=113.0121, lat=33.0131)
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": 113.012, "latitude": 33.013},
        permissions=["geolocation", "clipboard-read", "clipboard-write"],
    )
    page = watch(context.new_page())
    page.goto(f"{live_server.url}/appeal/")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.select_option("#id_category", str(world.category.pk))
    page.click("#locate-btn")
    page.locator("#nearby", has_text="已有人反映").wait_for()
    page.fill(f"input[name=phone_{wo.pk}]", "13955556666")
    page.click(f"#voice-{wo.pk} button")
    page.locator(f"#voice-{wo.pk}", has_text="已记录您的反映").wait_for()
    assert WorkOrder.objects.get(pk=wo.pk).voice_count == 1

    page.goto(f"{live_server.url}/track/{wo.tracking_code}/")
    button = page.locator("button[data-copy]")
    button.click()
    page.wait_for_function(
        "() => ['已复制', '请长按查询码复制'].includes(document.querySelector('button[data-copy]').textContent)"
    )
    context.close()
