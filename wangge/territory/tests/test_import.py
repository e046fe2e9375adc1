"""territory_import_geojson: a good import, updates, and every refusal (which must write nothing)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from shapely.geometry import Point, shape

from wangge.core import geo
from wangge.core.actors import SYSTEM
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.tests.factories import S, W, box_geometry, collection, district_features, feature, located_code

pytestmark = pytest.mark.django_db


def _import(*features: dict[str, Any], **kwargs: Any) -> Any:
    kwargs.setdefault("crs", "wgs84")
    return territory_import_geojson(actor=SYSTEM, data=collection(*features), **kwargs)


def _refused(*features: dict[str, Any], **kwargs: Any) -> list[dict[str, Any]]:
    """Import that must fail; asserts nothing was written and returns the reported problems."""
    nodes_before = list(Territory.objects.values_list("code", "name", "path", "numchild", "geometry"))
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        _import(*features, **kwargs)
    assert list(Territory.objects.values_list("code", "name", "path", "numchild", "geometry")) == nodes_before
    assert AuditEntry.objects.count() == audit_before
    assert caught.value.code == "validation_failed"
    return caught.value.details


def _tree_is_sound() -> None:
    assert all(not problems for problems in Territory.objects.find_problems())


# --------------------------------------------------------------------------------------------------
# Allowed
# --------------------------------------------------------------------------------------------------


def test_a_good_import_creates_the_tree_with_areas_centroids_and_audit() -> None:
    # Given an empty tree and a district with streets, communities and grids
    # When it is imported
    result = _import(*district_features(), synthetic=True)
    # Then every node exists under the parent its code implies
    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    assert result.codes[0] == "410403"
    grid = Territory.objects.get(code="410403001001002")
    assert [a.code for a in Territory.objects.get_ancestors(grid)] == ["410403", "410403001", "410403001001"]
    assert grid.kind == "grid" and grid.name == "建设路第2网格" and grid.is_synthetic
    assert Territory.objects.get_children_count(Territory.objects.get(code="410403")) == 2
    _tree_is_sound()
    # And siblings are ordered by code
    assert [c.code for c in Territory.objects.get_children(Territory.objects.get(code="410403001001"))] == [
        "410403001001001",
        "410403001001002",
    ]
    # And area and label point are computed on the ellipsoid
    district = Territory.objects.get(code="410403")
    assert district.area_m2 == pytest.approx(geo.geodesic_area_m2(shape(district.geometry)), rel=1e-6)
    assert 100e6 < district.area_m2 < 106e6  # 0.1° x 0.1° at 33.7°N ≈ 102.9 km²
    assert shape(grid.geometry).contains(Point(grid.centroid_lng, grid.centroid_lat))
    # And one audit entry per node plus one for the import
    assert AuditEntry.objects.filter(action="territory.import.create").count() == 7
    assert AuditEntry.objects.filter(action="territory.import", note__contains="created=7").count() == 1
    # And the point index sees the new grids at once
    assert located_code(W + 0.01, S + 0.01) == "410403001001001"


def test_gcj02_input_is_stored_in_wgs84() -> None:
    # Given a district outline in GCJ-02
    gcj = box_geometry(113.30, 33.70, 113.40, 33.80)
    # When imported as gcj02
    _import(feature("410403", "district", gcj), crs="gcj02")
    # Then every stored vertex is the WGS-84 inverse of the input
    stored = Territory.objects.get(code="410403").geometry["coordinates"][0]
    for (x, y), (sx, sy) in zip(gcj["coordinates"][0], stored, strict=True):
        wx, wy = geo.gcj02_to_wgs84(x, y)
        assert (sx, sy) == pytest.approx((wx, wy), abs=1e-9)
    assert abs(stored[0][0] - 113.30) > 0.003  # shifted by hundreds of metres


def test_reimport_updates_changed_nodes_only() -> None:
    # Given an imported district
    _import(*district_features())
    features = district_features()
    # When one grid is renamed and the file imported again
    features[5]["properties"]["name"] = "建设路一网格"
    result = _import(*features)
    # Then only that grid is updated, with its before/after in the audit trail
    assert (result.created, result.updated, result.unchanged) == (0, 1, 6)
    assert result.updated_codes == ["410403001001001"]
    assert Territory.objects.get(code="410403001001001").name == "建设路一网格"
    entry = AuditEntry.objects.get(action="territory.import.update")
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "建设路第1网格" and entry.after["name"] == "建设路一网格"
    assert Territory.objects.count() == 7
    _tree_is_sound()


def test_reimport_of_a_changed_outline_recomputes_area_and_moves_lookups() -> None:
    # Given an imported district
    _import(*district_features())
    features = district_features()
    # When grid 001 shrinks to its southern half and grid 002's outline is unchanged
    features[5]["geometry"] = box_geometry(W, S, W + 0.025, S + 0.025)
    _import(*features)
    # Then its area halves and a point in the released half falls back to the community
    grid = Territory.objects.get(code="410403001001001")
    assert grid.area_m2 == pytest.approx(geo.geodesic_area_m2(shape(features[5]["geometry"])), rel=1e-6)
    assert located_code(W + 0.01, S + 0.04) == "410403001001"


def test_children_can_be_added_to_a_stored_parent_later() -> None:
    # Given a stored district tree
    _import(*district_features())
    # When grids for the community without grids arrive in a second file (parents implied by code)
    result = _import(
        feature("410403001002001", "grid", box_geometry(W, S + 0.05, W + 0.025, S + 0.10)),
        feature("410403001002002", "grid", box_geometry(W + 0.025, S + 0.05, W + 0.05, S + 0.10)),
    )
    # Then they hang under that community and the tree stays sound
    assert result.created == 2
    community = Territory.objects.get(code="410403001002")
    assert [c.code for c in Territory.objects.get_children(community)] == ["410403001002001", "410403001002002"]
    assert community.numchild == 2
    _tree_is_sound()


def test_a_child_whose_code_sorts_before_stored_siblings_keeps_code_order() -> None:
    # Given a community with only its second grid stored
    features = district_features()
    _import(*features[:5], features[6])
    # When the first grid is imported afterwards
    _import(features[5])
    # Then the children are still in code order and the tree is sound
    children = Territory.objects.get_children(Territory.objects.get(code="410403001001"))
    assert [c.code for c in children] == ["410403001001001", "410403001001002"]
    _tree_is_sound()
    assert located_code(W + 0.01, S + 0.01) == "410403001001001"


def test_a_slight_overhang_and_a_hairline_overlap_are_tolerated() -> None:
    # Given a stored district
    _import(*district_features()[:4])
    # When a community sticks out of its street by 0.1% of its area (digitising noise)
    # and overlaps nothing beyond the configured tolerance
    result = _import(
        feature("410403001002", "community", box_geometry(W - 0.00005, S + 0.05, W + 0.05, S + 0.10)),
    )
    # Then it is accepted
    assert result.created == 1


def test_parent_argument_adopts_features_without_an_implied_parent() -> None:
    # Given a stored province-less city 410400
    _import(feature("410400", "city", box_geometry(113.0, 33.5, 113.6, 34.0), name="平顶山市"))
    city = Territory.objects.get(code="410400")
    # When a district is imported with the city as parent
    _import(district_features()[0], parent=city)
    # Then it hangs under the city
    assert Territory.objects.get_parent(Territory.objects.get(code="410403")) == city


# --------------------------------------------------------------------------------------------------
# Refused: each case writes nothing and names the feature and the reason
# --------------------------------------------------------------------------------------------------


def test_a_self_intersecting_polygon_is_refused_with_geos_reason() -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[W, S], [W + 0.1, S + 0.1], [W + 0.1, S], [W, S + 0.1], [W, S]]],
    }
    details = _refused(feature("410403", "district", bowtie))
    assert details == [{"feature": 0, "code": "410403", "reason": details[0]["reason"]}]
    assert "自相交" in details[0]["reason"] and "Self-intersection" in details[0]["reason"]


def test_a_point_is_not_a_territory() -> None:
    details = _refused(feature("410403", "district", {"type": "Point", "coordinates": [W, S]}))
    assert "Polygon" in details[0]["reason"] and "Point" in details[0]["reason"]


def test_missing_geometry_is_refused() -> None:
    details = _refused(feature("410403", "district", None))
    assert details[0]["feature"] == 0 and "Polygon" in details[0]["reason"]


def test_a_child_outside_its_parent_is_refused() -> None:
    # Given a stored street
    _import(*district_features()[:2])
    # When a community lies half outside it
    details = _refused(feature("410403001001", "community", box_geometry(W + 0.025, S, W + 0.075, S + 0.05)))
    # Then the overhang is reported
    assert details[0]["code"] == "410403001001"
    assert "超出上级 410403001" in details[0]["reason"] and "50.00%" in details[0]["reason"]


def test_overlapping_siblings_are_both_refused() -> None:
    # Given a stored street
    _import(*district_features()[:2])
    # When two communities in the same file overlap by a third of their area
    details = _refused(
        feature("410403001001", "community", box_geometry(W, S, W + 0.03, S + 0.05)),
        feature("410403001002", "community", box_geometry(W + 0.02, S, W + 0.05, S + 0.05)),
    )
    # Then both are listed, each naming the other
    assert {(d["feature"], d["code"]) for d in details} == {(0, "410403001001"), (1, "410403001002")}
    assert all("重叠" in d["reason"] for d in details)
    assert "410403001002" in details[0]["reason"] and "410403001001" in details[1]["reason"]


def test_a_new_node_overlapping_a_stored_sibling_is_refused(settings: Any) -> None:
    # Given a stored community and a strict tolerance
    settings.WANGGE_OVERLAP_TOLERANCE = 0.001
    _import(*district_features()[:4])
    # When its neighbour overlaps it by 1% of the smaller area
    details = _refused(
        feature("410403001002", "community", box_geometry(W, S + 0.0495, W + 0.05, S + 0.10)),
    )
    assert details[0]["feature"] == 0 and "重叠" in details[0]["reason"] and "410403001001" in details[0]["reason"]


def test_the_overlap_tolerance_comes_from_settings(settings: Any) -> None:
    # Given a tolerance of 2% of the smaller area
    settings.WANGGE_OVERLAP_TOLERANCE = 0.02
    _import(*district_features()[:4])
    # When a neighbour overlaps by 1%, then it is accepted
    result = _import(feature("410403001002", "community", box_geometry(W, S + 0.0495, W + 0.05, S + 0.10)))
    assert result.created == 1


def test_duplicate_codes_in_one_file_are_refused() -> None:
    features = district_features()
    duplicate = copy.deepcopy(features[6])
    details = _refused(*features, duplicate)
    assert details == [{"feature": 7, "code": "410403001001002", "reason": details[0]["reason"]}]
    assert "重复" in details[0]["reason"] and "第 6 个" in details[0]["reason"]


def test_a_code_held_by_a_node_of_another_kind_is_refused() -> None:
    # Given a stored city 410400
    _import(feature("410400", "city", box_geometry(113.0, 33.5, 113.6, 34.0), name="平顶山市"))
    # When a district arrives under the same code
    details = _refused(feature("410400", "district", box_geometry(W, S, W + 0.1, S + 0.1)))
    # Then the clash with the stored node is reported
    assert any("已被另一节点使用" in d["reason"] and "平顶山市" in d["reason"] for d in details)


def test_a_code_held_by_a_node_under_another_parent_is_refused() -> None:
    # Given a district stored as a root, and a city
    _import(district_features()[0])
    _import(feature("410400", "city", box_geometry(113.0, 33.5, 113.6, 34.0), name="平顶山市"))
    # When the district is imported again under the city
    details = _refused(
        feature("410403", "district", box_geometry(W, S, W + 0.1, S + 0.1), parent_code="410400"),
    )
    # Then it is the stored node's code under another parent: refused, not moved
    assert details[0]["code"] == "410403" and "已被另一节点使用" in details[0]["reason"]


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("41040300", "street", "9 位"),
        ("4104030010010011", "grid", "15 位"),
        ("4104", "district", "6 位"),
        ("41040A001", "street", "数字"),
        ("410401", "city", "00 结尾"),
    ],
)
def test_code_length_and_form_follow_the_configured_segments(code: str, kind: str, expected: str) -> None:
    details = _refused(feature(code, kind, box_geometry(W, S, W + 0.01, S + 0.01)))
    assert details[0]["code"] == code and expected in details[0]["reason"]


def test_code_segments_are_configurable(settings: Any) -> None:
    # Given 2-digit street segments
    settings.WANGGE_CODE_SEGMENTS = [6, 2, 3, 3, 3]
    # When a district and an 8-digit street are imported, then they are accepted
    result = _import(district_features()[0], feature("41040301", "street", box_geometry(W, S, W + 0.05, S + 0.10)))
    assert result.created == 2


def test_a_code_not_prefixed_by_its_parent_is_refused() -> None:
    _import(*district_features()[:3])
    details = _refused(
        feature("410403002001", "community", box_geometry(W, S, W + 0.05, S + 0.05), parent_code="410403001")
    )
    assert "应以上级编码 410403001 开头" in details[0]["reason"]


def test_an_unknown_parent_is_refused() -> None:
    details = _refused(
        feature("410403001", "street", box_geometry(W, S, W + 0.05, S + 0.10)),
        feature("410403001001", "community", box_geometry(W, S, W + 0.05, S + 0.05), parent_code="410403009"),
    )
    reasons = {d["feature"]: d["reason"] for d in details}
    assert "410403" in reasons[0] and "上级" in reasons[0]
    assert "410403009" in reasons[1] and "不存在" in reasons[1]


def test_a_kind_out_of_order_is_refused() -> None:
    # Given a stored street
    _import(*district_features()[:2])
    # When a grid is hung directly under the street
    details = _refused(
        feature("410403001001001", "grid", box_geometry(W, S, W + 0.05, S + 0.05), parent_code="410403001")
    )
    assert "网格" in details[0]["reason"] and "街道" in details[0]["reason"]


def test_an_unknown_kind_is_refused() -> None:
    details = _refused(feature("410403", "county", box_geometry(W, S, W + 0.1, S + 0.1)))
    assert "county" in details[0]["reason"]


@pytest.mark.parametrize(
    ("crs", "geometry", "expected"),
    [
        ("wgs84", box_geometry(33.70, 113.30, 33.80, 113.40), "经纬度"),  # lat/lng swapped
        ("gcj02", box_geometry(2.30, 48.80, 2.40, 48.90), "中国境内"),  # Paris is not GCJ-02
        ("wgs84", {"type": "Polygon", "coordinates": [[[W, S], [W, "x"], [W + 1, S]]]}, "坐标"),
    ],
)
def test_implausible_coordinates_are_refused(crs: str, geometry: dict[str, Any], expected: str) -> None:
    details = _refused(feature("410403", "district", geometry), crs=crs)
    assert expected in details[0]["reason"]


def test_every_bad_feature_is_reported_at_once() -> None:
    # Given a file with good features and three different faults
    features = district_features()
    features[2]["properties"]["code"] = "41040300"  # wrong length
    features[4]["geometry"] = {"type": "Point", "coordinates": [W, S]}  # not a polygon
    features[6]["geometry"] = box_geometry(W + 0.06, S, W + 0.08, S + 0.05)  # outside its community
    # When imported, then all three are listed and nothing is written
    details = _refused(*features)
    assert {d["feature"] for d in details} == {2, 4, 6}


def test_a_feature_outside_the_given_parent_is_refused() -> None:
    # Given a stored tree, and an import aimed at street 002
    _import(*district_features())
    street = Territory.objects.get(code="410403002")
    # When a feature belongs under street 001
    details = _refused(
        feature("410403001002001", "grid", box_geometry(W, S + 0.05, W + 0.025, S + 0.10)), parent=street
    )
    assert "410403002" in details[0]["reason"]


def test_shrinking_a_parent_past_its_stored_children_is_refused() -> None:
    # Given a community with two stored grids
    _import(*district_features())
    # When the community is re-imported alone with only its western half
    details = _refused(feature("410403001001", "community", box_geometry(W, S, W + 0.025, S + 0.05)))
    assert "410403001001002" in details[0]["reason"]


@pytest.mark.parametrize(
    "data",
    [{"type": "Feature"}, {"type": "FeatureCollection", "features": []}, {"type": "FeatureCollection"}, []],
)
def test_something_that_is_not_a_feature_collection_is_refused(data: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        territory_import_geojson(actor=SYSTEM, data=data, crs="wgs84")
    assert caught.value.details[0]["feature"] is None
    assert Territory.objects.count() == 0


def test_an_unknown_crs_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        _import(*district_features(), crs="epsg:3857")
    assert Territory.objects.count() == 0
