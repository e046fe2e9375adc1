"""The territory outline editor page: reached only inside the editor's change scope, saves through the
territory service, shows a refusal in Chinese with the drawing kept on the map."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core.models import AuditEntry
from wangge.workorders.tests.conftest import square

pytestmark = pytest.mark.django_db


def street_admin(world: Any) -> User:
    user = User.objects.create_user(username="streetadmin", password="x-Passw0rd-long", display_name="街道管理员")
    RoleGrant.objects.create(user=user, role=Role.STREET_STAFF, territory=world.street)
    return user


def test_the_editor_shows_the_outline_with_its_parent_and_siblings(client: Client, world: Any) -> None:
    client.force_login(street_admin(world))

    response = client.get(reverse("web:territory_outline", args=[world.grid1.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/leaflet-geoman/leaflet-geoman.min.js" in body and "/static/web/outline_edit.js" in body
    others = response.context["others"]
    assert {f["properties"]["code"] for f in others["features"]} == {world.community.code, world.grid2.code}
    assert response.context["own"]["geometry"] == world.grid1.geometry
    assert "<script>" not in body.replace('<script src="', "")  # no inline script (CSP)


@pytest.mark.parametrize("who", ["worker", "dispatcher", "stranger"])
def test_without_the_change_right_on_the_node_the_editor_does_not_exist(client: Client, world: Any, who: str) -> None:
    client.force_login(getattr(world, who))
    before = world.grid1.geometry

    page = client.get(reverse("web:territory_outline", args=[world.grid1.pk]))
    post = client.post(
        reverse("web:territory_outline", args=[world.grid1.pk]),
        {"geometry": json.dumps(square(113.0, 33.0, 0.01)), "crs": "wgs84"},
    )

    assert (page.status_code, post.status_code) == (404, 404)
    world.grid1.refresh_from_db()
    assert world.grid1.geometry == before


def test_a_drawn_outline_is_saved_and_audited(client: Client, world: Any) -> None:
    admin = street_admin(world)
    client.force_login(admin)
    drawn = square(113.0, 33.0, 0.03)

    response = client.post(
        reverse("web:territory_outline", args=[world.grid1.pk]), {"geometry": json.dumps(drawn), "crs": "wgs84"}
    )

    assert response.status_code == 302
    world.grid1.refresh_from_db()
    assert world.grid1.geometry == drawn
    assert AuditEntry.objects.filter(action="territory.outline_update", actor=admin).count() == 1


def test_an_outline_over_a_sibling_is_refused_in_chinese_and_kept_on_the_map(client: Client, world: Any) -> None:
    client.force_login(street_admin(world))
    drawn = square(113.0, 33.0, 0.08)  # over most of grid 2
    before = world.grid1.geometry

    response = client.post(
        reverse("web:territory_outline", args=[world.grid1.pk]), {"geometry": json.dumps(drawn), "crs": "wgs84"}
    )

    assert response.status_code == 400
    text = " ".join(response.context["errors"])
    assert "与同级" in text and "overlaps" not in text
    assert response.context["drawn"] == drawn
    world.grid1.refresh_from_db()
    assert world.grid1.geometry == before


def test_posting_no_drawing_asks_for_one(client: Client, world: Any) -> None:
    client.force_login(street_admin(world))

    response = client.post(reverse("web:territory_outline", args=[world.grid1.pk]), {"geometry": "", "crs": "wgs84"})

    assert response.status_code == 400
    assert response.context["errors"] == ["请先在地图上画出边界"]
