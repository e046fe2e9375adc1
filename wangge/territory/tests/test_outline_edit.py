"""Re-drawing a territory's outline (the map editor): the import's rules, the editor's scope, an audit entry."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core import geo
from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.services import plain_reason, territory_outline_update
from wangge.territory.tests.factories import S, W, box_geometry, collection, district_features, located_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> Territory:
    territory_import_geojson(actor=SYSTEM, data=collection(*district_features()), crs="wgs84")
    return Territory.objects.get(code="410403")


def _staff(username: str, role: str, node: Territory) -> User:
    user = User.objects.create_user(username=username, password="x-Passw0rd-long", display_name=username)
    RoleGrant.objects.create(user=user, role=role, territory=node)
    return user


def _fingerprint(node: Territory) -> tuple[Any, ...]:
    node.refresh_from_db()
    return node.geometry, node.area_m2, node.centroid_lng, AuditEntry.objects.count()


# Grid 1 is the west half of community 001001 (W … W+0.025); grid 2 the east half.
SMALLER_GRID1 = box_geometry(W, S, W + 0.02, S + 0.05)


def test_a_street_admin_redraws_a_grid_inside_their_street(district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    editor = _staff("street", Role.STREET_STAFF, Territory.objects.get(code="410403001"))
    area_before = grid.area_m2

    node = territory_outline_update(actor=editor, territory=grid, geometry=SMALLER_GRID1)

    assert node.geometry == SMALLER_GRID1
    assert node.area_m2 is not None and area_before is not None and node.area_m2 < area_before
    entry = AuditEntry.objects.get(action="territory.outline_update", object_id=str(grid.pk))
    assert entry.actor == editor and "geometry" in (entry.after or {})
    # The locator follows the new outline at once: the strip given up now falls to the community.
    assert located_code(W + 0.0225, S + 0.01) == "410403001001"


def test_an_outline_drawn_on_gcj02_tiles_is_stored_in_wgs84(district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    drawn = geo.transform_geometry_from_wgs84(SMALLER_GRID1, "gcj02")

    node = territory_outline_update(actor=SYSTEM, territory=grid, geometry=drawn, crs="gcj02")

    west = min(x for x, _y in node.geometry["coordinates"][0])
    assert west == pytest.approx(W, abs=1e-5)


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        # Half of it outside the community (and the street).
        (box_geometry(W - 0.02, S, W + 0.02, S + 0.05), "超出上级"),
        # Over the whole of grid 2.
        (box_geometry(W, S, W + 0.05, S + 0.05), "与同级"),
        # A bow tie.
        (
            {"type": "Polygon", "coordinates": [[[W, S], [W + 0.02, S + 0.02], [W + 0.02, S], [W, S + 0.02], [W, S]]]},
            "自相交",
        ),
        ({"type": "Point", "coordinates": [W, S]}, "Polygon"),
        (box_geometry(200, S, 201, S + 0.05), "经纬度"),
    ],
)
def test_an_outline_the_import_would_refuse_changes_nothing(district: Territory, geometry: Any, words: str) -> None:
    grid = Territory.objects.get(code="410403001001001")
    before = _fingerprint(grid)

    with pytest.raises(ValidationFailed) as refused:
        territory_outline_update(actor=SYSTEM, territory=grid, geometry=geometry)

    assert words in refused.value.message
    assert "(" not in refused.value.details[0]["reason"].rstrip(")")[-3:]  # no English gloss at the end
    assert _fingerprint(grid) == before


def test_a_parent_cannot_shrink_away_from_its_children(district: Territory) -> None:
    community = Territory.objects.get(code="410403001001")
    before = _fingerprint(community)

    with pytest.raises(ValidationFailed) as refused:
        territory_outline_update(actor=SYSTEM, territory=community, geometry=box_geometry(W, S, W + 0.02, S + 0.05))

    assert "现有下级" in refused.value.message
    assert _fingerprint(community) == before


@pytest.mark.parametrize(("role", "error"), [(Role.GRID_WORKER, PermissionDenied), (None, NotFound)])
def test_outside_the_editors_change_scope_nothing_changes(district: Territory, role: Any, error: type) -> None:
    grid = Territory.objects.get(code="410403001001001")
    if role is None:  # a street admin of the other street does not even see grid 1
        editor = _staff("other", Role.STREET_STAFF, Territory.objects.get(code="410403002"))
    else:
        editor = _staff("worker", role, grid)
    before = _fingerprint(grid)

    with pytest.raises(error):
        territory_outline_update(actor=editor, territory=grid, geometry=SMALLER_GRID1)

    assert _fingerprint(grid) == before


def test_plain_reason_drops_the_english_gloss() -> None:
    assert plain_reason("多边形无效（如自相交）：Self-intersection[1 2] (invalid polygon)") == (
        "多边形无效（如自相交）：边线自相交[1 2]"
    )


def test_the_admin_draws_the_outline_on_a_map_instead_of_geojson_text(admin_client: Any, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")

    body = admin_client.get(f"/admin/territory/territory/{grid.pk}/change/").content.decode()

    assert "data-outline-widget" in body and '<textarea name="geometry" hidden' in body
    assert '<script src="/static/vendor/leaflet-geoman/leaflet-geoman.min.js" defer>' in body
    assert "410403001001002" in body  # the sibling drawn under it
    assert f"/registry/territories/{grid.pk}/outline/" in body


def test_an_outline_drawn_in_the_admin_is_saved_as_before(admin_client: Any, district: Territory) -> None:
    grid = Territory.objects.get(code="410403001001001")
    form = {
        "code": grid.code,
        "name": grid.name,
        "kind": grid.kind,
        "geometry": json.dumps(SMALLER_GRID1),
        "attributes": "{}",
        "treebeard_position": "sorted-child",
        "treebeard_ref_node": Territory.objects.get(code="410403001001").pk,
    }

    response = admin_client.post(f"/admin/territory/territory/{grid.pk}/change/", form)

    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.geometry == SMALLER_GRID1
