"""Map data (scoped, datum of the tiles), the grid side panel, registry lists and their exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wangge.accounts.models import User
from wangge.core.geo import wgs84_to_gcj02
from wangge.core.models import AuditEntry
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory
from wangge.web.tests.conftest import act, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def make_point(world: Any, code: str = "P001", lng: float = 113.02, lat: float = 33.02) -> Point:
    kind, _ = PointType.objects.get_or_create(key="river", defaults={"name": "河道", "is_hazard": True})
    return Point.objects.create(
        code=code,
        name="金鹰河",
        type=kind,
        lng=lng,
        lat=lat,
        territory=world.grid1,
        grid=world.grid1,
        responsible_name="张河长",
        responsible_phone="13900001111",
    )


def test_map_page_loads_local_leaflet_only(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map")).content.decode()

    assert "/static/vendor/leaflet/leaflet.js" in body
    assert "http://" not in body.replace('xmlns="http://', "") and "https://" not in body


def test_case_markers_are_scoped(client: Client, world: Any) -> None:
    mine = new_case(world, lng=113.01, lat=33.01)
    other = new_case(world, lng=113.07, lat=33.01)
    client.force_login(world.worker)

    data = client.get(reverse("web:map_cases")).json()

    assert data["id"] == [mine.pk] and other.pk not in data["id"]
    assert (data["lng"], data["lat"], data["status"]) == ([113.01], [33.01], ["registered"])
    assert data["clock"] == ["overdue"]  # registered in June 2025: the dispatch step ran out long ago


def test_outlines_carry_codes_and_follow_scope(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    features = client.get(reverse("web:map_territories")).json()["features"]

    assert {f["properties"]["code"] for f in features} == {world.grid1.code}


def test_gcj02_tiles_shift_every_coordinate_for_display(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    settings.WANGGE_MAP_TILE_CRS = "gcj02"
    new_case(world, lng=113.01, lat=33.01)
    client.force_login(world.dispatcher)

    data = client.get(reverse("web:map_cases")).json()
    ring = client.get(reverse("web:map_territories"), {"kinds": "grid"}).json()["features"][0]["geometry"]

    x, y = wgs84_to_gcj02(113.01, 33.01)
    assert (data["lng"], data["lat"]) == ([round(x, 6)], [round(y, 6)])
    assert ring["coordinates"][0][0] != [113.0, 33.0]


def test_grid_panel_lists_staff_points_and_open_cases(client: Client, world: Any) -> None:
    point = make_point(world)
    wo = new_case(world, lng=113.01, lat=33.01)
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map_panel", args=[world.grid1.pk])).content.decode()

    assert "worker" in body and point.name in body and wo.tracking_code in body
    assert "<html" not in body


def test_grid_panel_of_another_grid_is_not_found_for_a_grid_worker(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    assert client.get(reverse("web:map_panel", args=[world.grid2.pk])).status_code == 404


def test_point_markers_name_the_responsible_person(client: Client, world: Any) -> None:
    make_point(world)
    client.force_login(world.worker)

    data = client.get(reverse("web:map_points")).json()

    assert (data["code"], data["type_name"], data["responsible"]) == (["P001"], ["河道"], ["张河长"])


@pytest.mark.parametrize("key", ["territories", "points", "units", "staff"])
def test_registry_pages_render(client: Client, world: Any, key: str) -> None:
    make_point(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:registry", args=[key]))

    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0


def test_registry_is_scoped(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    response = client.get(reverse("web:registry", args=["territories"]))

    assert {t.code for t in response.context["page"].object_list} == {world.grid1.code}


def test_registry_filter_narrows(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:registry", args=["territories"]), {"kind": "grid"})

    assert {t.code for t in response.context["page"].object_list} == {world.grid1.code, world.grid2.code}


def test_points_export_to_xlsx_masks_phones(client: Client, world: Any) -> None:
    make_point(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:registry", args=["points"]), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编码" and rows[1][0] == "P001"
    assert "139****1111" in rows[1] and "13900001111" not in rows[1]


def test_staff_export_to_csv_is_scoped(client: Client, world: Any) -> None:
    client.force_login(world.worker)

    response = client.get(reverse("web:registry", args=["staff"]), {"export": "csv"})

    text = response.content.decode("utf-8-sig")
    usernames = {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert usernames == set(User.objects.restrict(world.worker).values_list("username", flat=True))
    assert "stranger" not in usernames
    assert response["Content-Disposition"].startswith('attachment; filename="staff-')


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_registry_export_is_audited(client: Client, world: Any, fmt: str) -> None:
    # given two points, one of them a river
    make_point(world)
    make_point(world, "P002", 113.07, 33.02)
    client.force_login(world.dispatcher)

    # when the dispatcher exports the filtered point registry
    response = client.get(
        reverse("web:registry", args=["points"]), {"export": fmt, "q": "P001"}, REMOTE_ADDR="203.0.113.7"
    )

    # then one entry records who, from where, the registry, the filters, the rows and the format
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="registry.export")
    assert entry.actor == world.dispatcher and entry.ip == "203.0.113.7"
    assert entry.after == {"what": "points", "format": fmt, "count": 1, "filters": {"q": "P001"}, "revealed": False}


def test_registry_filters_speak_chinese_and_tick_boxes_narrow(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:registry", args=["territories"]), {"kind": ["grid", "community"]})

    body = response.content.decode()
    assert "descending" not in body and "编码（降序）" in body and "---------" not in body
    assert 'type="checkbox" name="kind" value="grid"' in body and '<select name="kind"' not in body
    assert {t.code for t in response.context["page"].object_list} == {
        world.community.code,
        world.grid1.code,
        world.grid2.code,
    }


def test_map_page_offers_three_ways_to_show_cases_and_colours_point_types(client: Client, world: Any) -> None:
    make_point(world)
    client.force_login(world.dispatcher)

    labels = client.get(reverse("web:map")).context["labels"]

    assert set(labels["modes"]) == {"cluster", "markers", "heat"}
    assert labels["point_types"] == [{"key": "river", "name": "河道"}]


def test_case_map_names_the_cases_grid_even_for_a_unit_handler(client: Client, world: Any) -> None:
    wo = act(world, new_case(world, lng=113.01, lat=33.01), "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.handler)
    assert client.get(reverse("web:map_territories"), {"kinds": "grid"}).json()["features"] == []

    outline = client.get(reverse("web:case_detail", args=[wo.pk])).context["grid_outline"]

    assert outline["properties"]["code"] == world.grid1.code and outline["geometry"]["type"] == "Polygon"


def test_grid_panel_gives_the_area_in_square_kilometres(client: Client, world: Any) -> None:
    Territory.objects.filter(pk=world.grid1.pk).update(area_m2=149_576)
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:map_panel", args=[world.grid1.pk])).content.decode()

    assert "0.15 平方公里" in body and "平方米" not in body
