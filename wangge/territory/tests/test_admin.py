"""The territory admin: tree view, audited changes, and the territory rules on add, edit and move."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.tests.factories import S, W, box_geometry, collection, district_features, located_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> Territory:
    territory_import_geojson(actor=SYSTEM, data=collection(*district_features()), crs="wgs84")
    return Territory.objects.get(code="410403")


def _form(node: Territory | None, parent: Territory | None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": node.code if node else "",
        "name": node.name if node else "",
        "kind": node.kind if node else "",
        "geometry": json.dumps(node.geometry) if node and node.geometry else "",
        "attributes": "{}",
        "treebeard_position": "sorted-child",
        "treebeard_ref_node": parent.pk if parent else "",
    }
    data.update(changes)
    return data


def test_the_tree_list_and_search_render(admin_client: Client, district: Territory) -> None:
    assert admin_client.get("/admin/territory/territory/").status_code == 200
    response = admin_client.get("/admin/territory/territory/", {"q": "建设路"})
    assert response.status_code == 200 and "建设路第1网格" in response.content.decode()
    assert admin_client.get("/admin/territory/territory/", {"kind__exact": "grid"}).status_code == 200


def test_renaming_a_node_is_audited_with_before_and_after(admin_client: Client, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    parent = Territory.objects.get(code="410403001001")
    response = admin_client.post(f"/admin/territory/territory/{grid.pk}/change/", _form(grid, parent, name="新名"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Territory.objects.get(pk=grid.pk).name == "新名"
    entry = AuditEntry.objects.get(action="admin.change", object_id=str(grid.pk))
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "建设路第1网格"
    assert entry.after["name"] == "新名"


def test_adding_a_grid_computes_area_and_is_located(admin_client: Client, district: Territory) -> None:
    community = Territory.objects.get(code="410403001002")
    geometry = box_geometry(W, S + 0.05, W + 0.05, S + 0.10)
    data = _form(None, community, code="410403001002001", name="五一路第1网格", kind="grid")
    data["geometry"] = json.dumps(geometry)
    response = admin_client.post("/admin/territory/territory/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    grid = Territory.objects.get(code="410403001002001")
    assert Territory.objects.get_parent(grid) == community
    assert grid.area_m2 and grid.area_m2 > 20e6 and grid.centroid_lng is not None
    assert AuditEntry.objects.filter(action="admin.add", object_id=str(grid.pk)).exists()
    assert located_code(W + 0.01, S + 0.07) == "410403001002001"


def test_an_invalid_outline_is_refused_and_nothing_changes(admin_client: Client, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    parent = Territory.objects.get(code="410403001001")
    bowtie = {"type": "Polygon", "coordinates": [[[W, S], [W + 0.1, S + 0.1], [W + 0.1, S], [W, S + 0.1], [W, S]]]}
    response = admin_client.post(
        f"/admin/territory/territory/{grid.pk}/change/", _form(grid, parent, geometry=json.dumps(bowtie))
    )
    assert response.status_code == 200 and "自相交" in response.content.decode()
    assert Territory.objects.get(pk=grid.pk).geometry == grid.geometry
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()


def test_a_grid_cannot_be_placed_under_a_street(admin_client: Client, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    street = Territory.objects.get(code="410403001")
    response = admin_client.post(f"/admin/territory/territory/{grid.pk}/change/", _form(grid, street))
    assert response.status_code == 200 and "不能直接隶属于" in response.content.decode()
    assert Territory.objects.get_parent(Territory.objects.get(pk=grid.pk)).code == "410403001001"


def test_drag_and_drop_moves_are_checked_and_audited(admin_client: Client, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001002")
    street = Territory.objects.get(code="410403002")
    community = Territory.objects.get(code="410403001002")
    # A grid dropped onto a street is refused
    refused = admin_client.post(
        "/admin/territory/territory/move/", {"node": grid.pk, "target": street.pk, "relation": "child"}
    )
    assert refused.status_code == 400
    assert Territory.objects.get_parent(Territory.objects.get(pk=grid.pk)).code == "410403001001"
    # A grid dropped onto another community of the same street is refused too (its code names its community)
    refused = admin_client.post(
        "/admin/territory/territory/move/", {"node": grid.pk, "target": community.pk, "relation": "child"}
    )
    assert refused.status_code == 400
    # Reordering among its siblings is allowed and audited
    sibling = Territory.objects.get(code="410403001001001")
    moved = admin_client.post(
        "/admin/territory/territory/move/", {"node": grid.pk, "target": sibling.pk, "relation": "sibling"}
    )
    assert moved.status_code == 200
    assert AuditEntry.objects.filter(action="admin.move", object_id=str(grid.pk)).exists()
