"""The posts on the map and on the territory page: the GeoJSON layer and ``posts_for_territory``, both scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.volunteers.selectors import posts_for_territory

pytestmark = pytest.mark.django_db


def test_geojson_lists_the_posts_in_the_users_scope(client: Client, w: Any) -> None:
    client.force_login(w.worker)
    body = client.get(reverse("web:volunteer_posts_geojson")).json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["name"] == "实验小学南门护学岗"
    assert feature["properties"]["kind"] == "school"
    assert feature["properties"]["url"] == reverse("web:volunteer_post_detail", args=[w.post.pk])


def test_geojson_shows_nothing_of_another_district(client: Client, w: Any) -> None:
    client.force_login(w.stranger)
    body = client.get(reverse("web:volunteer_posts_geojson")).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["湛河小学护学岗"]


def test_geojson_needs_a_login(client: Client, w: Any) -> None:
    assert client.get(reverse("web:volunteer_posts_geojson")).status_code == 302


def test_posts_for_territory_keeps_to_the_subtree_and_the_scope(w: Any) -> None:
    assert list(posts_for_territory(w.admin, w.district)) == [w.post]
    assert list(posts_for_territory(w.admin, w.grid2)) == []
    assert list(posts_for_territory(w.stranger, w.district)) == []
    assert list(posts_for_territory(w.other_worker, w.community)) == []
