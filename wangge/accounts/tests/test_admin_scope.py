"""Every scoped admin keeps a staff editor inside their scope *after* the save as well as before it.

The admins are found, not listed: every admin registered with ``ScopedAdminMixin`` is a parameter of the
tests below, and a new one fails ``test_every_scoped_admin_has_a_scenario`` until it says how to build a
row inside street A and how to move it to street B. The editor is street A's staff member with every
admin permission on the model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit, User
from wangge.accounts.tests.factories import Tree, UnitFactory, UserFactory, territory_tree, user_with_role
from wangge.core.actors import SYSTEM
from wangge.core.admin import ScopedAdminMixin
from wangge.core.models import AuditEntry
from wangge.places.models import Point
from wangge.places.services import point_create, point_types_seed
from wangge.territory.models import Territory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Scenario:
    make: Callable[[Tree], models.Model]  # a row inside street A
    form: Callable[[Any, Tree], dict[str, Any]]  # its change form as shown, unchanged
    outside: Callable[[Tree], dict[str, Any]]  # changes that would take it into street B
    inside: Callable[[Tree], dict[str, Any]]  # changes that keep it in street A
    state: Callable[[Any], tuple[Any, ...]]  # what a refusal must leave as it was


# -- points ---------------------------------------------------------------------------------------------


def _point(tree: Tree) -> Point:
    return point_create(
        actor=SYSTEM, code="P1", name="桥", type="bridge", lng=113.225, lat=33.75, responsible_name="甲"
    )


def _point_form(point: Point, tree: Tree) -> dict[str, Any]:
    return {
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


# -- units ----------------------------------------------------------------------------------------------


def _unit(tree: Tree) -> Unit:
    return UnitFactory.create(
        code="COMM-A", name="甲社区居委会", kind=UnitKind.COMMUNITY_COMMITTEE, territory=tree.community_a
    )


def _unit_form(unit: Unit, tree: Tree) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "territory": unit.territory_id,
        "phone": unit.phone,
        "is_active": "on",
    }


# -- staff ----------------------------------------------------------------------------------------------


def _staff(tree: Tree) -> User:
    unit = UnitFactory.create(code="STREET-A", kind=UnitKind.STREET_OFFICE, territory=tree.street_a)
    return UserFactory.create(username="zhang3", display_name="张三", unit=unit)


def _staff_form(user: User, tree: Tree) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "mobile": user.mobile,
        "unit": user.unit_id,
        "is_active": "on",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }


def _unit_in(territory: Territory, code: str) -> int:
    return int(UnitFactory.create(code=code, kind=UnitKind.COMMUNITY_COMMITTEE, territory=territory).pk)


# -- territory nodes ------------------------------------------------------------------------------------


def _node_form(node: Territory, tree: Tree) -> dict[str, Any]:
    return {
        "code": node.code,
        "name": node.name,
        "kind": node.kind,
        "geometry": json.dumps(node.geometry),
        "attributes": "{}",
        "treebeard_position": "sorted-child",
        "treebeard_ref_node": Territory.objects.get_parent(node).pk,
    }


SCENARIOS: dict[type[models.Model], Scenario] = {
    Point: Scenario(
        make=_point,
        form=_point_form,
        outside=lambda tree: {"lng": 113.325},  # grid B1
        inside=lambda tree: {"lng": 113.275},  # grid A2
        state=lambda p: (p.lng, p.lat, p.territory_id, p.grid_id),
    ),
    Unit: Scenario(
        make=_unit,
        form=_unit_form,
        outside=lambda tree: {"territory": tree.community_b.pk},
        inside=lambda tree: {"territory": tree.street_a.pk},
        state=lambda u: (u.territory_id, u.name),
    ),
    User: Scenario(
        make=_staff,
        form=_staff_form,
        outside=lambda tree: {"unit": _unit_in(tree.community_b, "COMM-B")},
        inside=lambda tree: {"unit": _unit_in(tree.community_a, "COMM-A")},
        state=lambda u: (u.unit_id, u.display_name),
    ),
    Territory: Scenario(
        make=lambda tree: tree.grid_a1,
        form=_node_form,
        # a grid of community B (the code follows the parent, so only the scope can refuse it)
        outside=lambda tree: {"code": f"{tree.community_b.code}002", "treebeard_ref_node": tree.community_b.pk},
        inside=lambda tree: {"name": "甲社区一网格（改）"},
        state=lambda t: (t.path, t.code, t.name),
    ),
}


def scoped_models() -> list[type[models.Model]]:
    registry: dict[type[models.Model], Any] = admin.site._registry
    return sorted((m for m, ma in registry.items() if isinstance(ma, ScopedAdminMixin)), key=lambda m: m.__name__)


def _url(model: type[models.Model], obj: models.Model | None = None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return f"{base}{obj.pk}/change/" if obj is not None else f"{base}add/"


def _fresh(obj: models.Model) -> Any:
    return type(obj)._default_manager.get(pk=obj.pk)


@pytest.fixture
def tree() -> Tree:
    point_types_seed()
    return territory_tree()


def street_a_editor(tree: Tree, model: type[models.Model]) -> Client:
    """Street A's staff member, with admin access and every permission on ``model``."""
    editor = user_with_role(Role.STREET_STAFF, tree.street_a, username="street_a_admin", is_staff=True)
    meta = model._meta
    editor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=meta.app_label, content_type__model=meta.model_name)
    )
    client = Client()
    client.force_login(editor)
    return client


