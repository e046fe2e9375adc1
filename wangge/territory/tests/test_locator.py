"""Point lookup: deepest node, 属地兜底 fallback, datums, vectorised lookups, cache invalidation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from wangge.core import geo
from wangge.core.actors import SYSTEM
from wangge.territory import locator
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.tests.factories import S, W, box_geometry, collection, district_features, feature, located_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> None:
    territory_import_geojson(actor=SYSTEM, data=collection(*district_features()), crs="wgs84")


def test_a_point_in_a_grid_locates_to_the_grid(district: None) -> None:
    node = locator.locate(W + 0.01, S + 0.01)
    assert node is not None and node.code == "410403001001001" and node.kind == "grid"
    assert located_code(W + 0.04, S + 0.01) == "410403001001002"


def test_without_a_grid_the_point_falls_back_to_the_community_street_or_district(district: None) -> None:
    # Community 001002 has no grid; street 002 has no community
    assert located_code(W + 0.01, S + 0.07) == "410403001002"
    assert located_code(W + 0.07, S + 0.07) == "410403002"


def test_a_point_outside_every_polygon_locates_to_nothing(district: None) -> None:
    assert locator.locate(116.40, 39.90) is None
    assert locator.locate_id(W - 0.01, S) is None


def test_buildings_are_deeper_than_grids(district: None) -> None:
    # Given a building inside grid 001
    territory_import_geojson(
        actor=SYSTEM,
        data=collection(
            feature("410403001001001001", "building", box_geometry(W + 0.001, S + 0.001, W + 0.002, S + 0.002))
        ),
        crs="wgs84",
    )
    # When a point inside it is located, then the building answers, and its grid is the grid
    node = locator.locate(W + 0.0015, S + 0.0015)
    assert node is not None and node.kind == "building"
    grid = locator.grid_of(node)
    assert grid is not None and grid.code == "410403001001001"
    # And next to the building the grid answers
    assert located_code(W + 0.003, S + 0.003) == "410403001001001"


def test_grid_of_is_the_grid_at_or_above(district: None) -> None:
    grid = Territory.objects.get(code="410403001001001")
    assert locator.grid_of(grid) == grid
    assert locator.grid_of(Territory.objects.get(code="410403001001")) is None
    assert locator.grid_of(None) is None


def test_datum_is_converted_before_lookup(district: None) -> None:
    # Given a WGS-84 point 50 m west of the border between grids 001 and 002 (lng W + 0.025)
    wgs = (W + 0.0245, S + 0.02)
    gcj = geo.wgs84_to_gcj02(*wgs)
    bd = geo.wgs84_to_bd09(*wgs)
    # When it is given in GCJ-02 or BD-09 with its datum, then it is found in grid 001
    assert located_code(*gcj, crs="gcj02") == "410403001001001"
    assert located_code(*bd, crs="bd09") == "410403001001001"
    # And read as WGS-84 by mistake it would land in the wrong grid (hundreds of metres east)
    assert located_code(*gcj) == "410403001001002"
    assert locator.locate_many([gcj[0]], [gcj[1]], crs="gcj02") == [locator.locate_id(*wgs)]


def test_locate_returns_a_fresh_instance_without_a_query(
    district: None, django_assert_num_queries: Any, settings: Any
) -> None:
    settings.WANGGE_LOCATOR_RECHECK_SECONDS = 60  # within the recheck interval no stamp query is made
    locator.warm()
    with django_assert_num_queries(0):
        first = locator.locate(W + 0.01, S + 0.01)
        second = locator.locate(W + 0.01, S + 0.01)
    assert first is not None and second is not None and first is not second
    assert first.pk == Territory.objects.get(code="410403001001001").pk
    assert first.name == "建设路第1网格" and first.area_m2 and first.path
    # The outline is loaded on demand
    assert first.geometry["type"] == "Polygon"


def test_locate_many_agrees_with_single_lookups(district: None) -> None:
    rng = np.random.default_rng(3)
    lngs = rng.uniform(W - 0.02, W + 0.12, 3000)
    lats = rng.uniform(S - 0.02, S + 0.12, 3000)
    many = locator.locate_many(lngs, lats)
    assert many == [locator.locate_id(x, y) for x, y in zip(lngs.tolist(), lats.tolist(), strict=True)]
    # All depths occur: grids, the fallback community and street, and outside
    codes = dict(Territory.objects.values_list("id", "code"))
    found = {codes[i] if i is not None else None for i in many}
    assert {"410403001001001", "410403001001002", "410403001002", "410403002", None} <= found


def test_points_on_a_shared_border_locate_deterministically(district: None) -> None:
    lng, lat = W + 0.025, S + 0.02  # exactly on the border between grids 001 and 002
    ids = locator.locate_many([lng] * 3, [lat] * 3)
    assert ids[0] is not None and len(set(ids)) == 1 and ids[0] == locator.locate_id(lng, lat)


def test_locate_many_of_nothing_is_empty(district: None) -> None:
    assert locator.locate_many([], []) == []


def test_an_import_is_seen_by_the_next_lookup(district: None) -> None:
    # Given the index built while community 001002 has no grid
    assert located_code(W + 0.01, S + 0.07) == "410403001002"
    # When a grid is imported there
    territory_import_geojson(
        actor=SYSTEM,
        data=collection(feature("410403001002001", "grid", box_geometry(W, S + 0.05, W + 0.05, S + 0.10))),
        crs="wgs84",
    )
    # Then the next lookup finds it
    assert located_code(W + 0.01, S + 0.07) == "410403001002001"


def _shrink_grid_behind_the_locators_back() -> None:
    """A write from another process: no signal reaches this one, only the database changes."""
    Territory.objects.filter(code="410403001001001").update(
        geometry=box_geometry(W, S, W + 0.025, S + 0.025),
        updated_at=timezone.now() + dt.timedelta(seconds=1),
    )


def test_a_change_made_elsewhere_is_seen_through_the_database_stamp(district: None, settings: Any) -> None:
    # Given a warm index, rechecked on every lookup
    settings.WANGGE_LOCATOR_RECHECK_SECONDS = 0
    assert located_code(W + 0.01, S + 0.04) == "410403001001001"
    # When another process shrinks grid 001 to its southern half
    _shrink_grid_behind_the_locators_back()
    # Then the released half falls back to the community
    assert located_code(W + 0.01, S + 0.04) == "410403001001"


def test_within_the_recheck_interval_the_index_is_reused(district: None, settings: Any) -> None:
    # Given a warm index and a long recheck interval
    settings.WANGGE_LOCATOR_RECHECK_SECONDS = 3600
    assert located_code(W + 0.01, S + 0.04) == "410403001001001"
    # When another process changes a grid, the cached answer stands until the interval passes…
    _shrink_grid_behind_the_locators_back()
    assert located_code(W + 0.01, S + 0.04) == "410403001001001"
    # …or until invalidate() is called
    locator.invalidate()
    assert located_code(W + 0.01, S + 0.04) == "410403001001"


def test_invalidate_is_shared_through_the_cache(district: None, settings: Any) -> None:
    from django.core.cache import cache

    # Given a warm index, rechecked on every lookup, that nothing has changed since
    settings.WANGGE_LOCATOR_RECHECK_SECONDS = 0
    locator.warm()
    index = locator.index_cache.peek()
    locator.locate(W, S)
    assert locator.index_cache.peek() is index
    # When another process calls invalidate() (it bumps the version in the shared cache)
    cache.set(locator.CACHE_KEY, (cache.get(locator.CACHE_KEY) or 0) + 1000)
    # Then this process rebuilds at its next check
    locator.locate(W, S)
    assert locator.index_cache.peek() is not index
