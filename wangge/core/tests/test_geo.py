"""Datum conversion and geodesic area: published vectors, round trips, and independent area checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box, shape

from wangge.core import geo

PINGDINGSHAN = (113.3688, 33.7617)

# Points across China: corners of the mainland, big cities, and 卫东区 (平顶山).
CHINA_POINTS = [
    PINGDINGSHAN,
    (116.404, 39.915),  # Beijing
    (121.4737, 31.2304),  # Shanghai
    (113.2644, 23.1291),  # Guangzhou
    (87.6168, 43.8256),  # Urumqi
    (91.1322, 29.6604),  # Lhasa
    (126.6424, 45.7560),  # Harbin
    (109.5120, 18.2528),  # Sanya
    (135.0, 48.4),  # north-east edge
    (73.5, 39.5),  # western edge
]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, good to a fraction of a millimetre at these scales."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(a[0] - b[0]) * math.cos(lat) * 6371008.8
    dy = math.radians(a[1] - b[1]) * 6371008.8
    return math.hypot(dx, dy)


def test_wgs84_to_gcj02_matches_the_published_vector() -> None:
    # Given the widely published test vector of the standard algorithm (coordtransform, Beijing)
    # When converting WGS-84 to GCJ-02
    lng, lat = geo.wgs84_to_gcj02(116.404, 39.915)
    # Then the result is the published one
    assert lng == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_gcj02_to_bd09_matches_the_published_vector() -> None:
    lng, lat = geo.gcj02_to_bd09(116.404, 39.915)
    assert lng == pytest.approx(116.41036949371029, abs=1e-12)
    assert lat == pytest.approx(39.92133699351021, abs=1e-12)


def test_the_offset_in_pingdingshan_is_hundreds_of_metres() -> None:
    # Given the centre of 卫东区 in WGS-84
    # When shifted to GCJ-02 and BD-09
    gcj = geo.wgs84_to_gcj02(*PINGDINGSHAN)
    bd = geo.wgs84_to_bd09(*PINGDINGSHAN)
    # Then they move by the size of a grid: comparing datums blindly would misplace points
    assert 200 < _metres(gcj, PINGDINGSHAN) < 1000
    assert 500 < _metres(bd, PINGDINGSHAN) < 2000


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_gcj02_inverse_is_exact_to_1e7_degrees(point: tuple[float, float]) -> None:
    # Given a WGS-84 point and its GCJ-02 image
    gcj = geo.wgs84_to_gcj02(*point)
    # When converted back with the iterative inverse
    back = geo.gcj02_to_wgs84(*gcj)
    # Then it lands on the original point to 1e-7 degrees, far under a metre
    assert abs(back[0] - point[0]) < 1e-7
    assert abs(back[1] - point[1]) < 1e-7
    assert _metres(back, point) < 0.05
    # And the forward image of the answer reproduces the GCJ-02 input
    again = geo.wgs84_to_gcj02(*back)
    assert abs(again[0] - gcj[0]) < 1e-8 and abs(again[1] - gcj[1]) < 1e-8


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_bd09_round_trips_under_one_metre(point: tuple[float, float]) -> None:
    bd = geo.wgs84_to_bd09(*point)
    back = geo.bd09_to_wgs84(*bd)
    assert _metres(back, point) < 1.0
    assert abs(back[0] - point[0]) < 1e-7 and abs(back[1] - point[1]) < 1e-7


def test_round_trips_hold_on_a_dense_sample_of_china() -> None:
    # Given 20,000 random points over China's bounding box
    rng = np.random.default_rng(7)
    lng = rng.uniform(73.7, 134.8, 20_000)
    lat = rng.uniform(18.2, 53.5, 20_000)
    # When converted to GCJ-02 / BD-09 and back, vectorised
    g_lng, g_lat = geo.wgs84_to_gcj02_arrays(lng, lat)
    w_lng, w_lat = geo.gcj02_to_wgs84_arrays(g_lng, g_lat)
    b_lng, b_lat = geo.from_wgs84_arrays(lng, lat, "bd09")
    v_lng, v_lat = geo.to_wgs84_arrays(b_lng, b_lat, "bd09")
    # Then every point comes back within 1e-7 degrees
    assert np.abs(w_lng - lng).max() < 1e-7 and np.abs(w_lat - lat).max() < 1e-7
    assert np.abs(v_lng - lng).max() < 1e-7 and np.abs(v_lat - lat).max() < 1e-7


def test_array_and_scalar_conversions_agree() -> None:
    lngs = np.array([p[0] for p in CHINA_POINTS])
    lats = np.array([p[1] for p in CHINA_POINTS])
    for crs in ("gcj02", "bd09"):
        a_lng, a_lat = geo.to_wgs84_arrays(lngs, lats, crs)
        f_lng, f_lat = geo.from_wgs84_arrays(lngs, lats, crs)
        for i, (x, y) in enumerate(CHINA_POINTS):
            assert geo.to_wgs84(x, y, crs) == pytest.approx((a_lng[i], a_lat[i]), abs=1e-9)
            assert geo.from_wgs84(x, y, crs) == pytest.approx((f_lng[i], f_lat[i]), abs=1e-9)


def test_outside_china_gcj02_equals_wgs84() -> None:
    # Given points in Tokyo and Paris
    for point in [(139.6917, 35.6895), (2.3522, 48.8566)]:
        # When converted either way, then nothing moves
        assert geo.wgs84_to_gcj02(*point) == point
        assert geo.gcj02_to_wgs84(*point) == point
        assert geo.to_wgs84(*point, "gcj02") == point


def test_wgs84_is_the_identity_and_unknown_crs_is_refused() -> None:
    assert geo.to_wgs84(*PINGDINGSHAN, "wgs84") == PINGDINGSHAN
    with pytest.raises(ValueError, match="coordinate reference system"):
        geo.to_wgs84(*PINGDINGSHAN, "epsg:3857")
    with pytest.raises(ValueError):
        geo.transform_geometry({"type": "Point", "coordinates": [113.0, 33.0]}, "mercator")


def test_transform_geometry_converts_every_vertex_and_keeps_structure() -> None:
    # Given a GCJ-02 MultiPolygon with a hole, and a Point
    outer = [[113.30, 33.70], [113.40, 33.70], [113.40, 33.80], [113.30, 33.80], [113.30, 33.70]]
    hole = [[113.34, 33.74], [113.36, 33.74], [113.36, 33.76], [113.34, 33.74]]
    other = [[113.50, 33.70], [113.52, 33.70], [113.52, 33.72], [113.50, 33.70]]
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [other]]}
    # When converted to WGS-84
    out = geo.transform_geometry(multi, "gcj02")
    point = geo.transform_geometry({"type": "Point", "coordinates": [113.3688, 33.7617]}, "gcj02")
    # Then rings keep their lengths and every vertex equals the scalar conversion
    assert out["type"] == "MultiPolygon"
    assert [len(r) for p in out["coordinates"] for r in p] == [5, 4, 4]
    assert out["coordinates"][0][1][2] == pytest.approx(list(geo.gcj02_to_wgs84(113.36, 33.76)), abs=1e-9)
    assert point["coordinates"] == pytest.approx(list(geo.gcj02_to_wgs84(113.3688, 33.7617)), abs=1e-9)
    # And the input is untouched
    assert multi["coordinates"][0][0][0] == [113.30, 33.70]
    # And converting back restores the input
    back = geo.transform_geometry_from_wgs84(out, "gcj02")
    assert np.allclose(shapely.get_coordinates(shape(back)), shapely.get_coordinates(shape(multi)), atol=1e-8)


def test_transform_geometry_refuses_unknown_types_and_bad_coordinates() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        geo.transform_geometry({"type": "Circle", "coordinates": [1, 2]}, "wgs84")
    with pytest.raises(ValueError, match="malformed"):
        geo.transform_geometry({"type": "Polygon", "coordinates": [[["a"], [1]]]}, "gcj02")


def test_geodesic_area_of_the_whole_ellipsoid_is_the_wgs84_surface() -> None:
    # The WGS-84 ellipsoid's surface is 510,065,621.724 km² (NIMA TR8350.2).
    assert geo.geodesic_area_m2(box(-180, -90, 180, 90)) == pytest.approx(5.10065621724e14, rel=1e-9)


@pytest.mark.parametrize("lat", [18.0, 33.76, 53.0])
def test_geodesic_area_of_a_grid_sized_square_matches_the_local_radii(lat: float) -> None:
    # Given a ~500 m cell at latitude `lat`
    d = 0.005
    cell = box(113.0, lat, 113.0 + d, lat + d)
    # When its area is computed
    area = geo.geodesic_area_m2(cell)
    # Then it equals M·N·cosφ·dλ·dφ from the meridian and prime-vertical radii of curvature
    a, e2 = 6378137.0, 0.0066943799901413165
    phi = math.radians(lat + d / 2)
    w = math.sqrt(1 - e2 * math.sin(phi) ** 2)
    m_radius = a * (1 - e2) / w**3
    n_radius = a / w
    expected = m_radius * n_radius * math.cos(phi) * math.radians(d) ** 2
    assert area == pytest.approx(expected, rel=1e-4)


def test_geodesic_area_counts_holes_and_parts() -> None:
    outer = box(113.0, 33.0, 113.02, 33.02)
    hole = box(113.005, 33.005, 113.015, 33.015)
    with_hole = Polygon(outer.exterior.coords, [hole.exterior.coords])
    whole = geo.geodesic_area_m2(outer)
    assert geo.geodesic_area_m2(with_hole) == pytest.approx(whole * 0.75, rel=1e-3)
    assert geo.geodesic_area_m2(shapely.MultiPolygon([outer, box(114, 33, 114.02, 33.02)])) == pytest.approx(
        2 * whole, rel=1e-3
    )
    assert geo.geodesic_area_m2(shapely.Point(113, 33)) == 0.0