def test_every_scoped_admin_has_a_scenario() -> None:
    assert scoped_models(), "no admin uses ScopedAdminMixin any more?"
    missing = [m.__name__ for m in scoped_models() if m not in SCENARIOS]
    assert not missing, f"add a Scenario for {missing} to SCENARIOS"


@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m.__name__)
def test_an_editor_cannot_move_a_row_out_of_their_scope(tree: Tree, model: type[models.Model]) -> None:
    # given a row inside street A, and street A's editor
    scenario = SCENARIOS[model]
    obj = scenario.make(tree)
    client = street_a_editor(tree, model)
    before = scenario.state(_fresh(obj))
    trail = AuditEntry.objects.count()
    data = {**scenario.form(_fresh(obj), tree), **scenario.outside(tree)}

    # when they move it into street B
    response = client.post(_url(model, obj), data)

    # then the form comes back with the reason, and nothing was written
    assert response.status_code == 200, response.content.decode()[:2000]
    assert 'class="errornote"' in response.content.decode()
    assert scenario.state(_fresh(obj)) == before
    assert AuditEntry.objects.count() == trail


@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m.__name__)
def test_an_editor_can_still_change_a_row_inside_their_scope(tree: Tree, model: type[models.Model]) -> None:
    # given
    scenario = SCENARIOS[model]
    obj = scenario.make(tree)
    client = street_a_editor(tree, model)
    before = scenario.state(_fresh(obj))
    data = {**scenario.form(_fresh(obj), tree), **scenario.inside(tree)}

    # when
    response = client.post(_url(model, obj), data)

    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    assert scenario.state(_fresh(obj)) != before
    assert AuditEntry.objects.filter(object_id=str(obj.pk)).exists()


def test_a_point_cannot_be_added_outside_the_editors_scope(tree: Tree) -> None:
    client = street_a_editor(tree, Point)
    data = {
        "code": "P9",
        "name": "新桥",
        "type": Point._meta.get_field("type").related_model._default_manager.get(key="bridge").pk,  # type: ignore[union-attr]
        "lng": 113.325,
        "lat": 33.75,
        "responsible_name": "乙",
        "attributes": "{}",
    }

    refused = client.post(_url(Point), data)
    added = client.post(_url(Point), {**data, "lng": 113.225})

    assert refused.status_code == 200 and "无权管理" in refused.content.decode()
    assert added.status_code == 302, added.content.decode()[:3000]
    point = Point.objects.get(code="P9")
    assert point.grid_id == tree.grid_a1.pk
    assert AuditEntry.objects.filter(action="places.point_create", object_id=str(point.pk)).exists()


def test_a_unit_cannot_be_added_outside_the_editors_scope(tree: Tree) -> None:
    client = street_a_editor(tree, Unit)
    data = {"code": "COMM-B", "name": "乙社区居委会", "kind": UnitKind.COMMUNITY_COMMITTEE, "phone": ""}

    refused = client.post(_url(Unit), {**data, "territory": tree.community_b.pk})

    assert refused.status_code == 200 and 'class="errornote"' in refused.content.decode()
    assert not Unit.objects.filter(code="COMM-B").exists()
    assert client.post(_url(Unit), {**data, "territory": tree.community_a.pk}).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.unit_create").count() == 1


def test_a_staff_account_added_without_a_unit_in_scope_is_refused(tree: Tree) -> None:
    # an account the editor could not see afterwards: no unit, no grant
    client = street_a_editor(tree, User)
    data = {"username": "li4", "display_name": "李四", "usable_password": "false"}

    refused = client.post(_url(User), data)
    added = client.post(_url(User), {**data, "unit": _unit_in(tree.community_a, "COMM-A")})

    assert refused.status_code == 200 and 'class="errornote"' in refused.content.decode()
    assert added.status_code == 302, added.content.decode()[:3000]
    assert User.objects.filter(username="li4").count() == 1
    assert AuditEntry.objects.filter(action="accounts.staff_create").count() == 1


def test_a_scoped_editor_cannot_make_a_superuser(tree: Tree) -> None:
    # given
    client = street_a_editor(tree, User)
    user = _staff(tree)

    # when
    response = client.post(_url(User, user), {**_staff_form(user, tree), "is_superuser": "on"})

    # then the flag is not theirs to set (the rest of the form is saved)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not User.objects.get(pk=user.pk).is_superuser


def test_a_node_outside_the_editors_scope_cannot_be_dragged(tree: Tree) -> None:
    # given street A's editor, and street B's only grid (reordering it would pass the placement rules)
    client = street_a_editor(tree, Territory)
    before = Territory.objects.get(pk=tree.grid_b1.pk).path

    # when they drag it
    response = client.post(
        "/admin/territory/territory/move/",
        {"node": tree.grid_b1.pk, "target": tree.community_b.pk, "relation": "child"},
    )

    # then
    assert response.status_code == 403
    assert Territory.objects.get(pk=tree.grid_b1.pk).path == before
    assert not AuditEntry.objects.filter(action="admin.move").exists()
