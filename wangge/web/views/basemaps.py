"""The platform's own background tiles: a raster MBTiles file (``WANGGE_MAP_MBTILES``) served for networks that
reach no tile server. Public (the citizen pages draw them too) and cacheable: the URLs carry the file's stamp,
the answers an ETag of it, so a browser asks again only when the file changed."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import re_path
from django.views.decorators.http import require_GET

from wangge.territory import basemaps


def _cache_seconds() -> int:
    return int(getattr(settings, "WANGGE_MAP_TILE_CACHE_SECONDS", 7 * 24 * 3600))


@require_GET
def basemap_tile(request: HttpRequest, z: str, x: str, y: str, ext: str) -> HttpResponse:
    """One tile at ``z/x/y`` (XYZ, as Leaflet asks; the file's rows count from the south)."""
    tiles = basemaps.mbtiles() if basemaps.source() == "mbtiles" else None
    if tiles is None:
        raise Http404
    etag = f'"{tiles.stamp}-{z}-{x}-{y}"'
    headers = {"Cache-Control": f"public, max-age={_cache_seconds()}", "ETag": etag}
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        data = basemaps.mbtiles_tile(tiles, int(z), int(x), int(y))
        if data is None:
            # Outside the file's area or zooms: nothing to draw there (Leaflet leaves the square empty).
            response = HttpResponse(status=404, content_type="text/plain")
            headers["Cache-Control"] = "public, max-age=3600"
        else:
            response = HttpResponse(data, content_type=tiles.content_type)
            response["X-Content-Type-Options"] = "nosniff"
    for name, value in headers.items():
        response[name] = value
    return response


routes = [
    re_path(
        r"^map/tiles/(?P<z>\d{1,2})/(?P<x>\d{1,10})/(?P<y>\d{1,10})\.(?P<ext>png|jpe?g|webp)$",
        basemap_tile,
        name="basemap_tile",
    ),
]
