"""Properties of the synthetic tiling on the synthetic outlines (pure geometry, no database)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from wangge.demo.catalogue import WEIDONG, ZHANHE
from wangge.demo.layout import (
    SYNTHETIC_SUFFIX,
    Node,
    chinese_number,
    partition,
    plan_district,
    reading_order,
    row_of,
    split_evenly,
    synthetic_outline,
)

SEGMENTS = (6, 3, 3, 3)


@pytest.fixture(scope="module")
def weidong() -> list[Node]:
    return plan_district(synthetic_outline(WEIDONG.code), WEIDONG, segments=SEGMENTS, parent_code="410400")


def _kind(nodes: list[Node], kind: str) -> list[Node]:
    return [n for n in nodes if n.kind == kind]


def test_weidong_has_exactly_563_grids_in_80_communities(weidong: list[Node]) -> None:
    assert len(_kind(weidong, "grid")) == 563
    assert len(_kind(weidong, "community")) == WEIDONG.community_count == 80
    assert len(_kind(weidong, "street")) == len(WEIDONG.streets)


def test_every_node_is_a_valid_polygon_with_positive_area(weidong: list[Node]) -> None:
    for node in weidong:
        assert node.geometry.geom_type in {"Polygon", "MultiPolygon"}, node.code
        assert node.geometry.is_valid, node.code
        assert node.geometry.area > 0, node.code


@pytest.mark.parametrize("kind", ["street", "community", "grid"])
def test_siblings_tile_their_parent_without_overlap(weidong: list[Node], kind: str) -> None:
    by_code = {n.code: n for n in weidong}
    children: dict[str, list[Node]] = {}
    for n in _kind(weidong, kind):
        assert n.parent_code is not None
        children.setdefault(n.parent_code, []).append(n)
    for parent_code, kids in children.items():
        parent = by_code[parent_code].geometry
        geoms = [k.geometry for k in kids]
        # no two siblings overlap (a coverage: shared edges only)
        assert shapely.coverage_is_valid(shapely.GeometryCollection(geoms)), parent_code
        overlap = sum(g.area for g in geoms) - shapely.union_all(geoms).area
        assert overlap <= parent.area * 1e-9, parent_code
        # together they cover the parent, and each lies inside it
        assert shapely.union_all(geoms).symmetric_difference(parent).area <= parent.area * 1e-9, parent_code
        for g in geoms:
            assert g.difference(parent).area <= g.area * 1e-9, parent_code


def test_every_grid_lies_inside_the_district_outline(weidong: list[Node]) -> None:
    outline = synthetic_outline(WEIDONG.code)
    for grid in _kind(weidong, "grid"):
        assert grid.geometry.difference(outline).area <= grid.geometry.area * 1e-9, grid.code


def test_codes_follow_the_segments_and_are_unique(weidong: list[Node]) -> None:
    codes = [n.code for n in weidong]
    assert len(codes) == len(set(codes))
    lengths = {"district": 6, "street": 9, "community": 12, "grid": 15}
    for n in weidong:
        assert len(n.code) == lengths[n.kind], n.code
        assert n.code.isdigit()
        if n.parent_code and n.kind != "district":
            assert n.code.startswith(n.parent_code)
    assert sorted(n.code for n in _kind(weidong, "street"))[:2] == ["410403001", "410403002"]


def test_grids_are_numbered_in_rows_north_to_south_then_west_to_east(weidong: list[Node]) -> None:
    by_parent: dict[str | None, list[Node]] = {}
    for g in _kind(weidong, "grid"):
        by_parent.setdefault(g.parent_code, []).append(g)
    for kids in by_parent.values():
        kids.sort(key=lambda n: n.code)
        geoms = [k.geometry for k in kids]
        rows = [row_of(g, geoms) for g in geoms]
        assert rows == sorted(rows)
        assert rows[0] == 0  # grid 001 sits in the northernmost row
        for a, b, ra, rb in zip(geoms, geoms[1:], rows, rows[1:], strict=False):
            if ra == rb:
                assert a.centroid.x < b.centroid.x
        seqs = [int(k.code[-3:]) for k in kids]
        assert seqs == list(range(1, len(kids) + 1))


def test_reading_order_sorts_a_known_grid() -> None:
    # given four unit squares laid out 2×2, listed in scrambled order
    sq = [Polygon([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]) for x, y in [(1, 0), (0, 1), (0, 0), (1, 1)]]
    # when / then: north-west, north-east, south-west, south-east
    assert reading_order(sq) == [1, 3, 2, 0]


def test_named_communities_keep_their_names_and_synthetic_ones_are_labelled(weidong: list[Node]) -> None:
    names = {n.name: n for n in weidong}
    for name in ("优越路街道", "东高皇街道", "五一一路街道", "蒲城街道", "东安路街道", "东环路街道"):
        assert names[name].kind == "street" and not names[name].is_synthetic
    for name in ("华西社区", "地质社区", "高皇村", "五一一路社区", "门楼张村"):
        assert names[name].kind == "community" and not names[name].is_synthetic
    assert names["华西社区"].code == "410403001001"
    for n in weidong:
        assert n.is_synthetic == n.name.endswith(SYNTHETIC_SUFFIX), n.name
    assert all(g.is_synthetic for g in _kind(weidong, "grid"))


def test_the_plan_is_deterministic() -> None:
    a = plan_district(synthetic_outline(ZHANHE.code), ZHANHE, segments=SEGMENTS)
    b = plan_district(synthetic_outline(ZHANHE.code), ZHANHE, segments=SEGMENTS)
    assert [(n.code, n.name, n.geometry.wkb) for n in a] == [(n.code, n.name, n.geometry.wkb) for n in b]
    assert len(_kind(a, "grid")) == ZHANHE.grid_count


def test_the_synthetic_outlines_touch_but_do_not_overlap() -> None:
    weidong, zhanhe = synthetic_outline(WEIDONG.code), synthetic_outline(ZHANHE.code)
    assert weidong.intersection(zhanhe).area == 0
    assert weidong.touches(zhanhe)
    assert weidong.contains(shapely.Point(113.3103, 33.7393))
    assert zhanhe.contains(shapely.Point(113.3209, 33.7257))


def test_partition_of_a_concave_region_gives_single_valid_pieces() -> None:
    # given two long bars joined at their west end: Voronoi cells of one bar reach across the gap
    # into the other, so clipped cells fall apart into pieces
    bars = Polygon([(0, 0), (10, 0), (10, 1), (0.5, 1), (0.5, 1.1), (10, 1.1), (10, 2.1), (0, 2.1)])
    # when
    cells = partition(bars, 6, np.random.default_rng(0))
    # then every cell is one valid polygon and together they tile the region exactly
    assert len(cells) == 6
    assert all(c.geom_type == "Polygon" and c.is_valid and c.area > 0 for c in cells)
    assert abs(sum(c.area for c in cells) - bars.area) < 1e-9
    assert shapely.coverage_is_valid(shapely.GeometryCollection(cells))


def test_an_island_with_no_neighbour_stays_with_its_cell() -> None:
    # given a region of two separate squares cut into two cells
    island = Polygon([(5, 5), (6, 5), (6, 6), (5, 6)])
    region = shapely.MultiPolygon([Polygon([(0, 0), (2, 0), (2, 1), (0, 1)]), island])
    # when
    cells = partition(region, 2, np.random.default_rng(3))
    # then nothing is lost and the island belongs to exactly one cell
    assert abs(sum(c.area for c in cells) - region.area) < 1e-9
    assert sum(c.contains(island.centroid) for c in cells) == 1


def test_partition_refuses_zero_cells() -> None:
    with pytest.raises(ValueError):
        partition(Polygon([(0, 0), (1, 0), (1, 1)]), 0, np.random.default_rng(1))


def test_split_evenly_and_chinese_numbers() -> None:
    assert split_evenly(563, 80) == [8, 8, 8] + [7] * 77
    assert sum(split_evenly(200, 40)) == 200
    assert [chinese_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]
