"""The background map: configured (天地图, a tile server, the platform's own MBTiles file, or none), handed to
every map element as one JSON object, and every overlay coordinate in the tiles' datum."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from config.settings.base import _origin
from wangge.core.geo import wgs84_to_gcj02
from wangge.territory import basemaps
from wangge.territory.maps import public_collection
from wangge.territory.outlines import label_point
from wangge.web.tests.maptiles import png, write_mbtiles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_basemap(settings: Any) -> None:
    cache.clear()
    settings.WANGGE_MAP_BASEMAP = ""
    settings.WANGGE_MAP_TIANDITU_KEY = ""
    settings.WANGGE_MAP_MBTILES = ""
    settings.WANGGE_MAP_TILE_URL = ""
    settings.WANGGE_MAP_TILE_CRS = "wgs84"


def coloured_tiles(path: Path) -> Path:
    """Zoom 1: four tiles, each its own colour, so that a flipped row shows."""
    colours = {(1, 0, 0): (200, 0, 0), (1, 1, 0): (0, 200, 0), (1, 0, 1): (0, 0, 200), (1, 1, 1): (200, 200, 0)}
    tiles = {key: png(Image.new("RGB", (256, 256), rgb)) for key, rgb in colours.items()}
    return write_mbtiles(path, tiles, bounds="-180,-85,180,85")


def basemap_of(body: str, element_id: str) -> dict[str, Any]:
    tag = re.search(rf'<div id="{element_id}"[^>]*>', body)
    assert tag is not None
    found = re.search(r'data-basemap="([^"]*)"', tag.group(0))
    assert found is not None
    config: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return config


# -- Which background, configured ----------------------------------------------------------------------------


def test_without_configuration_the_outlines_are_drawn_alone_in_wgs84(settings: Any) -> None:
    settings.WANGGE_MAP_TILE_CRS = "gcj02"  # a datum without tiles shifts nothing

    assert basemaps.basemap_config() == {"source": "none", "datum": "wgs84", "layers": []}


def test_tianditu_draws_vector_and_annotation_with_the_key_and_no_shift(settings: Any) -> None:
    settings.WANGGE_MAP_TIANDITU_KEY = "abc123"
    settings.WANGGE_MAP_TILE_CRS = "gcj02"  # left over from another source: 天地图 is CGCS2000 all the same

    config = basemaps.basemap_config()

    assert (config["source"], config["datum"]) == ("tianditu", "wgs84")
    urls = [layer["url"] for layer in config["layers"]]
    assert len(urls) == 2 and "/vec_w/wmts?" in urls[0] and "LAYER=vec" in urls[0] and "/cva_w/wmts?" in urls[1]
    assert all("tk=abc123" in u and "TILEMATRIXSET=w" in u and "{z}" in u and "{x}" in u and "{y}" in u for u in urls)
    assert urls[0].startswith("https://t{s}.tianditu.gov.cn/") and config["layers"][0]["subdomains"] == "01234567"


def test_tianditu_layers_and_host_are_settings(settings: Any) -> None:
    settings.WANGGE_MAP_TIANDITU_KEY = "k"
    settings.WANGGE_MAP_TIANDITU_URL = "https://tdt.example.gov.cn/"
    settings.WANGGE_MAP_TIANDITU_LAYERS = "img,cia"

    urls = [layer["url"] for layer in basemaps.basemap_config()["layers"]]

    assert urls[0].startswith("https://tdt.example.gov.cn/img_w/wmts?") and "/cia_w/" in urls[1]


def test_an_intranet_tile_server_declares_its_datum(settings: Any) -> None:
    settings.WANGGE_MAP_TILE_URL = "https://tiles.intra.example/{z}/{x}/{y}.png"
    settings.WANGGE_MAP_TILE_CRS = "gcj02"
    settings.WANGGE_MAP_TILE_ATTRIBUTION = "区测绘院"

    config = basemaps.basemap_config()

    assert config == {
        "source": "tiles",
        "datum": "gcj02",
        "layers": [
            {"url": "https://tiles.intra.example/{z}/{x}/{y}.png", "max_native_zoom": 18, "attribution": "区测绘院"}
        ],
    }


def test_a_named_source_that_is_not_usable_draws_none(settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_BASEMAP = "mbtiles"
    settings.WANGGE_MAP_MBTILES = str(tmp_path / "missing.mbtiles")
    settings.WANGGE_MAP_TILE_URL = "https://tiles.intra.example/{z}/{x}/{y}.png"

    assert basemaps.source() == "none" and basemaps.datum() == "wgs84"


def test_the_named_source_wins_over_the_order(settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_TIANDITU_KEY = "k"
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))
    assert basemaps.source() == "tianditu"

    settings.WANGGE_MAP_BASEMAP = "mbtiles"
    assert basemaps.source() == "mbtiles"


def test_the_csp_lets_the_tianditu_subdomains_in_as_one_wildcard() -> None:
    assert _origin("https://t{s}.tianditu.gov.cn") == ["https://*.tianditu.gov.cn"]
    assert _origin("https://tiles.intra.example:8443/{z}/{x}/{y}.png") == ["https://tiles.intra.example:8443"]
    assert _origin("/map/tiles/{z}/{x}/{y}.png") == []


def test_every_map_element_reads_the_one_configuration(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_MAP_TIANDITU_KEY = "abc123"
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map")).content.decode()

    assert "data-tiles" not in body
    config = basemap_of(body, "map")
    assert config["source"] == "tianditu" and len(config["layers"]) == 2


# -- The platform's own MBTiles file -------------------------------------------------------------------------


def test_an_mbtiles_file_is_described_to_the_map_with_its_zooms_and_bounds(settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))

    config = basemaps.basemap_config()

    layer = config["layers"][0]
    assert config["source"] == "mbtiles" and config["datum"] == "wgs84"
    assert re.fullmatch(r"/map/tiles/\{z\}/\{x\}/\{y\}\.png\?v=\w+", layer["url"])
    assert (layer["min_native_zoom"], layer["max_native_zoom"]) == (1, 1)
    assert layer["bounds"] == [-180.0, -85.0, 180.0, 85.0] and layer["attribution"] == "测试底图"


@pytest.mark.parametrize(
    ("xyz", "rgb"),
    [((1, 0, 0), (200, 0, 0)), ((1, 1, 0), (0, 200, 0)), ((1, 0, 1), (0, 0, 200)), ((1, 1, 1), (200, 200, 0))],
)
def test_tiles_are_served_by_xyz_from_the_tms_rows(
    client: Client, settings: Any, tmp_path: Path, xyz: tuple[int, int, int], rgb: tuple[int, int, int]
) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))

    response = client.get(reverse("web:basemap_tile", args=[*xyz, "png"]))

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).convert("RGB").getpixel((128, 128)) == rgb


def test_a_tile_is_cached_by_the_browser_and_revalidated_by_etag(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))
    url = reverse("web:basemap_tile", args=[1, 0, 0, "png"])

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, max-age=604800" and first["ETag"]
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]


def test_a_changed_file_changes_the_tile_urls_and_etags(settings: Any, client: Client, tmp_path: Path) -> None:
    path = coloured_tiles(tmp_path / "t.mbtiles")
    settings.WANGGE_MAP_MBTILES = str(path)
    before = (basemaps.basemap_config()["layers"][0]["url"], client.get("/map/tiles/1/0/0.png")["ETag"])

    path.unlink()
    write_mbtiles(path, {(2, 0, 0): png(Image.new("RGB", (256, 256), (1, 2, 3)))})

    after = (basemaps.basemap_config()["layers"][0]["url"], client.get("/map/tiles/2/0/0.png")["ETag"])
    assert before[0] != after[0] and before[1] != after[1]


def test_a_missing_or_impossible_tile_is_not_found(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))

    assert client.get("/map/tiles/5/3/3.png").status_code == 404  # not in the file
    assert client.get("/map/tiles/1/2/0.png").status_code == 404  # no column 2 at zoom 1
    assert client.get("/map/tiles/1/0/0.pbf").status_code == 404  # not a tile URL at all


def test_no_tile_is_served_without_an_mbtiles_source(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))
    settings.WANGGE_MAP_BASEMAP = "none"

    assert client.get("/map/tiles/1/0/0.png").status_code == 404


def test_a_vector_tile_file_is_not_taken(settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(write_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1a\x00"}, fmt="pbf"))

    assert basemaps.source() == "none" and basemaps.basemap_config()["layers"] == []


# -- Overlays in the tiles' datum ----------------------------------------------------------------------------


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_a_grid_corner_is_sent_where_the_tiles_show_it(
    client: Client, world: Any, settings: Any, tmp_path: Path, crs: str
) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))
    settings.WANGGE_MAP_TILE_CRS = crs
    client.force_login(world.dispatcher)
    stored = world.grid1.geometry["coordinates"][0][0]  # WGS-84, as every outline is kept

    ring = client.get(reverse("web:map_territories"), {"kinds": "grid"}).json()["features"][0]["geometry"]
    config = basemap_of(client.get(reverse("web:map")).content.decode(), "map")

    expected = stored if crs == "wgs84" else [round(v, 6) for v in wgs84_to_gcj02(*stored)]
    sent = ring["coordinates"][0]  # the ring may start at another corner once simplified
    assert any(abs(v[0] - expected[0]) < 1e-6 and abs(v[1] - expected[1]) < 1e-6 for v in sent)
    assert config["datum"] == crs  # what the map script is told about the coordinates it receives
    if crs == "gcj02":  # ~0.5 km apart in Henan: a corner left unshifted would be off the tiles by that much
        assert abs(expected[0] - stored[0]) + abs(expected[1] - stored[1]) > 0.003


def test_the_label_points_follow_the_datum_too(world: Any, settings: Any, tmp_path: Path) -> None:
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles"))
    settings.WANGGE_MAP_TILE_CRS = "gcj02"

    labels = {f["properties"]["name"]: f["properties"]["label"] for f in public_collection()["features"]}

    x, y = wgs84_to_gcj02(*label_point(shapely.geometry.shape(world.community.geometry)))
    assert labels["测试社区"] == pytest.approx([x, y], abs=1e-6)


@pytest.mark.parametrize(
    ("source", "note"),
    [("none", "未配置底图"), ("tianditu", "底图：天地图"), ("mbtiles", "底图：本地瓦片（GCJ02）")],
)
def test_the_map_page_names_its_background(
    client: Client, world: Any, settings: Any, tmp_path: Path, source: str, note: str
) -> None:
    settings.WANGGE_MAP_TIANDITU_KEY = "k" if source == "tianditu" else ""
    settings.WANGGE_MAP_MBTILES = str(coloured_tiles(tmp_path / "t.mbtiles")) if source == "mbtiles" else ""
    settings.WANGGE_MAP_TILE_CRS = "gcj02"
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map")).content.decode()

    assert note in body and basemap_of(body, "map")["source"] == source
