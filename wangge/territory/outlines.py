"""Territory outlines: what makes a Polygon/MultiPolygon acceptable, and the values derived from it.

Outlines are stored in WGS-84. Coordinates are checked in the datum they arrive in (GCJ-02 and BD-09 only
exist over China), then converted (``wangge.core.geo``) and checked for validity and area.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from wangge.core import geo
from wangge.territory.models import Territory

# GCJ-02 and BD-09 are only defined over China; coordinates outside this box are not plausible there.
CHINA_BOUNDS = (72.0, 0.8, 138.0, 56.0)


def coordinate_problem(geometry: dict[str, Any], crs: str) -> str | None:
    """Coordinates must be finite lng/lat pairs; in GCJ-02/BD-09, inside China."""
    try:
        coords = shapely.get_coordinates(shape(geometry))
    except Exception as exc:  # malformed nesting, strings, too few points …
        return _("坐标格式错误 (malformed coordinates): %(e)s") % {"e": exc}
    if coords.size == 0:
        return _("几何为空 (empty geometry)")
    if not np.isfinite(coords).all():
        return _("坐标包含非数值 (coordinates are not finite numbers)")
    lng, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lng) > 180).any() or (np.abs(lat) > 90).any():
        return _("坐标超出经纬度范围，是否不是经纬度或经纬度顺序颠倒？(not lng/lat, or lat/lng swapped)")
    if crs in ("gcj02", "bd09"):
        minx, miny, maxx, maxy = CHINA_BOUNDS
        if (lng < minx).any() or (lng > maxx).any() or (lat < miny).any() or (lat > maxy).any():
            return _("%(crs)s 坐标应位于中国境内，请检查坐标系或经纬度顺序 (outside China for this datum)") % {
                "crs": crs.upper()
            }
    return None


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """The centroid when it falls inside the polygon, else a point guaranteed inside it."""
    c = geom.centroid
    if not geom.covers(c):
        c = geom.representative_point()
    return float(c.x), float(c.y)


def outside_share(child: BaseGeometry, parent: BaseGeometry) -> float:
    """Share of the child's area outside the parent (planar in degrees: a ratio, so datum-agnostic)."""
    if parent.covers(child):
        return 0.0
    area = child.area
    if area <= 0:
        return 0.0
    return float(shapely.difference(child, parent).area / area)


def stored_shape(node: Territory) -> BaseGeometry | None:
    if not node.geometry:
        return None
    try:
        geom = shape(node.geometry)
    except Exception:
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


def geometry_problem(geometry: Any, crs: str = "wgs84") -> str | None:
    """Why ``geometry`` cannot be a territory outline (type, coordinates, validity), or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        return _("几何类型应为 Polygon 或 MultiPolygon，实际为 %(t)s (not a Polygon/MultiPolygon)") % {"t": gtype}
    reason = coordinate_problem(geometry, crs)
    if reason:
        return reason
    geom = shape(geo.transform_geometry(geometry, crs))
    if not geom.is_valid:
        return _("多边形无效（如自相交）：%(why)s (invalid polygon)") % {"why": explain_validity(geom)}
    if geom.is_empty or geom.area <= 0:
        return _("多边形面积为零 (polygon has no area)")
    return None


def geometry_fields(geometry: dict[str, Any] | None) -> dict[str, Any]:
    """The values derived from a WGS-84 outline: label point (centroid_lng/lat) and area_m2."""
    if not geometry:
        return {"centroid_lng": None, "centroid_lat": None, "area_m2": None}
    geom = shape(geometry)
    lng, lat = label_point(geom)
    return {"centroid_lng": lng, "centroid_lat": lat, "area_m2": round(geo.geodesic_area_m2(geom), 2)}
