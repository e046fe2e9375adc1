"""Registry imports in the browser: a checked dry run first (counts, or the row report with a workbook to
download), then the import all or nothing; only for the roles that keep the registries, within their scope."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.models import AuditEntry
from wangge.places.models import Point
from wangge.places.services import point_types_seed
from wangge.territory.models import Territory
from wangge.workorders.tests.conftest import square

pytestmark = pytest.mark.django_db

HEADER = ["编码", "名称", "类型", "经度", "纬度", "责任人"]


def staff(world: Any, role: str = Role.STREET_STAFF, node: Any = None) -> User:
    user = User.objects.create_user(username=f"keeper-{role}", password="x-Passw0rd-long", display_name="台账员")
    RoleGrant.objects.create(user=user, role=role, territory=node or world.street)
    return user


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, kind: str, data: bytes, name: str = "points.xlsx", **fields: Any) -> Any:
    return client.post(
        reverse("web:registry_import", args=[kind]),
        {"step": "check", "crs": "wgs84", "file": SimpleUploadedFile(name, data), **fields},
    )


def confirm(client: Client, kind: str, token: str) -> Any:
    return client.post(reverse("web:registry_import", args=[kind]), {"step": "confirm", "token": token})


GOOD: list[list[Any]] = [
    ["P1", "东门门店", "门店", 113.01, 33.01, "张三"],
    ["P2", "西门门店", "门店", 113.06, 33.01, "李四"],
]


def test_points_are_checked_without_writing_then_imported_on_confirmation(client: Client, world: Any) -> None:
    point_types_seed()
    client.force_login(staff(world))
    audits = AuditEntry.objects.count()

    checked = upload(client, "points", xlsx(GOOD))

    assert checked.status_code == 200
    assert (checked.context["preview"].created, checked.context["preview"].updated) == (2, 0)
    assert Point.objects.count() == 0 and AuditEntry.objects.count() == audits  # the dry run left no trace

    done = confirm(client, "points", checked.context["pending_token"])

    assert done.status_code == 302 and done["Location"] == reverse("web:registry", args=["points"])
    assert dict(Point.objects.values_list("code", "grid__code")) == {"P1": world.grid1.code, "P2": world.grid2.code}
    assert AuditEntry.objects.filter(action="places.point_create").count() == 2
    # The confirmed file is gone: a second confirmation imports nothing more.
    again = confirm(client, "points", checked.context["pending_token"])
    assert again.status_code == 400 and again.context["stale"]


def test_a_csv_and_a_geojson_file_are_imported_the_same_way(client: Client, world: Any) -> None:
    point_types_seed()
    client.force_login(staff(world))
    csv_data = ("\n".join(",".join(str(v) for v in row) for row in [HEADER, *GOOD]) + "\n").encode("gb18030")
    features = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "P3", "name": "北门", "type": "门店", "responsible_name": "王五"},
                "geometry": {"type": "Point", "coordinates": [113.02, 33.02]},
            }
        ],
    }

    by_csv = upload(client, "points", csv_data, name="points.csv")
    by_geojson = upload(client, "points", json.dumps(features).encode(), name="points.geojson")
    confirm(client, "points", by_csv.context["pending_token"])
    confirm(client, "points", by_geojson.context["pending_token"])

    assert sorted(Point.objects.values_list("code", flat=True)) == ["P1", "P2", "P3"]


def test_a_refused_file_shows_every_problem_by_row_and_column_and_writes_nothing(client: Client, world: Any) -> None:
    point_types_seed()
    client.force_login(staff(world))
    rows = [GOOD[0], ["P2", "", "门店", 113.06, 33.01, "李四"], ["P3", "远处", "门店", 114.05, 33.05, "王五"]]

    response = upload(client, "points", xlsx(rows))

    assert response.status_code == 400
    assert [(d["row"], d["column"]) for d in response.context["report"]] == [(3, "名称"), (4, "经纬度")]
    assert Point.objects.count() == 0
    report = client.get(reverse("web:registry_import_report", args=["points", response.context["report_token"]]))
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert [c.value for c in sheet[1]][-1].startswith("错误说明") and "名称" in sheet.cell(3, 7).value
    # Another session never gets the report.
    other = Client()
    other.force_login(staff(world, Role.ADMIN, world.district))
    assert other.get(report.request["PATH_INFO"]).status_code == 404


def _grid(code: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, "name": "三网格", "kind": "grid"}, "geometry": geometry}


def _collection(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_a_territory_file_is_imported_under_a_node_of_the_users_scope(client: Client, world: Any) -> None:
    client.force_login(staff(world))
    data = _collection(_grid("410403001001003", square(113.0, 33.05, 0.05)))

    checked = upload(client, "territories", data, name="grids.geojson", parent=world.community.pk)
    assert checked.status_code == 200 and checked.context["preview"].created == 1
    assert not Territory.objects.filter(code="410403001001003").exists()
    confirm(client, "territories", checked.context["pending_token"])

    node = Territory.objects.get(code="410403001001003")
    assert Territory.objects.get_parent(node) == world.community


def test_a_territory_over_its_sibling_is_refused_by_feature_in_chinese(client: Client, world: Any) -> None:
    client.force_login(staff(world))
    data = _collection(_grid("410403001001003", square(113.0, 33.0, 0.05)))  # exactly over grid 1

    response = upload(client, "territories", data, name="grids.geojson", parent=world.community.pk)

    assert response.status_code == 400
    (row,) = response.context["report"]
    assert (row["row"], row["column"]) == (1, "410403001001003")
    assert "重叠" in row["reason"] and "overlap" not in row["reason"]
    assert not Territory.objects.filter(code="410403001001003").exists()


def test_a_node_outside_the_users_scope_cannot_be_chosen_as_parent(client: Client, world: Any) -> None:
    client.force_login(staff(world))
    data = _collection(_grid("410411001001001", square(114.0, 33.0, 0.01)))

    response = upload(client, "territories", data, name="grids.geojson", parent=world.other_district.pk)
    missing = upload(client, "territories", data, name="grids.geojson")

    assert response.status_code == 400 and "parent" in response.context["form"].errors
    assert missing.status_code == 400 and "parent" in missing.context["form"].errors


def test_a_point_outside_the_users_street_is_refused(client: Client, world: Any) -> None:
    point_types_seed()
    client.force_login(staff(world, Role.COMMUNITY_STAFF, world.community))

    response = upload(client, "points", xlsx([["P9", "外区", "门店", 114.05, 33.05, "赵六"]]))

    assert response.status_code == 400 and response.context["report"][0]["row"] == 2
    assert Point.objects.count() == 0


def test_a_file_that_is_not_accepted_is_refused_before_any_check(client: Client, world: Any) -> None:
    client.force_login(staff(world))

    response = upload(client, "territories", xlsx(GOOD), name="grids.geojson", parent=world.community.pk)

    assert response.status_code == 400 and "GeoJSON" in " ".join(response.context["form"].errors["file"])


@pytest.mark.parametrize("who", ["worker", "dispatcher", "leader", "handler"])
def test_roles_that_do_not_keep_the_registries_do_not_see_the_import(client: Client, world: Any, who: str) -> None:
    client.force_login(getattr(world, who))

    assert client.get(reverse("web:registry_import", args=["points"])).status_code == 404
    assert upload(client, "points", xlsx(GOOD)).status_code == 404


def test_a_token_from_another_session_is_not_imported(client: Client, world: Any) -> None:
    point_types_seed()
    client.force_login(staff(world))
    checked = upload(client, "points", xlsx(GOOD))
    other = Client()
    other.force_login(staff(world, Role.ADMIN, world.district))

    response = confirm(other, "points", checked.context["pending_token"])

    assert response.status_code == 400 and Point.objects.count() == 0


def test_the_template_lists_the_point_columns(client: Client, world: Any) -> None:
    client.force_login(staff(world))

    response = client.get(reverse("web:registry_import_template", args=["points"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:6] == [*HEADER[:5], "地址"]


def test_the_registry_links_to_the_import_and_to_the_outline_editor_within_scope(client: Client, world: Any) -> None:
    client.force_login(staff(world))

    body = client.get(reverse("web:registry", args=["territories"])).content.decode()

    assert reverse("web:registry_import", args=["territories"]) in body
    assert reverse("web:territory_outline", args=[world.grid1.pk]) in body


def test_the_registry_offers_no_import_nor_editor_to_a_role_that_only_views(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:registry", args=["territories"])).content.decode()

    assert world.grid1.code in body  # the dispatcher sees the grid …
    assert reverse("web:registry_import", args=["territories"]) not in body
    assert reverse("web:territory_outline", args=[world.grid1.pk]) not in body  # … but may not redraw it
