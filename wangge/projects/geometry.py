"""A project's place: a GeoJSON line or polygon in WGS-84 (as the territory outlines are stored), its length and
the point a problem is placed at when none is chosen."""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from wangge.core import geo

LINES = frozenset({"LineString", "MultiLineString"})
AREAS = frozenset({"Polygon", "MultiPolygon"})
EARTH_RADIUS_M = 6371008.8


class GeometryError(ValueError):
    """Not a GeoJSON line or polygon we can keep."""


def _merge(geometries: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = {g.get("type") for g in geometries}
    if kinds <= LINES:
        parts: list[Any] = []
        for g in geometries:
            parts.extend([g["coordinates"]] if g["type"] == "LineString" else g["coordinates"])
        return (
            {"type": "LineString", "coordinates": parts[0]}
            if len(parts) == 1
            else {"type": "MultiLineString", "coordinates": parts}
        )
    if kinds <= AREAS:
        polys: list[Any] = []
        for g in geometries:
            polys.extend([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"])
        return (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
    raise GeometryError("须全部为线或全部为面")


def parse(value: Any, crs: str = "wgs84") -> dict[str, Any] | None:
    """The GeoJSON geometry of ``value`` (a geometry, a Feature or a FeatureCollection, as a dict or JSON text)
    in WGS-84, or None when empty. Raises GeometryError."""
    if value in (None, "", {}):
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8-sig")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise GeometryError("不是有效的 GeoJSON") from exc
    if not isinstance(value, dict):
        raise GeometryError("不是有效的 GeoJSON")
    kind = value.get("type")
    if kind == "Feature":
        geometries = [value.get("geometry") or {}]
    elif kind == "FeatureCollection":
        geometries = [(f or {}).get("geometry") or {} for f in value.get("features") or []]
    else:
        geometries = [value]
    geometries = [g for g in geometries if isinstance(g, dict) and g.get("type")]
    if not geometries:
        raise GeometryError("GeoJSON 中没有线或面")
    if any(g.get("type") not in LINES | AREAS for g in geometries):
        raise GeometryError("只支持线（LineString）或面（Polygon）")
    geometry = _merge(geometries)
    try:
        shp = shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise GeometryError("坐标格式不正确") from exc
    if shp.is_empty:
        raise GeometryError("线或面没有坐标")
    minx, miny, maxx, maxy = shp.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeometryError("坐标超出经纬度范围")
    if crs != "wgs84":
        geometry = geo.transform_geometry(geometry, crs)
        shp = shape(geometry)
    if geometry["type"] in AREAS and not shp.is_valid:
        shp = shapely.make_valid(shp)
        if shp.geom_type not in AREAS:
            raise GeometryError("面自相交，无法修复")
    out: dict[str, Any] = json.loads(json.dumps(mapping(shp)))
    return _rounded(out)


def _rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, 7)
    return value


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def length_m(geometry: dict[str, Any] | None) -> Decimal | None:
    """The length of a line in metres (great-circle), to one decimal; None for a polygon or nothing."""
    if not geometry or geometry.get("type") not in LINES:
        return None
    lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    total = sum(_haversine(tuple(p[:2]), tuple(q[:2])) for line in lines for p, q in itertools.pairwise(line))
    return Decimal(str(round(total, 1)))


def to_shape(geometry: dict[str, Any]) -> BaseGeometry:
    return shape(geometry)


def anchor(geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    """Where a problem is placed when none is chosen: the middle of the line, or a point inside the polygon."""
    if not geometry:
        return None
    shp = shape(geometry)
    if geometry["type"] in LINES:
        if shp.geom_type == "MultiLineString":
            shp = max(shp.geoms, key=lambda g: g.length)
        pt = shp.interpolate(0.5, normalized=True)
    else:
        pt = shp.representative_point()
    return round(pt.x, 7), round(pt.y, 7)


def intersects(geometry: dict[str, Any], outline: dict[str, Any] | None) -> bool:
    """Whether the project's line or polygon touches the territory's outline (True without an outline)."""
    if not outline:
        return True
    area = shape(outline)
    if not area.is_valid:
        area = shapely.make_valid(area)
    return bool(area.intersects(shape(geometry)))
