"""Datum conversion (WGS-84 ⇄ GCJ-02 ⇄ BD-09) and geodesic area, as pure functions.

Phones and web maps in China report **GCJ-02** (AutoNavi/Amap, Tencent) or **BD-09** (Baidu); the
platform stores everything in **WGS-84** (CGCS2000 is treated as equal). Convert at the edge.

The forward formulas are the published ones used by every open implementation (the obfuscation of
GB 2260-era "火星坐标" as reverse-engineered, e.g. in ``coordtransform``). The inverses have no closed
form; they are solved here by fixed-point iteration on the forward formula until the forward image of
the answer is within 1e-9 degrees of the input (well below the 1e-7 degree / ~1 cm contract). Outside
China the standard algorithm leaves coordinates unchanged (GCJ-02 == WGS-84 there); BD-09 is applied
everywhere, as Baidu does.

Every conversion exists twice: for scalars (plain ``math``, a few microseconds) and for numpy arrays
(``*_arrays``, for whole geometries and point batches). Both share the same formula code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import shapely
from django.utils.translation import gettext_lazy
from shapely.geometry.base import BaseGeometry

Crs: TypeAlias = Literal["wgs84", "gcj02", "bd09"]
# The datums the platform reads and writes, declared once: every form, serializer, command and check uses these.
CRS_LABELS: dict[str, Any] = {
    "wgs84": gettext_lazy("WGS-84（GPS、浏览器定位、天地图 CGCS2000）"),
    "gcj02": gettext_lazy("GCJ-02（高德、腾讯）"),
    "bd09": gettext_lazy("BD-09（百度）"),
}
CRS_CHOICES: tuple[str, ...] = tuple(CRS_LABELS)
CRS_FORM_CHOICES: list[tuple[str, Any]] = list(CRS_LABELS.items())
FloatArray: TypeAlias = npt.NDArray[np.float64]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formulas.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

# Precision of the iterative inverses, in degrees, and their iteration cap (3-5 iterations suffice).
INVERSE_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30

# WGS-84 ellipsoid, for areas.
_WGS_A = 6378137.0
_WGS_F = 1 / 298.257223563
_WGS_E2 = _WGS_F * (2 - _WGS_F)
_WGS_E = math.sqrt(_WGS_E2)


class _ScalarMath:
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sqrt = staticmethod(math.sqrt)
    atan2 = staticmethod(math.atan2)


class _ArrayMath:
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sqrt = staticmethod(np.sqrt)
    atan2 = staticmethod(np.arctan2)


def _check_crs(crs: str) -> None:
    if crs not in CRS_CHOICES:
        raise ValueError(f"unknown coordinate reference system {crs!r}; expected one of {CRS_CHOICES}")


# --------------------------------------------------------------------------------------------------
# The formulas, written once for floats and numpy arrays.
# --------------------------------------------------------------------------------------------------


def _gcj_delta(lng: Any, lat: Any, m: Any) -> tuple[Any, Any]:
    """The GCJ-02 offset (dlng, dlat) in degrees at WGS-84 position (lng, lat)."""
    pi = math.pi
    x = lng - 105.0
    y = lat - 35.0
    sqrt_abs_x = m.sqrt(abs(x))
    common = (20.0 * m.sin(6.0 * x * pi) + 20.0 * m.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    dlat = dlat + (20.0 * m.sin(y * pi) + 40.0 * m.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * m.sin(y / 12.0 * pi) + 320.0 * m.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    dlng = dlng + (20.0 * m.sin(x * pi) + 40.0 * m.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlng = dlng + (150.0 * m.sin(x / 12.0 * pi) + 300.0 * m.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = m.sin(radlat)
    magic = 1.0 - _GCJ_EE * magic * magic
    sqrtmagic = m.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * pi)
    dlng = (dlng * 180.0) / (_GCJ_A / sqrtmagic * m.cos(radlat) * pi)
    return dlng, dlat


def _bd_encrypt(lng: Any, lat: Any, m: Any) -> tuple[Any, Any]:
    """GCJ-02 → BD-09, the published forward formula."""
    z = m.sqrt(lng * lng + lat * lat) + 0.00002 * m.sin(lat * _X_PI)
    theta = m.atan2(lat, lng) + 0.000003 * m.cos(lng * _X_PI)
    return z * m.cos(theta) + 0.0065, z * m.sin(theta) + 0.006


def _bd_decrypt_approx(lng: Any, lat: Any, m: Any) -> tuple[Any, Any]:
    """BD-09 → GCJ-02, the published approximate inverse (error up to ~1e-6 degrees)."""
    x = lng - 0.0065
    y = lat - 0.006
    z = m.sqrt(x * x + y * y) - 0.00002 * m.sin(y * _X_PI)
    theta = m.atan2(y, x) - 0.000003 * m.cos(x * _X_PI)
    return z * m.cos(theta), z * m.sin(theta)


# --------------------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------------------


def out_of_china(lng: float, lat: float) -> bool:
    """The bounding box the standard algorithm uses: outside it GCJ-02 equals WGS-84."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_delta(lng, lat, _ScalarMath)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """Iterative inverse: find w with wgs84_to_gcj02(w) == (lng, lat) to within 1e-9 degrees."""
    if out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(_MAX_ITERATIONS):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        e_lng, e_lat = g_lng - lng, g_lat - lat
        w_lng -= e_lng
        w_lat -= e_lat
        if abs(e_lng) < INVERSE_TOLERANCE_DEG and abs(e_lat) < INVERSE_TOLERANCE_DEG:
            break
    return w_lng, w_lat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    b_lng, b_lat = _bd_encrypt(lng, lat, _ScalarMath)
    return float(b_lng), float(b_lat)


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """Published inverse refined by fixed-point iteration on the forward formula."""
    g_lng, g_lat = _bd_decrypt_approx(lng, lat, _ScalarMath)
    for _ in range(_MAX_ITERATIONS):
        b_lng, b_lat = _bd_encrypt(g_lng, g_lat, _ScalarMath)
        e_lng, e_lat = b_lng - lng, b_lat - lat
        if abs(e_lng) < INVERSE_TOLERANCE_DEG and abs(e_lat) < INVERSE_TOLERANCE_DEG:
            break
        g_lng -= e_lng
        g_lat -= e_lat
    return float(g_lng), float(g_lat)


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def to_wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    """(lng, lat) given in ``crs`` ("wgs84", "gcj02" or "bd09") as WGS-84."""
    if crs == "wgs84":
        return float(lng), float(lat)
    if crs == "gcj02":
        return gcj02_to_wgs84(float(lng), float(lat))
    if crs == "bd09":
        return bd09_to_wgs84(float(lng), float(lat))
    _check_crs(crs)
    raise AssertionError("unreachable")


def from_wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    """WGS-84 (lng, lat) expressed in ``crs``."""
    if crs == "wgs84":
        return float(lng), float(lat)
    if crs == "gcj02":
        return wgs84_to_gcj02(float(lng), float(lat))
    if crs == "bd09":
        return wgs84_to_bd09(float(lng), float(lat))
    _check_crs(crs)
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------------
# Arrays
# --------------------------------------------------------------------------------------------------


def _as_arrays(lngs: Any, lats: Any) -> tuple[FloatArray, FloatArray]:
    lng = np.asarray(lngs, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    if lng.shape != lat.shape:
        raise ValueError("longitude and latitude arrays differ in shape")
    return lng, lat


def _in_china_mask(lng: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    return (lng >= 72.004) & (lng <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def wgs84_to_gcj02_arrays(lngs: Any, lats: Any) -> tuple[FloatArray, FloatArray]:
    lng, lat = _as_arrays(lngs, lats)
    inside = _in_china_mask(lng, lat)
    dlng, dlat = _gcj_delta(lng, lat, _ArrayMath)
    return np.where(inside, lng + dlng, lng), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84_arrays(lngs: Any, lats: Any) -> tuple[FloatArray, FloatArray]:
    lng, lat = _as_arrays(lngs, lats)
    inside = _in_china_mask(lng, lat)
    w_lng, w_lat = lng.copy(), lat.copy()
    for _ in range(_MAX_ITERATIONS):
        dlng, dlat = _gcj_delta(w_lng, w_lat, _ArrayMath)
        e_lng = w_lng + dlng - lng
        e_lat = w_lat + dlat - lat
        w_lng -= e_lng
        w_lat -= e_lat
        if e_lng.size == 0 or max(np.abs(e_lng).max(), np.abs(e_lat).max()) < INVERSE_TOLERANCE_DEG:
            break
    return np.where(inside, w_lng, lng), np.where(inside, w_lat, lat)


def gcj02_to_bd09_arrays(lngs: Any, lats: Any) -> tuple[FloatArray, FloatArray]:
    lng, lat = _as_arrays(lngs, lats)
    return _bd_encrypt(lng, lat, _ArrayMath)


def bd09_to_gcj02_arrays(lngs: Any, lats: Any) -> tuple[FloatArray, FloatArray]:
    lng, lat = _as_arrays(lngs, lats)
    g_lng, g_lat = _bd_decrypt_approx(lng, lat, _ArrayMath)
    for _ in range(_MAX_ITERATIONS):
        b_lng, b_lat = _bd_encrypt(g_lng, g_lat, _ArrayMath)
        e_lng = b_lng - lng
        e_lat = b_lat - lat
        if e_lng.size == 0 or max(np.abs(e_lng).max(), np.abs(e_lat).max()) < INVERSE_TOLERANCE_DEG:
            break
        g_lng = g_lng - e_lng
        g_lat = g_lat - e_lat
    return g_lng, g_lat


def to_wgs84_arrays(lngs: Any, lats: Any, crs: str) -> tuple[FloatArray, FloatArray]:
    if crs == "wgs84":
        return _as_arrays(lngs, lats)
    if crs == "gcj02":
        return gcj02_to_wgs84_arrays(lngs, lats)
    if crs == "bd09":
        return gcj02_to_wgs84_arrays(*bd09_to_gcj02_arrays(lngs, lats))
    _check_crs(crs)
    raise AssertionError("unreachable")


def from_wgs84_arrays(lngs: Any, lats: Any, crs: str) -> tuple[FloatArray, FloatArray]:
    if crs == "wgs84":
        return _as_arrays(lngs, lats)
    if crs == "gcj02":
        return wgs84_to_gcj02_arrays(lngs, lats)
    if crs == "bd09":
        return gcj02_to_bd09_arrays(*wgs84_to_gcj02_arrays(lngs, lats))
    _check_crs(crs)
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------------
# GeoJSON geometries
# --------------------------------------------------------------------------------------------------

# How deeply coordinates nest for each GeoJSON geometry type (0: a single position).
_NESTING = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _collect(geometry: dict[str, Any], out: list[Sequence[float]]) -> None:
    """Append every position of ``geometry`` to ``out`` (validating the type and the nesting)."""
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype == "GeometryCollection":
        for g in geometry.get("geometries", []):
            _collect(g, out)
        return
    if gtype not in _NESTING:
        raise ValueError(f"unsupported GeoJSON geometry type {gtype!r}")

    def walk(coords: Any, depth: int) -> None:
        if depth == 0:
            out.append(coords)
            return
        for item in coords:
            walk(item, depth - 1)

    try:
        walk(geometry.get("coordinates") or [], _NESTING[gtype])
    except TypeError as exc:
        raise ValueError(f"malformed coordinates in {gtype}: {exc}") from exc


def _rebuild(geometry: dict[str, Any], new: list[list[float]], cursor: list[int]) -> dict[str, Any]:
    gtype = geometry["type"]
    if gtype == "GeometryCollection":
        return {
            "type": gtype,
            "geometries": [_rebuild(g, new, cursor) for g in geometry.get("geometries", [])],
        }

    def walk(coords: Any, depth: int) -> Any:
        if depth == 0:
            i = cursor[0]
            cursor[0] += 1
            # Keep any third ordinate (height) untouched.
            return [new[i][0], new[i][1], *list(coords[2:])] if len(coords) > 2 else new[i]
        return [walk(item, depth - 1) for item in coords]

    return {"type": gtype, "coordinates": walk(geometry.get("coordinates") or [], _NESTING[gtype])}


def _map_geometries(
    geometries: Sequence[dict[str, Any]], convert: Callable[[Any, Any], tuple[Any, Any]]
) -> list[dict[str, Any]]:
    """Convert every position of every geometry in one vectorised call, keeping the structures."""
    flat: list[Sequence[float]] = []
    for geometry in geometries:
        _collect(geometry, flat)
    try:
        arr = np.array([(p[0], p[1]) for p in flat], dtype=np.float64).reshape(-1, 2)
    except (TypeError, IndexError, ValueError) as exc:
        raise ValueError(f"malformed coordinates: {exc}") from exc
    lng, lat = convert(arr[:, 0], arr[:, 1])
    new = np.column_stack([lng, lat]).tolist()
    cursor = [0]
    return [_rebuild(geometry, new, cursor) for geometry in geometries]


def transform_geometry(geojson_geometry: dict[str, Any], crs: str) -> dict[str, Any]:
    """A GeoJSON geometry given in ``crs``, converted to WGS-84 (a new dict; the input is untouched)."""
    return transform_geometries([geojson_geometry], crs)[0]


def transform_geometries(geometries: Sequence[dict[str, Any]], crs: str) -> list[dict[str, Any]]:
    """Many GeoJSON geometries to WGS-84 at once (one vectorised conversion: use it for whole files)."""
    _check_crs(crs)
    return _map_geometries(geometries, lambda x, y: to_wgs84_arrays(x, y, crs))


def transform_geometry_from_wgs84(geojson_geometry: dict[str, Any], crs: str) -> dict[str, Any]:
    """A WGS-84 GeoJSON geometry expressed in ``crs`` (for export to web maps)."""
    return transform_geometries_from_wgs84([geojson_geometry], crs)[0]


def transform_geometries_from_wgs84(geometries: Sequence[dict[str, Any]], crs: str) -> list[dict[str, Any]]:
    _check_crs(crs)
    return _map_geometries(geometries, lambda x, y: from_wgs84_arrays(x, y, crs))


# --------------------------------------------------------------------------------------------------
# Areas
# --------------------------------------------------------------------------------------------------


def _q(sin_phi: FloatArray) -> FloatArray:
    """Snyder's q(φ) for the WGS-84 ellipsoid (Map Projections, eq. 3-12)."""
    e = _WGS_E
    es = e * sin_phi
    return (1 - _WGS_E2) * (sin_phi / (1 - es * es) - (1 / (2 * e)) * np.log((1 - es) / (1 + es)))


