"""Point and point-type admin: points written through the services (audited before/after, territory from
coordinates), phones masked."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import Tree, UserFactory, territory_tree, user_with_role
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry
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


def point_form(point: Point, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": point.code,
        "name": point.name,
        "type": point.type_id,
        "lng": point.lng,
        "lat": point.lat,
        "address": point.address,
        "responsible_name": point.responsible_name,
        "responsible_phone": point.responsible_phone,
        "notes": point.notes,
        "attributes": "{}",
    }
    data.update(changes)
    return data


def test_moving_a_point_in_admin_relocates_it_and_audits(tree: Tree, root_client: Client) -> None:
    # given
    point = services.point_create(
        actor=SYSTEM, code="P1", name="桥", type="bridge", lng=113.225, lat=33.75, responsible_name="甲"
    )

    # when
    response = root_client.post(f"/admin/places/point/{point.pk}/change/", point_form(point, lng=113.325))

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    point.refresh_from_db()
    assert point.grid_id == tree.grid_b1.pk
    entry = AuditEntry.objects.get(action="places.point_update", model="point")  # written by the service
    assert (entry.before or {})["grid"] == tree.grid_a1.pk
    assert (entry.after or {})["grid"] == tree.grid_b1.pk
    assert (entry.after or {})["lng"] == 113.325


def test_point_outside_every_territory_is_refused_in_admin(tree: Tree, root_client: Client) -> None:
    # given
    point = services.point_create(
        actor=SYSTEM, code="P1", name="桥", type="bridge", lng=113.225, lat=33.75, responsible_name="甲"
    )

    # when
    response = root_client.post(f"/admin/places/point/{point.pk}/change/", point_form(point, lng=120.0))

    # then
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.lng == 113.225
    assert not AuditEntry.objects.filter(model="point", action="places.point_update").exists()


def test_point_list_masks_phones(tree: Tree, root_client: Client) -> None:
    services.point_create(
        actor=SYSTEM,
        code="P1",
        name="桥",
        type="bridge",
        lng=113.225,
        lat=33.75,
        responsible_name="甲",
        responsible_phone="13800138000",
    )
    listing = root_client.get("/admin/places/point/").content.decode()
    assert "138****8000" in listing
    assert "13800138000" not in listing


def test_point_type_change_in_admin_is_audited(tree: Tree, root_client: Client) -> None:
    # given
    shop = PointType.objects.get(key="shop")

    # when
    response = root_client.post(
        f"/admin/places/pointtype/{shop.pk}/change/", {"key": "shop", "name": "沿街门店", "ordering": 90}
    )

    # then
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change", model="pointtype")
    assert (entry.before, entry.after) == ({"name": "门店"}, {"name": "沿街门店"})


def test_grid_worker_cannot_open_a_point_of_another_grid(tree: Tree) -> None:
    # given: a staff account with admin view rights on points, scoped to grid A2
    from django.contrib.auth.models import Permission

    worker = user_with_role(Role.GRID_WORKER, tree.grid_a2, is_staff=True)
    worker.user_permissions.add(Permission.objects.get(codename="view_point"))
    point = services.point_create(
        actor=SYSTEM, code="P1", name="桥", type="bridge", lng=113.225, lat=33.75, responsible_name="甲"
    )
    client = Client()
    client.force_login(worker)

    # when
    response = client.get(f"/admin/places/point/{point.pk}/change/")

    # then: answered like a missing object
    assert response.status_code == 302
    # the link and the name, not the code alone: "P1" can turn up inside a CSRF token
    listing = client.get("/admin/places/point/").content.decode()
    assert f"/admin/places/point/{point.pk}/change/" not in listing and ">桥<" not in listing
