"""受理登记 in a real Chromium: the confident category is filled in, the aids stay in view at desktop and phone
widths, and a knowledge-base answer is inserted for a 直接答复."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.knowledge.services import article_create
from wangge.web.tests.test_browser import PHONE, _no_csp_violation, browser, staff_page  # noqa: F401
from wangge.web.tests.test_intake_aids import POLLUTION, active_classifier  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IN_VIEW = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; }"


def test_intake_fills_the_category_keeps_the_panel_in_view_and_inserts_an_answer(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
    active_classifier: Any,  # noqa: F811
    tmp_path: Any,
) -> None:
    article = article_create(
        actor=SYSTEM, title="社保卡丢失如何补办", answer="携带身份证到社保网点补办。", status="published"
    )
    page = staff_page(browser, live_server, "caller")
    page.goto(f"{live_server.url}/cases/intake/")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")

    page.fill("#id_description", POLLUTION)
    page.wait_for_selector("#suggestions[data-fill-category]")
    wanted = page.get_attribute("#suggestions", "data-fill-category")
    page.wait_for_function("v => document.getElementById('id_category').value === v", arg=wanted)

    for name, viewport in (("phone", PHONE), ("desktop", {"width": 1440, "height": 900})):
        page.set_viewport_size(viewport)
        for field in ("#id_description", "#id_reporter_phone"):  # typing further down the form
            page.eval_on_selector(field, "e => e.scrollIntoView({block: 'start'})")
            assert page.eval_on_selector("#suggestions", IN_VIEW), (name, field)
        page.screenshot(path=str(tmp_path / f"intake-{name}.png"))

    page.fill("#kb-q", "社保卡丢了")
    page.click(f"[data-kb-insert='{article.pk}']")
    assert page.is_visible("#kb-answer-box")
    assert page.input_value("#kb-answer") == "携带身份证到社保网点补办。"
    assert page.input_value("#id_appeal_type") == "consult" and page.input_value("#kb-version") == "1"
