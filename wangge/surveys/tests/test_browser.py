"""The fill page in a real Chromium at phone width: conditions shown and hidden by static/js/surveys.js (no
inline script: the Content-Security-Policy would refuse it), the phone's position, a submission."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.models import User
from wangge.surveys.models import FormSubmission

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
PASSWORD = "x-Passw0rd-long"
SHOTS = os.environ.get("WANGGE_SURVEY_SHOTS", "")  # a folder to keep screenshots in, when set


@pytest.fixture(scope="module")
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


def test_fill_the_household_form_on_a_phone(browser: Any, live_server: Any, place: SimpleNamespace) -> None:
    worker: User = place.worker
    worker.set_password(PASSWORD)
    worker.save()
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        geolocation={"longitude": 113.011, "latitude": 33.012},
        permissions=["geolocation"],
    )
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/surveys/fill/household_check/?q=101")
    page.click(f"a[href='?household={place.household.pk}']")
    from playwright.sync_api import expect

    page.wait_for_url(f"**household={place.household.pk}")
    problem = page.locator("#field-problem")
    expect(problem).to_be_hidden()  # hidden by the form's script once it has run
    page.check("input[name=entered][value=是]")
    page.fill("#id_occupants", "3")
    page.check("input[name=use][value=出租]")
    page.check("input[name=has_problem][value=是]")
    assert problem.is_visible()
    page.check("input[name=has_problem][value=否]")
    assert problem.is_hidden()
    page.check("input[name=entered][value=否]")
    assert page.locator("#field-occupants").is_hidden()  # a field hidden by its condition
    page.check("input[name=entered][value=是]")
    page.click("#id_location")
    page.wait_for_function("() => document.querySelector('[name=location__lng]').value !== ''")
    page.wait_for_function("() => document.querySelector('[name=_lng]').value !== ''")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "survey_fill_phone.png"), full_page=True)
    # Nothing is wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_url(f"{live_server.url}/surveys/*/")
    submission = FormSubmission.objects.get()
    assert submission.answers["location"] == {"lng": 113.011, "lat": 33.012}
    assert submission.lng == pytest.approx(113.011) and "problem" not in submission.answers
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "survey_detail_phone.png"), full_page=True)
    assert refused == []
    context.close()
