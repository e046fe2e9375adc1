"""In Chromium: a territory outline re-drawn with the map tools (leaflet-geoman) and saved."""

from __future__ import annotations

from typing import Any

import pytest
from shapely.geometry import shape

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.web.tests.conftest import PASSWORD
from wangge.web.tests.test_browser import _no_csp_violation, browser, shot, staff_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_grid_outline_is_redrawn_on_the_map_and_saved(
    browser: Any,  # noqa: F811 — the fixture imported above
    live_server: Any,
    world: Any,
    shot: Any,  # noqa: F811
) -> None:
    user = User.objects.create_user(username="streetadmin", password=PASSWORD, display_name="街道管理员")
    RoleGrant.objects.create(user=user, role=Role.STREET_STAFF, territory=world.street)
    page = staff_page(browser, live_server, "streetadmin")
    page.goto(f"{live_server.url}/registry/territories/{world.grid1.pk}/outline/")
    own = page.locator("#outline-map path.leaflet-interactive").first
    own.wait_for()
    box = own.bounding_box()

    # Remove the stored outline, then draw a rectangle inside the old one.
    page.locator(".leaflet-pm-icon-delete").click()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".leaflet-pm-icon-delete").click()  # leave the removal mode
    page.locator(".leaflet-pm-icon-rectangle").click()
    x0, y0 = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25
    x1, y1 = box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75
    page.mouse.click(x0, y0)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.click(x1, y1)
    shot(page, "outline-drawn")
    page.click("#outline-save")

    page.wait_for_selector(".messages .success")
    world.grid1.refresh_from_db()
    drawn = shape(world.grid1.geometry)
    assert drawn.area == pytest.approx(0.05 * 0.05 / 4, rel=0.1)
    assert shape(world.grid1.geometry).within(shape(world.community.geometry))


def test_in_the_admin_a_point_is_placed_by_a_click_and_outlines_are_drawn_on_a_map(
    browser: Any,  # noqa: F811 — the fixture imported above
    live_server: Any,
    world: Any,
    shot: Any,  # noqa: F811
) -> None:
    User.objects.create_superuser(username="root", password=PASSWORD, display_name="管理员")
    page = staff_page(browser, live_server, "root")

    page.goto(f"{live_server.url}/admin/places/point/add/")
    grid = page.locator("[data-map=pick] path.leaflet-interactive[fill-opacity='0.55']").first  # a grid
    grid.wait_for()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    lng, lat = float(page.input_value("#id_lng")), float(page.input_value("#id_lat"))
    assert 113.0 < lng < 113.1 and 33.0 < lat < 33.05
    assert page.input_value("input[name=crs]") == "wgs84"
    shot(page, "admin-point-placed")

    page.goto(f"{live_server.url}/admin/territory/territory/{world.grid1.pk}/change/")
    page.locator("[data-outline-widget] .leaflet-pm-toolbar").first.wait_for()
    assert page.locator("[data-outline-widget] path.leaflet-interactive").count() >= 1
    shot(page, "admin-outline")
