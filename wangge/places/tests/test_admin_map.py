"""Points placed by a click on the admin form's map: the coordinates come in the tiles' datum with its name,
are stored in WGS-84, and the grid is found on save as for typed coordinates."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from wangge.accounts.tests.factories import Tree, UserFactory, territory_tree
from wangge.core import geo
from wangge.core.actors import SYSTEM
from wangge.places import services
from wangge.places.models import Point, PointType

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> Tree:
    services.point_types_seed()
    return territory_tree()


@pytest.fixture
def root_client() -> Client:
    client = Client()
    client.force_login(UserFactory.create(username="root", is_superuser=True, is_staff=True))
    return client


def _form(lng: float, lat: float, crs: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "P1",
        "name": "桥",
        "type": PointType.objects.get(key="bridge").pk,
        "lng": lng,
        "lat": lat,
        "crs": crs,
        "responsible_name": "甲",
        "attributes": "{}",
    }
    data.update(changes)
    return data


def test_the_point_form_has_the_map_to_click(tree: Tree, root_client: Client) -> None:
    body = root_client.get("/admin/places/point/add/").content.decode()

    assert 'data-map="pick"' in body and 'name="crs"' in body
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer>' in body
    assert '<script src="/static/web/maps.js" defer>' in body


@override_settings(WANGGE_MAP_TILE_CRS="gcj02", WANGGE_MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")
def test_a_point_clicked_on_gcj02_tiles_is_stored_in_wgs84_in_its_grid(tree: Tree, root_client: Client) -> None:
    clicked = geo.from_wgs84(113.225, 33.75, "gcj02")

    response = root_client.post("/admin/places/point/add/", _form(*clicked, crs="gcj02"))

    assert response.status_code == 302, response.content.decode()[:2000]
    point = Point.objects.get(code="P1")
    assert (point.lng, point.lat) == pytest.approx((113.225, 33.75), abs=1e-5)
    assert point.grid_id == tree.grid_a1.pk


@override_settings(WANGGE_MAP_TILE_CRS="gcj02", WANGGE_MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")
def test_moving_a_point_on_the_map_relocates_it_and_the_map_starts_where_it_lies(
    tree: Tree, root_client: Client
) -> None:
    point = services.point_create(
        actor=SYSTEM, code="P1", name="桥", type="bridge", lng=113.225, lat=33.75, responsible_name="甲"
    )
    shown = root_client.get(f"/admin/places/point/{point.pk}/change/").content.decode()
    x, y = geo.from_wgs84(113.225, 33.75, "gcj02")
    assert f'data-start="{round(x, 6)},{round(y, 6)}"' in shown

    clicked = geo.from_wgs84(113.325, 33.75, "gcj02")
    response = root_client.post(f"/admin/places/point/{point.pk}/change/", _form(*clicked, crs="gcj02"))

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.lng == pytest.approx(113.325, abs=1e-5) and point.grid_id == tree.grid_b1.pk


def test_typed_coordinates_stay_wgs84(tree: Tree, root_client: Client) -> None:
    response = root_client.post("/admin/places/point/add/", _form(113.225, 33.75, crs=""))

    assert response.status_code == 302
    assert Point.objects.get(code="P1").lng == 113.225