_Q_POLE = float(_q(np.array(1.0)))
# Radius of the sphere with the ellipsoid's surface area, and that area.
AUTHALIC_RADIUS_M = _WGS_A * math.sqrt(_Q_POLE / 2)
EARTH_SURFACE_M2 = 4 * math.pi * AUTHALIC_RADIUS_M**2


def _equal_area_xy(coords: FloatArray) -> FloatArray:
    """Lambert cylindrical equal-area projection of the WGS-84 ellipsoid (Snyder eq. 10-15), in metres."""
    lng = np.radians(coords[:, 0])
    sin_phi = np.sin(np.radians(np.clip(coords[:, 1], -90.0, 90.0)))
    x = _WGS_A * lng
    y = _WGS_A * _q(sin_phi) / 2
    return np.column_stack([x, y])


def geodesic_area_m2(shapely_geom: BaseGeometry) -> float:
    """Area in m² of a lng/lat (WGS-84) geometry on the WGS-84 ellipsoid.

    Projects to the ellipsoidal Lambert cylindrical equal-area projection, which preserves area
    exactly, and takes the planar area there. Edges are straight in that projection rather than
    geodesics; for grid- or district-sized polygons the difference is far below 0.01%.
    """
    if shapely_geom is None or shapely_geom.is_empty:
        return 0.0
    projected = shapely.transform(shapely_geom, _equal_area_xy)
    return float(shapely.area(projected))
