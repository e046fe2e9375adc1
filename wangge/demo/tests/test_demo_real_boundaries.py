"""The demo on the real district outlines (../shared/data; skipped where absent)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import shape

from wangge.core.geo import transform_geometry
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

pytestmark = [pytest.mark.django_db, pytest.mark.data]


def _real_outline(path: Path, adcode: int) -> shapely.Geometry:
    data = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["adcode"] == adcode)
    return shape(transform_geometry(feature["geometry"], "gcj02"))


def test_every_grid_lies_inside_the_real_district_outline(shared_data: Path) -> None:
    # given the DataV export of 平顶山市 (GCJ-02)
    boundaries = shared_data / "geo" / "pingdingshan_410400.geojson"
    # when
    call_command("demo", "--boundaries", str(boundaries), stdout=io.StringIO())
    # then 卫东区's 563 grids tile its real outline (converted to WGS-84) without overlapping
    weidong = _real_outline(boundaries, 410403)
    district = Territory.objects.get(code="410403")
    assert shape(district.geometry).symmetric_difference(weidong).area <= weidong.area * 1e-9
    grids = [
        shape(g.geometry) for g in Territory.objects.filter(kind=TerritoryKind.GRID, path__startswith=district.path)
    ]
    assert len(grids) == 563
    for grid in grids:
        assert grid.is_valid and grid.area > 0
        assert grid.difference(weidong).area <= grid.area * 1e-6
    union = shapely.union_all(grids)
    assert union.area == pytest.approx(sum(g.area for g in grids), rel=1e-6)
    assert union.area == pytest.approx(weidong.area, rel=1e-6)
    # and 湛河区's grids and bridges sit inside its own outline
    zhanhe = _real_outline(boundaries, 410411)
    for grid in Territory.objects.filter(kind=TerritoryKind.GRID, code__startswith="410411"):
        geom = shape(grid.geometry)
        assert geom.difference(zhanhe).area <= geom.area * 1e-6, grid.code
    for point in Point.objects.filter(type__key="bridge"):
        assert zhanhe.contains(shapely.Point(point.lng, point.lat)), point.code
