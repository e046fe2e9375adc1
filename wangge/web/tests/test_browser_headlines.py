"""In Chromium: the map's case layers say how many open cases could not be placed (listed under the map), and
the wall screen's figures carry their definitions."""

from __future__ import annotations

from typing import Any

import pytest

from wangge.web.tests.conftest import new_case
from wangge.web.tests.test_browser import browser, shot, staff_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_names_the_cases_it_cannot_place_and_the_wall_screen_names_its_figures(
    browser: Any,  # noqa: F811 — the fixture imported above
    live_server: Any,
    world: Any,
    shot: Any,  # noqa: F811
) -> None:
    new_case(world, lng=113.01, lat=33.01)
    hidden = new_case(world, lng=None, lat=None, district=world.district)
    page = staff_page(browser, live_server, "dispatcher")

    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-ready='1']")
    page.locator(".leaflet-control-layers-base label", has_text="聚合").wait_for(state="attached")
    labels = page.locator(".leaflet-control-layers-base").inner_text()
    assert "(1，另 1 件无坐标)" in labels
    assert hidden.tracking_code in page.locator("#unplaced").inner_text()
    shot(page, "headlines-map-unplaced")

    page.goto(f"{live_server.url}/reports/dashboard/")
    page.wait_for_function("() => document.getElementById('k-month-closed').textContent !== '—'")
    assert page.locator("#d-overdue").get_attribute("title").startswith("超期：")
    assert page.locator("#k-open").inner_text() == "2"
    shot(page, "headlines-dashboard")
