"""The maps in a real Chromium: tiles of the platform's own MBTiles file drawn under the outlines, a grid corner
on the landmark the tiles draw at that corner whatever their datum (WGS-84 or GCJ-02), names written on a map
without a background, the search flying to what it found, and the citizen told the place picked by name.
Screenshots go to pytest's temporary directory (``…/pytest-current/maps0/``)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from wangge.core.geo import wgs84_to_gcj02
from wangge.web.tests.maptiles import marked_tiles, write_mbtiles
from wangge.web.tests.test_browser import DESKTOP, PHONE, _no_csp_violation, browser, staff_page, watch  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORNER = (113.05, 33.05)  # grid 1's north-east corner (WGS-84, as stored)
ZOOM = 16


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("maps")


def _basemap_settings(settings: Any) -> None:
    settings.WANGGE_MAP_BASEMAP = ""
    settings.WANGGE_MAP_TIANDITU_KEY = ""
    settings.WANGGE_MAP_TILE_URL = ""
    settings.WANGGE_MAP_MBTILES = ""
    settings.WANGGE_MAP_TILE_CRS = "wgs84"


def red_at(png: bytes, x: int, y: int) -> bool:
    r, g, b = Image.open(io.BytesIO(png)).convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return bool(r > 200 and g < 80 and b < 80)


def red_centre(png: bytes) -> tuple[float, float]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    found = [
        (x, y)
        for x in range(image.width)
        for y in range(image.height)
        if (lambda p: p[0] > 200 and p[1] < 80 and p[2] < 80)(image.getpixel((x, y)))  # type: ignore[index]
    ]
    assert found, "no red landmark in sight"
    return sum(p[0] for p in found) / len(found), sum(p[1] for p in found) / len(found)


# The corner of grid 1 as drawn: its container pixel, with the map centred on it at ZOOM.
CORNER_PIXEL = """([code, lng, lat, zoom]) => {
  const el = document.getElementById("map"), map = el.wanggeMap;
  let corner = null;
  map.eachLayer((layer) => {
    if (!layer.feature || layer.feature.properties.code !== code || !layer.getLatLngs) return;
    const away = (ll) => Math.abs(ll.lng - lng) + Math.abs(ll.lat - lat);
    layer.getLatLngs().flat(3).forEach((ll) => { if (!corner || away(ll) < away(corner)) corner = ll; });
  });
  map.setView(corner, zoom, { animate: false });
  const p = map.latLngToContainerPoint(corner), box = el.getBoundingClientRect();
  return { x: box.left + p.x, y: box.top + p.y, lng: corner.lng, lat: corner.lat };
}"""

TILES_LOADED = """() => {
  const tiles = [...document.querySelectorAll("#map .leaflet-tile-pane img")];
  const ours = (t) => t.src.includes("/map/tiles/16/") && t.naturalWidth === 256;
  // Loaded and faded in: a tile still fading blends its colours with the background.
  const opaque = (node) => getComputedStyle(node).opacity === "1";
  const shown = (t) => t.complete && opaque(t) && opaque(t.parentNode);
  return tiles.length > 0 && tiles.every(shown) && tiles.some(ours);
}"""

HIDE_OVERLAYS = """() => {
  const panes = ["overlay", "marker", "wangge-labels", "shadow"].map((p) => `#map .leaflet-${p}-pane`);
  document.querySelectorAll([...panes, "#map .leaflet-control-container"].join(","))
    .forEach((pane) => { pane.style.visibility = "hidden"; });
}"""


def test_a_grid_corner_lands_on_the_same_landmark_with_wgs84_and_gcj02_tiles(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
    settings: Any,
    tmp_path: Path,
    shots: Path,
) -> None:
    _basemap_settings(settings)
    page = staff_page(browser, live_server, "dispatcher")
    offsets = {}
    for crs in ("wgs84", "gcj02"):
        # A tile set that draws a red landmark where the corner lies in its own datum.
        lng, lat = CORNER if crs == "wgs84" else wgs84_to_gcj02(*CORNER)
        path = write_mbtiles(tmp_path / f"{crs}.mbtiles", marked_tiles(lng, lat, ZOOM))
        settings.WANGGE_MAP_MBTILES = str(path)
        settings.WANGGE_MAP_TILE_CRS = crs

        page.goto(f"{live_server.url}/map/")
        page.wait_for_selector("#map[data-ready]")
        corner = page.evaluate(CORNER_PIXEL, [world.grid1.code, lng, lat, ZOOM])
        page.wait_for_function(TILES_LOADED)
        page.screenshot(path=str(shots / f"corner-{crs}.png"))
        # The outline drawn over the tiles (the tiles are under it: the outline still shows).
        assert page.locator("#map .leaflet-overlay-pane path").count() > 0

        page.evaluate(HIDE_OVERLAYS)
        x, y = round(corner["x"]), round(corner["y"])
        clip = {"x": x - 20, "y": y - 20, "width": 41, "height": 41}
        around = page.screenshot(clip=clip)
        cx, cy = red_centre(around)
        offsets[crs] = (cx - 20, cy - 20)
        assert red_at(around, 20, 20), f"{crs}: the corner is not on the landmark"
        assert abs(corner["lng"] - lng) < 1e-6 and abs(corner["lat"] - lat) < 1e-6

    # The same pixel, to a pixel, in both datums.
    for dx, dy in offsets.values():
        assert abs(dx) <= 1.0 and abs(dy) <= 1.0, offsets


def test_names_on_the_map_the_search_and_the_citizen_place(
    browser: Any,  # noqa: F811
    live_server: Any,
    world: Any,
    settings: Any,
    shots: Path,
) -> None:
    _basemap_settings(settings)

    # Staff, no background map: the outlines carry their names, and the search flies to grid 2.
    page = staff_page(browser, live_server, "dispatcher")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-ready]")
    page.wait_for_selector("#map-search[data-ready]")
    labels = set(page.locator("#map .map-label").all_inner_texts())
    assert labels & {"卫东区", "测试街道", "测试社区", "一网格", "二网格"}, labels
    page.fill("#map-search input[name=q]", "二网格")
    page.press("#map-search input[name=q]", "Enter")
    page.locator(".map-search-results button", has_text="二网格").click()
    page.locator("#panel", has_text="二网格").wait_for()
    page.wait_for_function(
        """() => { const m = document.getElementById("map").wanggeMap, c = m.getCenter();
             return m.getZoom() >= 13 && Math.abs(c.lng - 113.075) < 0.01 && Math.abs(c.lat - 33.025) < 0.01; }"""
    )
    # Closer in, the grids' own names replace the community's.
    page.evaluate("""() => document.getElementById("map").wanggeMap.setZoom(15, { animate: false })""")
    page.wait_for_function(
        """() => [...document.querySelectorAll("#map .map-label")].some((l) => l.textContent === "二网格")"""
    )
    page.screenshot(path=str(shots / "search-desktop.png"))

    # A citizen on a phone: the place picked is named; a tap outside the districts says where the service is.
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    phone = watch(context.new_page())
    phone.goto(f"{live_server.url}/appeal/")
    phone.wait_for_selector("#pick-map[data-ready]")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    box = phone.locator("#pick-map").bounding_box()
    inside = phone.evaluate(
        "([lng, lat]) => document.getElementById('pick-map').wanggeMap.latLngToContainerPoint([lat, lng])",
        [113.01, 33.01],
    )
    phone.mouse.click(box["x"] + inside["x"], box["y"] + inside["y"])
    phone.locator("#pick-status", has_text="一网格").wait_for()
    status = phone.locator("#pick-status").inner_text()
    assert "测试社区" in status and "113.0" not in status
    phone.screenshot(path=str(shots / "citizen-place.png"), full_page=True)

    outside = phone.evaluate(
        "([lng, lat]) => document.getElementById('pick-map').wanggeMap.latLngToContainerPoint([lat, lng])",
        [113.5, 33.05],
    )
    phone.mouse.click(box["x"] + outside["x"], box["y"] + outside["y"])
    phone.locator("#pick-status", has_text="不在本平台的服务范围").wait_for()
    text = phone.locator("#pick-status").inner_text()
    assert "卫东区" in text and "湛河区" in text and "12345" in text
    phone.screenshot(path=str(shots / "citizen-outside.png"), full_page=True)
