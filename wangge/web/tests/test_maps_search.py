"""地图搜索 (places, grids, points, ledger rows, cases in the user's territories) and the name of a picked
position (district, street, community, grid) instead of its coordinates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from wangge.core.geo import wgs84_to_gcj02
from wangge.ledgers.tests.factories import BuildingFactory, EstateFactory, MerchantFactory
from wangge.places.models import Point, PointType
from wangge.web.tests.conftest import new_case
from wangge.web.views.map import SEARCH_LIMIT, SEARCH_PER_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_basemap(settings: Any) -> None:
    cache.clear()
    settings.WANGGE_MAP_BASEMAP = ""
    settings.WANGGE_MAP_TIANDITU_KEY = ""
    settings.WANGGE_MAP_MBTILES = ""
    settings.WANGGE_MAP_TILE_URL = ""
    settings.WANGGE_MAP_TILE_CRS = "wgs84"


def search(client: Client, q: str) -> list[dict[str, Any]]:
    response = client.get(reverse("web:map_search"), {"q": q})
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def names(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["type"], r["name"]) for r in results]


def river(world: Any, code: str = "P001", name: str = "金鹰河", grid: Any = None, **kw: Any) -> Point:
    kind, _ = PointType.objects.get_or_create(key="river", defaults={"name": "河道", "is_hazard": True})
    grid = grid or world.grid1
    fields = {"lng": 113.02, "lat": 33.02, "responsible_name": "张河长", "responsible_phone": "13900001111", **kw}
    return Point.objects.create(code=code, name=name, type=kind, territory=grid, grid=grid, **fields)


def test_a_grid_is_found_by_name_and_flies_to_its_outline(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    results = search(client, "一网格")

    assert names(results) == [("grid", "一网格")]
    found = results[0]
    assert found["bounds"] == [113.0, 33.0, 113.05, 33.05] and found["point"] is None
    assert found["outline"] == world.grid1.pk and found["detail"] == f"测试社区 · {world.grid1.code}"


def test_a_grid_is_found_by_its_code(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    assert names(search(client, world.grid2.code)) == [("grid", "二网格")]
    # A code's tail (the number written on the map) finds the grid too.
    assert ("grid", "二网格") in names(search(client, "002"))


def test_the_exact_name_comes_before_what_only_contains_it(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    results = search(client, "测试社区")

    assert results[0]["name"] == "测试社区"


def test_a_point_is_found_by_name_code_or_address_and_flies_to_its_position(client: Client, world: Any) -> None:
    river(world, address="建设路18号")
    client.force_login(world.dispatcher)

    for q in ("金鹰", "P001", "建设路"):
        results = search(client, q)
        assert names(results) == [("point", "金鹰河")], q
        assert results[0]["point"] == [113.02, 33.02] and results[0]["type_label"] == "河道"


def test_ledger_rows_are_found_by_address(client: Client, world: Any) -> None:
    EstateFactory.create(community=world.community, name="锦绣花园", address="中兴路1号")
    BuildingFactory.create(grid=world.grid1, name="3号楼", address="中兴路1号3栋", lng=113.01, lat=33.01)
    MerchantFactory.create(grid=world.grid2, name="老张面馆", address="中兴路9号")
    client.force_login(world.dispatcher)

    results = {r["type"]: r for r in search(client, "中兴路")}

    assert set(results) == {"estate", "building", "merchant"}
    assert results["building"]["point"] == [113.01, 33.01] and results["building"]["url"]
    # Without coordinates a merchant is shown by its grid, an estate by its community.
    assert results["merchant"]["point"] is None and results["merchant"]["bounds"] == [113.05, 33.0, 113.1, 33.05]
    assert results["estate"]["bounds"] == [113.0, 33.0, 113.1, 33.1]


def test_a_case_is_found_by_its_tracking_code_typed_loosely(client: Client, world: Any) -> None:
    wo = new_case(world, lng=113.01, lat=33.01)
    client.force_login(world.dispatcher)
    typed = " ".join([wo.tracking_code[:4].lower(), wo.tracking_code[4:10]])

    results = search(client, typed)

    assert names(results) == [("case", wo.tracking_code)]
    assert results[0]["point"] == [113.01, 33.01]
    assert results[0]["url"] == reverse("web:case_detail", args=[wo.pk])


def test_a_short_code_does_not_list_cases(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    assert [r for r in search(client, wo.tracking_code[:4]) if r["type"] == "case"] == []


@pytest.mark.parametrize("who", ["worker", "other_worker", "stranger"])
def test_search_is_scoped_to_the_users_territories(client: Client, world: Any, who: str) -> None:
    river(world)
    river(world, code="P002", name="金鹰湖", grid=world.grid2, lng=113.07)
    wo = new_case(world, lng=113.01, lat=33.01)
    client.force_login(getattr(world, who))

    found = {r["name"] for r in search(client, "金鹰") + search(client, "网格") + search(client, wo.tracking_code)}

    expected = {
        "worker": {"金鹰河", "一网格", wo.tracking_code},
        "other_worker": {"金鹰湖", "二网格"},
        "stranger": set(),
    }[who]
    assert found == expected


def test_results_are_limited_and_say_so(client: Client, world: Any) -> None:
    for i in range(SEARCH_PER_KIND + 3):
        river(world, code=f"R{i:03d}", name=f"排水口{i}")
    client.force_login(world.dispatcher)

    data = client.get(reverse("web:map_search"), {"q": "排水口"}).json()

    assert len(data["results"]) == SEARCH_PER_KIND <= SEARCH_LIMIT and data["truncated"] is True


def test_an_empty_query_finds_nothing_and_a_long_one_is_cut(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    assert client.get(reverse("web:map_search"), {"q": "   "}).json() == {
        "query": "",
        "results": [],
        "truncated": False,
    }
    assert len(client.get(reverse("web:map_search"), {"q": "网" * 80}).json()["query"]) == 50


def test_search_needs_a_login(client: Client, world: Any) -> None:
    response = client.get(reverse("web:map_search"), {"q": "网格"})

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_search_positions_are_in_the_tiles_datum(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_MAP_TILE_URL = "https://tiles.intra.example/{z}/{x}/{y}.png"
    settings.WANGGE_MAP_TILE_CRS = "gcj02"
    river(world)
    client.force_login(world.dispatcher)

    point = search(client, "金鹰河")[0]["point"]
    bounds = search(client, "一网格")[0]["bounds"]

    assert point == pytest.approx(list(wgs84_to_gcj02(113.02, 33.02)), abs=1e-6)
    assert bounds[:2] == pytest.approx(list(wgs84_to_gcj02(113.0, 33.0)), abs=1e-6)


def test_the_map_page_has_the_search_box(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map")).content.decode()

    assert f'data-url="{reverse("web:map_search")}"' in body and 'data-search="map-search"' in body


# -- The name of a picked position -----------------------------------------------------------------------------


def test_a_position_is_named_by_its_district_street_community_and_grid(client: Client, world: Any) -> None:
    data = client.get(reverse("web:map_place"), {"lng": "113.01", "lat": "33.01"}).json()

    assert data == {
        "inside": True,
        "names": ["卫东区", "测试街道", "测试社区", "一网格"],
        "label": "卫东区 测试街道 测试社区 一网格",
    }


def test_a_position_picked_on_gcj02_tiles_is_named_where_it_really_is(client: Client, world: Any) -> None:
    # Near grid 1's east edge in WGS-84; its GCJ-02 coordinates (~600 m east), taken as WGS-84, lie in grid 2.
    lng, lat = wgs84_to_gcj02(113.049, 33.02)

    where = {"lng": f"{lng:.7f}", "lat": f"{lat:.7f}"}
    as_gcj02 = client.get(reverse("web:map_place"), {**where, "crs": "gcj02"}).json()
    as_wgs84 = client.get(reverse("web:map_place"), {**where, "crs": "wgs84"}).json()

    assert (as_gcj02["names"][-1], as_wgs84["names"][-1]) == ("一网格", "二网格")


def test_a_position_outside_every_district_says_so(client: Client, world: Any) -> None:
    data = client.get(reverse("web:map_place"), {"lng": "116.4", "lat": "39.9"}).json()

    assert data == {"inside": False, "names": [], "label": ""}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lng": "x", "lat": "33"},
        {"lng": "113", "lat": "95"},
        {"lng": "nan", "lat": "33"},
        {"lng": "113", "lat": "33", "crs": "utm"},
    ],
)
def test_a_malformed_position_is_refused(client: Client, world: Any, query: dict[str, str]) -> None:
    assert client.get(reverse("web:map_place"), query).status_code == 400


def test_the_citizen_picker_asks_for_names_and_explains_the_service_area(client: Client, world: Any) -> None:
    body = client.get(reverse("web:appeal")).content.decode()

    assert f'data-place="{reverse("web:map_place")}"' in body
    assert "%(area)s" in body and "12345" in body


def test_the_verifiers_position_is_named_on_the_case_page(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()

    assert f'data-place="{reverse("web:map_place")}"' in body and "/static/web/position.js" in body
