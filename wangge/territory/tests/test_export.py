"""territory_export_geojson: the import format, in any datum, round-tripping through the import."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import shape

from wangge.core.actors import SYSTEM
from wangge.core.errors import ValidationFailed
from wangge.territory.exporting import territory_export_geojson
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.tests.factories import collection, district_features

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> Territory:
    territory_import_geojson(actor=SYSTEM, data=collection(*district_features()), crs="wgs84", synthetic=True)
    return Territory.objects.get(code="410403")


def test_export_lists_the_subtree_with_the_import_properties(district: Territory) -> None:
    data = territory_export_geojson(root=Territory.objects.get(code="410403001"))
    assert data["type"] == "FeatureCollection"
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(props) == {"410403001", "410403001001", "410403001002", "410403001001001", "410403001001002"}
    grid = props["410403001001002"]
    assert grid["parent_code"] == "410403001001" and grid["kind"] == "grid" and grid["is_synthetic"] is True
    assert grid["area_m2"] == Territory.objects.get(code="410403001001002").area_m2
    assert props["410403001"]["parent_code"] == "410403"  # the root's own parent is named too


def test_export_can_be_limited_to_kinds(district: Territory) -> None:
    data = territory_export_geojson(root=district, kinds=["grid"])
    assert [f["properties"]["kind"] for f in data["features"]] == ["grid", "grid"]


def test_a_wgs84_export_imports_back_unchanged(district: Territory) -> None:
    data = territory_export_geojson(root=district)
    result = territory_import_geojson(actor=SYSTEM, data=data, crs="wgs84")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 7)


def test_the_synthetic_flag_travels_per_feature(district: Territory) -> None:
    # Given an export where only the grids are marked synthetic
    data = territory_export_geojson(root=district)
    for f in data["features"]:
        f["properties"]["is_synthetic"] = f["properties"]["kind"] == "grid"
    # When imported without the synthetic switch
    territory_import_geojson(actor=SYSTEM, data=data, crs="wgs84")
    # Then each node carries its own flag
    assert set(Territory.objects.filter(is_synthetic=True).values_list("kind", flat=True)) == {"grid"}
    assert Territory.objects.filter(is_synthetic=False).count() == 5


def test_a_gcj02_export_rebuilds_the_same_tree_elsewhere(district: Territory) -> None:
    # Given the tree exported in GCJ-02 (what a web map shows) and the tree then removed
    before = {t.code: (t.kind, shape(t.geometry)) for t in Territory.objects.all()}
    data = territory_export_geojson(root=district, crs="gcj02")
    exported = shape(data["features"][0]["geometry"])
    assert not exported.equals_exact(before["410403"][1], tolerance=1e-4)  # really shifted
    Territory.objects.all().delete()
    # When it is imported as GCJ-02
    result = territory_import_geojson(actor=SYSTEM, data=data, crs="gcj02")
    # Then the same nodes come back with outlines equal to 1e-7 degrees (about 1 cm)
    assert result.created == 7
    after = {t.code: (t.kind, shape(t.geometry)) for t in Territory.objects.all()}
    assert after.keys() == before.keys()
    for code, (kind, geom) in before.items():
        assert after[code][0] == kind
        assert shapely.equals_exact(after[code][1], geom, tolerance=1e-7)
    assert all(not p for p in Territory.objects.find_problems())


def test_export_refuses_an_unknown_crs(district: Territory) -> None:
    with pytest.raises(ValidationFailed):
        territory_export_geojson(root=district, crs="mercator")
