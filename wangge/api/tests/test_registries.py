"""Territories, units, staff, point types, points and categories through the API."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.models import User
from wangge.core import geo
from wangge.core.models import AuditEntry
from wangge.places.models import Point

# --- territory -----------------------------------------------------------------------------------


def test_territory_tree_by_parent_and_kind(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    children = client.get(f"/api/territories/?parent={world.community.pk}").json()["results"]
    grids = client.get("/api/territories/?kind=grid").json()["results"]
    roots = client.get("/api/territories/?depth=1").json()["results"]

    assert [t["code"] for t in children] == ["410403001001001", "410403001001002"]
    assert all(t["parent"] == world.community.pk and t["parent_code"] == "410403001001" for t in children)
    assert [t["code"] for t in grids] == ["410403001001001", "410403001001002"]
    assert [t["code"] for t in roots] == ["410403"]  # the other district is out of scope
    assert "geometry" not in children[0]  # the list stays light


def test_territory_scope_of_a_grid_worker(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.worker)

    listing = client.get("/api/territories/").json()["results"]

    assert [t["code"] for t in listing] == ["410403001001001"]
    assert client.get(f"/api/territories/{world.grid1.pk}/").status_code == 200
    assert client.get(f"/api/territories/{world.community.pk}/").status_code == 404
    assert client.get(f"/api/territories/{world.grid2.pk}/geojson/").status_code == 404
    # a parent outside the scope is an invalid choice, not an answer
    assert client.get(f"/api/territories/?parent={world.community.pk}").status_code == 400


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_territory_detail_geometry_in_the_asked_datum(world: SimpleNamespace, client_for: Any, crs: str) -> None:
    body = client_for(world.dispatcher).get(f"/api/territories/{world.grid1.pk}/?crs={crs}").json()

    first = body["geometry"]["coordinates"][0][0]
    expected = geo.from_wgs84(113.0, 33.0, crs)
    assert first == pytest.approx(list(expected), abs=1e-7)
    assert body["kind_label"] == "网格"


def test_territory_geojson_of_a_subtree(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    everything = client.get(f"/api/territories/{world.street.pk}/geojson/").json()
    grids = client.get(f"/api/territories/{world.street.pk}/geojson/?kinds=grid&crs=gcj02").json()

    assert everything["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in everything["features"]] == [
        "410403001",
        "410403001001",
        "410403001001001",
        "410403001001002",
    ]
    assert [f["properties"]["kind"] for f in grids["features"]] == ["grid", "grid"]
    assert grids["crs_name"] == "gcj02"
    assert client.get(f"/api/territories/{world.street.pk}/geojson/?crs=utm").status_code == 400


# --- accounts ------------------------------------------------------------------------------------


def test_units_list_and_filters(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    everything = client.get("/api/units/").json()["results"]
    departments = client.get("/api/units/?kind=department&ordering=-code").json()["results"]

    assert [u["code"] for u in everything] == ["cgj", "sthj", "zhzx"]
    assert [u["code"] for u in departments] == ["zhzx", "sthj", "cgj"][1:]
    assert client_for(world.stranger).get(f"/api/units/{world.dept.pk}/").status_code == 404


def test_staff_fields_are_limited(world: SimpleNamespace, client_for: Any) -> None:
    body = client_for(world.dispatcher).get(f"/api/staff/{world.worker.pk}/").json()

    assert set(body) == {"id", "username", "display_name", "unit", "roles", "mobile"}
    assert body["roles"] == [
        {"role": "grid_worker", "role_label": "网格员", "territory": "410403001001001", "unit": None}
    ]


@pytest.mark.parametrize(("who", "expected"), [("dispatcher", "13700001111"), ("leader", "137****1111")])
def test_staff_mobile_masked_unless_entitled(world: SimpleNamespace, client_for: Any, who: str, expected: str) -> None:
    # given the grid worker's mobile on record
    User.objects.filter(pk=world.worker.pk).update(mobile="13700001111")

    # when a dispatcher (may reveal) and a leader (may only view) ask for it, in the list and in the detail
    client = client_for(getattr(world, who))
    detail = client.get(f"/api/staff/{world.worker.pk}/?reveal=true").json()
    listed = client.get("/api/staff/?role=grid_worker&reveal=true").json()["results"]
    listed = [u for u in listed if u["id"] == world.worker.pk]

    # then only the entitled one sees it whole
    assert detail["mobile"] == expected
    assert listed[0]["mobile"] == expected


def test_staff_filters_and_scope(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    workers = client.get("/api/staff/?role=grid_worker").json()["results"]
    in_grid2 = client.get("/api/staff/?territory=410403001001002").json()["results"]

    assert [u["username"] for u in workers] == ["other_worker", "worker"]
    assert [u["username"] for u in in_grid2] == ["other_worker"]
    # the other district's dispatcher is not staff of this district
    assert client.get(f"/api/staff/{world.stranger.pk}/").status_code == 404


def test_me(world: SimpleNamespace, client_for: Any) -> None:
    body = client_for(world.handler).get("/api/me/").json()
    assert body["username"] == "handler"
    assert body["roles"] == [
        {"role": "dept_handler", "role_label": "部门办理人", "territory": None, "unit": world.dept.pk}
    ]


# --- points --------------------------------------------------------------------------------------


def test_point_types(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.worker)
    every = client.get("/api/point-types/").json()["results"]
    hazards = client.get("/api/point-types/?is_hazard=true").json()["results"]
    assert len(every) == 10 and len(hazards) == 6


def test_points_filters(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/points/?{query}")
        assert response.status_code == 200, response.content
        return [p["code"] for p in response.json()["results"]]

    assert codes("") == ["P001", "P002"]
    assert codes("type=river") == ["P002"]
    assert codes("type=river&type=waterlogging") == ["P001", "P002"]
    assert codes("grid=410403001001001") == ["P001"]
    assert codes("territory=410403001001") == ["P001", "P002"]
    assert codes(f"responsible_unit={world.dept.pk}") == ["P001"]
    assert codes("bbox=113.05,33.0,113.1,33.05") == ["P002"]
    assert codes("q=P00&ordering=-code") == ["P002", "P001"]
    assert client.get("/api/points/?bbox=1,2,3").status_code == 400
    assert client.get("/api/points/?bbox=114,33,113,34").status_code == 400


@pytest.mark.parametrize(("who", "phone"), [("worker", "13900001111"), ("handler", "139****1111")])
def test_point_phone_masked_unless_entitled(
    world: SimpleNamespace, places: SimpleNamespace, client_for: Any, who: str, phone: str
) -> None:
    body = client_for(getattr(world, who)).get(f"/api/points/{places.p1.pk}/?reveal=true").json()
    assert body["responsible_phone"] == phone


def test_point_create_in_gcj02_and_update(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    # given a community staff member over the whole community (may change points)
    from wangge.accounts.models import RoleGrant

    staff = User.objects.create_user(username="sq", password="x-Passw0rd-long", display_name="社区干部")
    RoleGrant.objects.create(user=staff, role="community_staff", territory=world.community)
    client = client_for(staff)
    lng, lat = geo.wgs84_to_gcj02(113.03, 33.03)

    # when they register a point with phone coordinates, then move it
    created = client.post(
        "/api/points/",
        {
            "code": "P100",
            "name": "地下车库入口",
            "type": "underground_parking",
            "lng": lng,
            "lat": lat,
            "crs": "gcj02",
            "responsible_name": "赵师傅",
            "responsible_phone": "13600001111",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["grid_code"] == "410403001001001"
    assert created.json()["lng"] == pytest.approx(113.03, abs=1e-6)
    moved = client.patch(f"/api/points/{created.json()['id']}/", {"lng": 113.08, "lat": 33.03}, format="json")

    # then the point follows into grid 2, and both writes are in the audit trail
    assert moved.status_code == 200, moved.content
    assert moved.json()["grid_code"] == "410403001001002"
    point = Point.objects.get(code="P100")
    actions = list(
        AuditEntry.objects.filter(object_id=str(point.pk), model="point")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["places.point_create", "places.point_update"]


def test_point_writes_outside_scope_change_nothing(
    world: SimpleNamespace, places: SimpleNamespace, client_for: Any
) -> None:
    # given a grid-1 worker (view only) and the grid-2 point
    client = client_for(world.worker)
    before = Point.objects.count()

    # when they create a point in grid 2 and edit the grid-2 point
    created = client.post(
        "/api/points/",
        {"code": "P200", "name": "x", "type": "river", "lng": 113.07, "lat": 33.02, "responsible_name": "钱"},
        format="json",
    )
    edited = client.patch(f"/api/points/{places.p2.pk}/", {"name": "改名"}, format="json")

    # then both are refused and nothing changed
    assert created.status_code == 400 and created.json()["code"] == "out_of_scope"
    assert edited.status_code == 404
    assert Point.objects.count() == before
    places.p2.refresh_from_db()
    assert places.p2.name == "点位P002"


def test_point_malformed_input(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)
    bad = client.post("/api/points/", {"code": "P9", "lng": 500, "type": "volcano", "crs": "mars"}, format="json")
    assert bad.status_code == 400
    assert {"lng", "type", "crs", "name", "lat", "responsible_name"} <= {d["field"] for d in bad.json()["details"]}
    half = client.patch(f"/api/points/{places.p1.pk}/", {"lng": 113.03}, format="json")
    assert half.status_code == 400 and half.json()["details"][0]["field"] == "lat"
    assert client.put(f"/api/points/{places.p1.pk}/", {}, format="json").status_code == 405


def test_points_geojson_layer(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    body = client_for(world.dispatcher).get("/api/points/geojson/?type=river&crs=bd09").json()
    assert [f["id"] for f in body["features"]] == ["P002"]
    expected = geo.from_wgs84(113.07, 33.02, "bd09")
    assert body["features"][0]["geometry"]["coordinates"] == pytest.approx(list(expected), abs=1e-6)
    # the map layer is masked like the list
    assert body["features"][0]["properties"]["responsible_phone"] == "139****1111"


def test_points_geojson_export_is_audited(world: SimpleNamespace, places: SimpleNamespace, client_for: Any) -> None:
    # when a dispatcher exports the river points as GeoJSON
    client_for(world.dispatcher).get("/api/points/geojson/?type=river&crs=bd09", REMOTE_ADDR="203.0.113.7")

    # then one entry names who, from where, what, the filters, the rows and the format
    entry = AuditEntry.objects.get(action="places.points_export")
    assert entry.actor == world.dispatcher and entry.ip == "203.0.113.7"
    assert entry.after == {
        "what": "places.point",
        "format": "geojson",
        "count": 1,
        "filters": {"type": "river", "crs": "bd09"},
        "revealed": False,
    }


# --- categories ----------------------------------------------------------------------------------


def test_categories_active_version_and_tree(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.worker)

    top = client.get("/api/categories/?top=true&page_size=100").json()
    tree = client.get("/api/categories/tree/").json()
    events = client.get("/api/categories/?parent=" + str(world.category.parent_id)).json()["results"]

    assert [c["code"] for c in top["results"]] == [node["code"] for node in tree]
    first = next(node for node in tree if node["code"] == "E01")
    assert [c["code"] for c in first["children"]] == [c["code"] for c in events]
    assert "E0101" in [c["code"] for c in events]
    assert all(c["version"] == 1 for c in events)
    assert client.get("/api/categories/?version=7").json()["count"] == 0
