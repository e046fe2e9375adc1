"""Small MBTiles files made for the map tests: real PNG tiles (Pillow) in the SQLite layout of the MBTiles 1.3
specification, rows counted from the south (TMS)."""

from __future__ import annotations

import io
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

TILE = 256
Painter = Callable[[int, int, int], Image.Image]


def world_pixel(lng: float, lat: float, z: int) -> tuple[float, float]:
    """Web Mercator pixel of a position at zoom ``z`` (as Leaflet's EPSG:3857 computes it)."""
    scale = TILE * 2**z
    x = (lng + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def plain(colour: tuple[int, int, int]) -> Painter:
    return lambda z, x, y: Image.new("RGB", (TILE, TILE), colour)


def write_mbtiles(
    path: Path,
    tiles: dict[tuple[int, int, int], bytes],
    *,
    fmt: str = "png",
    bounds: str | None = None,
    attribution: str = "测试底图",
) -> Path:
    """``tiles`` by XYZ ``(z, x, y)``; stored with the TMS row ``2**z - 1 - y``."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    zooms = [z for z, _x, _y in tiles]
    meta = {"name": "test", "format": fmt, "minzoom": str(min(zooms)), "maxzoom": str(max(zooms))}
    meta["attribution"] = attribution
    if bounds:
        meta["bounds"] = bounds
    db.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()]
    )
    db.commit()
    db.close()
    return path


def marked_tiles(lng: float, lat: float, z: int, radius: int = 6) -> dict[tuple[int, int, int], bytes]:
    """The 3×3 tiles around a position at zoom ``z``, light grey, with a red disc drawn where the position lies
    in them: what a tile set shows of a landmark at those coordinates (in the tiles' own datum)."""
    px, py = world_pixel(lng, lat, z)
    cx, cy = int(px // TILE), int(py // TILE)
    out: dict[tuple[int, int, int], bytes] = {}
    for x in range(cx - 1, cx + 2):
        for y in range(cy - 1, cy + 2):
            image = Image.new("RGB", (TILE, TILE), (236, 236, 228))
            draw = ImageDraw.Draw(image)
            ox, oy = px - x * TILE, py - y * TILE
            draw.ellipse((ox - radius, oy - radius, ox + radius, oy + radius), fill=(255, 0, 0))
            out[(z, x, y)] = png(image)
    return out
