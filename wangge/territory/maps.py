"""Map data for Leaflet: territory outlines, case markers and points, in the datum of the background tiles.

Everything is stored in WGS-84. With no tile URL configured the map draws on a neutral background and
coordinates go out unchanged. When ``WANGGE_MAP_TILE_URL`` points at GCJ-02 tiles (most Chinese web maps,
``WANGGE_MAP_TILE_CRS = "gcj02"``) every coordinate sent to the browser is shifted to GCJ-02 so that it
lines up with the tiles, and a position picked on such a map is posted back with ``crs=gcj02`` and turned
into WGS-84 by the services (``wangge.core.geo``). 天地图 tiles are CGCS2000, i.e. ``wgs84`` here.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from django.core.cache import cache
from django.db.models import Max

from wangge.core import geo
from wangge.territory import basemaps
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.territory.outlines import label_point

# Outline simplification in degrees (~1 m): invisible on screen, halves the payload of real boundaries.
SIMPLIFY_DEG = 1e-5
DECIMALS = 6


def tile_crs() -> str:
    """The datum of the background tiles (``territory.basemaps``): every coordinate sent to a map is in it."""
    return basemaps.datum()


def map_settings() -> dict[str, Any]:
    """What a page with a map needs: ``basemap``, the background map's configuration as JSON for the map
    element's ``data-basemap`` (read by ``web/maps.js``), its ``source`` and the ``crs`` of the coordinates."""
    config = basemaps.basemap_config()
    return {"basemap": json.dumps(config, ensure_ascii=False), "source": config["source"], "crs": config["datum"]}


def display_point(lng: float, lat: float) -> tuple[float, float]:
    crs = tile_crs()
    if crs == "wgs84":
        return round(lng, DECIMALS), round(lat, DECIMALS)
    x, y = geo.from_wgs84(lng, lat, crs)
    return round(x, DECIMALS), round(y, DECIMALS)


def display_points(lngs: list[float], lats: list[float]) -> tuple[list[float], list[float]]:
    crs = tile_crs()
    if crs == "wgs84" or not lngs:
        return [round(v, DECIMALS) for v in lngs], [round(v, DECIMALS) for v in lats]
    xs, ys = geo.from_wgs84_arrays(lngs, lats, crs)
    return [round(float(v), DECIMALS) for v in xs], [round(float(v), DECIMALS) for v in ys]


def _simplified(geometry: dict[str, Any], crs: str) -> dict[str, Any]:
    shape = shapely.geometry.shape(geometry)
    small = shapely.simplify(shape, SIMPLIFY_DEG, preserve_topology=True)
    out: dict[str, Any] = shapely.geometry.mapping(shapely.set_precision(small, 10**-DECIMALS))
    out = _plain(out)
    if crs != "wgs84":
        out = geo.transform_geometry_from_wgs84(out, crs)
    return out


def _plain(value: Any) -> Any:
    """Tuples from shapely's mapping as lists, floats rounded: JSON as small as it gets."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, DECIMALS)
    return value


def _all_features(kind: str) -> dict[int, dict[str, Any]]:
    """Every node of ``kind`` as a GeoJSON feature, cached until any node of that kind changes."""
    crs = tile_crs()
    rows = Territory.objects.filter(kind=kind)
    stamp = rows.aggregate(m=Max("updated_at"))["m"]
    key = f"web:map:{kind}:{crs}:{stamp.isoformat() if stamp else '-'}:{rows.count()}"
    cached: dict[int, dict[str, Any]] | None = cache.get(key)
    if cached is not None:
        return cached
    features: dict[int, dict[str, Any]] = {}
    values = rows.exclude(geometry=None).values_list("pk", "code", "name", "geometry", "centroid_lng", "centroid_lat")
    for pk, code, name, geometry, lng, lat in values:
        if lng is None or lat is None:
            lng, lat = label_point(shapely.geometry.shape(geometry))
        # "label": where the name is written on the map, a point inside the outline.
        properties = {"id": pk, "code": code, "name": name, "kind": kind, "label": list(display_point(lng, lat))}
        features[pk] = {"type": "Feature", "id": pk, "properties": properties, "geometry": _simplified(geometry, crs)}
    cache.set(key, features, 3600)
    return features


def territory_collection(user: Any, kinds: list[str]) -> dict[str, Any]:
    """Outlines of the nodes of ``kinds`` the user may see."""
    features: list[dict[str, Any]] = []
    for kind in kinds:
        if kind not in TerritoryKind.values:
            continue
        allowed = set(Territory.objects.restrict(user).filter(kind=kind).values_list("pk", flat=True))
        if not allowed:
            continue
        every = _all_features(kind)
        features.extend(every[pk] for pk in sorted(allowed) if pk in every)
    return {"type": "FeatureCollection", "features": features}


PUBLIC_KINDS = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY)


def public_collection() -> dict[str, Any]:
    """Outlines shown to citizens when they pick a position: districts, streets and communities."""
    features: list[dict[str, Any]] = []
    for kind in PUBLIC_KINDS:
        every = _all_features(kind)
        features.extend(every[pk] for pk in sorted(every))
    return {"type": "FeatureCollection", "features": features}


def grid_feature(grid_id: int | None) -> dict[str, Any] | None:
    """The outline of one grid (the case detail's map names and highlights the case's grid); shown to
    whoever may see the case, a department handler included, who sees no territory of their own."""
    if grid_id is None:
        return None
    return _all_features(TerritoryKind.GRID).get(grid_id)


FOCUS_KINDS = (TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID)


def focus_bounds(user: Any) -> list[float] | None:
    """Where a staff member's position picker opens: the street, community or grid they hold a role on
    (west, south, east, north in the tiles' datum); None for district-wide roles, who see the whole area."""
    nodes = list(
        Territory.objects.filter(grants__user=user, kind__in=FOCUS_KINDS).values_list("pk", "kind").distinct()[:20]
    )
    shapes = []
    for pk, kind in nodes:
        feature = _all_features(kind).get(pk)
        if feature is not None:
            shapes.append(shapely.geometry.shape(feature["geometry"]))
    if not shapes:
        return None
    return [round(v, DECIMALS) for v in shapely.union_all(shapes).bounds]
