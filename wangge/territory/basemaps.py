"""The background map under every Leaflet map: one configuration, read from the settings, never hard-wired.

Sources (``WANGGE_MAP_BASEMAP`` names one; empty: the first configured, in this order):

- ``tianditu``: 天地图 WMTS in Web Mercator (matrix set ``w``), a vector and an annotation layer by default
  (``WANGGE_MAP_TIANDITU_LAYERS``, e.g. ``img,cia`` for imagery), with the browser key
  ``WANGGE_MAP_TIANDITU_KEY`` from ``WANGGE_MAP_TIANDITU_URL`` (a provincial node or an intranet mirror).
  CGCS2000 is taken as WGS-84: nothing is shifted.
- ``mbtiles``: a raster MBTiles file (``WANGGE_MAP_MBTILES``) served by the platform itself (``/map/tiles/``),
  for networks that reach nothing outside; its datum is ``WANGGE_MAP_TILE_CRS``.
- ``tiles``: a tile server's URL template (``WANGGE_MAP_TILE_URL``), datum ``WANGGE_MAP_TILE_CRS``.
- ``none``: the outlines on a neutral background, labelled.

The map scripts receive :func:`basemap_config` as JSON (``data-basemap``) and read it through one function
(``WanggeMaps.map`` in ``web/maps.js``). Every coordinate sent to a map is in the tiles' datum
(:func:`datum`); with GCJ-02 tiles (高德, 腾讯 style) the server shifts them (``territory.maps``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core import geo

SOURCES = ("tianditu", "mbtiles", "tiles", "none")
TIANDITU_MAX_ZOOM = 18
# The formats Leaflet draws as images (vector tiles, "pbf", are refused).
RASTER_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def _setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, default) or default).strip()


def _configured(kind: str) -> bool:
    if kind == "tianditu":
        return bool(_setting("WANGGE_MAP_TIANDITU_KEY"))
    if kind == "mbtiles":
        return mbtiles() is not None
    if kind == "tiles":
        return bool(_setting("WANGGE_MAP_TILE_URL"))
    return False


def source() -> str:
    """The source drawn: the one named by ``WANGGE_MAP_BASEMAP``, else the first configured; "none" when the
    one named is not usable (no key, no readable raster file, no URL)."""
    chosen = _setting("WANGGE_MAP_BASEMAP").lower()
    if chosen in SOURCES:
        return chosen if _configured(chosen) else "none"
    return next((kind for kind in SOURCES if _configured(kind)), "none")


def datum() -> str:
    """The datum of the background tiles, that of every coordinate sent to a map. 天地图 is CGCS2000 (WGS-84);
    without tiles nothing is shifted."""
    kind = source()
    if kind in ("tianditu", "none"):
        return "wgs84"
    crs = _setting("WANGGE_MAP_TILE_CRS", "wgs84").lower()
    return crs if crs in geo.CRS_CHOICES else "wgs84"


# -- The MBTiles file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MBTiles:
    path: Path
    stamp: str  # changes with the file: in the tile URLs and ETags
    format: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str

    @property
    def content_type(self) -> str:
        return RASTER_TYPES[self.format]


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only: the platform never writes the file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


@lru_cache(maxsize=4)
def _read_metadata(path: Path, stamp: str) -> MBTiles | None:
    try:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            low, high = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
    except sqlite3.Error:
        return None
    fmt = str(meta.get("format") or "png").lower()
    if fmt not in RASTER_TYPES:
        return None
    bounds: tuple[float, float, float, float] | None = None
    try:
        west, south, east, north = (float(v) for v in str(meta.get("bounds", "")).split(","))
        bounds = (west, south, east, north)
    except ValueError:
        bounds = None
    return MBTiles(
        path=path,
        stamp=stamp,
        format=fmt,
        min_zoom=int(meta.get("minzoom") or low or 0),
        max_zoom=int(meta.get("maxzoom") or high or 0),
        bounds=bounds,
        attribution=str(meta.get("attribution") or ""),
    )


def mbtiles() -> MBTiles | None:
    """The configured MBTiles file's description (cached until the file changes), or None when there is none
    or it is not a raster tile set."""
    name = _setting("WANGGE_MAP_MBTILES")
    if not name:
        return None
    path = Path(name)
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_metadata(path, f"{stat.st_mtime_ns:x}{stat.st_size:x}")


def mbtiles_tile(tiles: MBTiles, z: int, x: int, y: int) -> bytes | None:
    """The tile at ``z/x/y`` (XYZ, as Leaflet asks) or None. MBTiles rows count from the south (TMS)."""
    if not (0 <= z <= 30 and 0 <= x < 2**z and 0 <= y < 2**z):
        return None
    row = (2**z - 1) - y
    try:
        with _connect(tiles.path) as db:
            found = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", (z, x, row)
            ).fetchone()
    except sqlite3.Error:
        return None
    return bytes(found[0]) if found else None


# -- What the browser receives -------------------------------------------------------------------------------


def _tianditu_layers() -> list[dict[str, Any]]:
    key = _setting("WANGGE_MAP_TIANDITU_KEY")
    host = _setting("WANGGE_MAP_TIANDITU_URL", "https://t{s}.tianditu.gov.cn").rstrip("/")
    layers = []
    for name in [n.strip() for n in _setting("WANGGE_MAP_TIANDITU_LAYERS", "vec,cva").split(",") if n.strip()]:
        url = (
            f"{host}/{quote(name)}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={quote(name)}"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
            f"&tk={quote(key)}"
        )
        layers.append({"url": url, "subdomains": "01234567", "max_native_zoom": TIANDITU_MAX_ZOOM})
    if layers:
        layers[0]["attribution"] = _("天地图")
    return layers


def _mbtiles_layers() -> list[dict[str, Any]]:
    tiles = mbtiles()
    if tiles is None:
        return []
    pattern = reverse("web:basemap_tile", args=[0, 0, 0, tiles.format]).replace("/0/0/0.", "/{z}/{x}/{y}.")
    layer: dict[str, Any] = {
        "url": f"{pattern}?v={tiles.stamp}",
        "min_native_zoom": tiles.min_zoom,
        "max_native_zoom": tiles.max_zoom,
        "attribution": tiles.attribution,
    }
    if tiles.bounds is not None:
        layer["bounds"] = list(tiles.bounds)
    return [layer]


def _url_layers() -> list[dict[str, Any]]:
    url = _setting("WANGGE_MAP_TILE_URL")
    if not url:
        return []
    return [
        {
            "url": url,
            "max_native_zoom": int(getattr(settings, "WANGGE_MAP_TILE_MAX_ZOOM", 18)),
            "attribution": _setting("WANGGE_MAP_TILE_ATTRIBUTION"),
        }
    ]


def basemap_config() -> dict[str, Any]:
    """The background map as the map scripts read it: the source, its datum and its tile layers, bottom first
    (none: the outlines drawn alone, labelled)."""
    kind = source()
    layers = {"tianditu": _tianditu_layers, "mbtiles": _mbtiles_layers, "tiles": _url_layers}.get(kind, list)()
    return {"source": kind, "datum": datum(), "layers": layers}


def basemap_json() -> str:
    return json.dumps(basemap_config(), ensure_ascii=False, separators=(",", ":"))
