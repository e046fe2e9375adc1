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
from django.test import Client, RequestFactory

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


# -- the 基础台账 (ledgers) ----------------------------------------------------------------------------


def _ledger_form(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    """The admin form's values of ``names`` as shown (foreign keys by id, empty values as empty strings)."""
    from wangge.ledgers.admin import ResidentAdminForm

    data: dict[str, Any] = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)  # type: ignore[union-attr]
        data[name] = "" if value is None else value
    if "id_number" in data:  # shown masked, like the form shows it
        data.update(ResidentAdminForm(instance=obj).initial)
        data = {k: v for k, v in data.items() if k in names}
        data["tags"] = [t.pk for t in obj.tags.all()]  # type: ignore[attr-defined]
    return data


def _estate(tree: Tree) -> models.Model:
    from wangge.ledgers.services import estate_create

    return estate_create(actor=SYSTEM, community=tree.community_a, name="阳光小区")


def _building(tree: Tree, grid: Territory | None = None, name: str = "1号楼") -> Any:
    from wangge.ledgers.services import building_create

    return building_create(actor=SYSTEM, grid=grid or tree.grid_a1, name=name, head_phone="13800138000")


def _household(tree: Tree, grid: Territory | None = None, room: str = "101") -> Any:
    from wangge.ledgers.services import household_create

    return household_create(actor=SYSTEM, building=_building(tree, grid, f"{room}楼"), room=room)


def _target(kind: str, grid: Territory) -> int:
    """A building or household to move a row into, written directly (no audit entry of its own)."""
    from wangge.ledgers.tests.factories import BuildingFactory, HouseholdFactory

    building = BuildingFactory.create(grid=grid)
    return int((building if kind == "building" else HouseholdFactory.create(building=building, grid=grid)).pk)


def _resident(tree: Tree) -> models.Model:
    from wangge.ledgers.services import resident_create

    return resident_create(
        actor=SYSTEM, name="张三", id_number="11010519491231002X", phone="13912345678", household=_household(tree)
    )


def _merchant(tree: Tree) -> models.Model:
    from wangge.ledgers.services import merchant_create

    return merchant_create(actor=SYSTEM, grid=tree.grid_a1, name="便民超市", contact_phone="13700001111")


_LEDGER_FORMS = {
    "estate": ("code", "community", "name", "address", "property_company", "property_contact", "owners_committee"),
    "building": ("code", "grid", "name", "estate", "address", "floors", "units", "head_name", "head_phone", "status"),
    "household": ("code", "grid", "building", "unit_no", "room", "house_no", "address", "use", "head", "status"),
    "resident": (
        "grid",
        "household",
        "name",
        "id_number",
        "gender",
        "birth_date",
        "phone",
        "relation",
        "residence_type",
        "address",
    ),
    "merchant": ("grid", "name", "credit_code", "kind", "address", "contact_phone", "status"),
}


def _ledger_scenarios() -> dict[type[models.Model], Scenario]:
    from wangge.ledgers.models import Building, Estate, Household, Merchant, Resident

    def form(kind: str) -> Callable[[Any, Tree], dict[str, Any]]:
        return lambda obj, tree: _ledger_form(obj, _LEDGER_FORMS[kind])

    return {
        Estate: Scenario(
            make=_estate,
            form=form("estate"),
            outside=lambda tree: {"community": tree.community_b.pk},
            inside=lambda tree: {"name": "阳光小区（改）"},
            state=lambda e: (e.community_id, e.name),
        ),
        Building: Scenario(
            make=_building,
            form=form("building"),
            outside=lambda tree: {"grid": tree.grid_b1.pk},
            inside=lambda tree: {"grid": tree.grid_a2.pk},
            state=lambda b: (b.grid_id, b.name),
        ),
        Household: Scenario(
            make=_household,
            form=form("household"),
            outside=lambda tree: {"building": _target("building", tree.grid_b1)},
            inside=lambda tree: {"building": _target("building", tree.grid_a2)},
            state=lambda h: (h.grid_id, h.building_id),
        ),
        Resident: Scenario(
            make=_resident,
            form=form("resident"),
            outside=lambda tree: {"household": _target("household", tree.grid_b1)},
            inside=lambda tree: {"household": _target("household", tree.grid_a2)},
            state=lambda r: (r.grid_id, r.household_id),
        ),
        Merchant: Scenario(
            make=_merchant,
            form=form("merchant"),
            outside=lambda tree: {"grid": tree.grid_b1.pk},
            inside=lambda tree: {"grid": tree.grid_a2.pk},
            state=lambda m: (m.grid_id, m.name),
        ),
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
SCENARIOS.update(_ledger_scenarios())


def _organisation(tree: Tree, community: Territory | None = None, name: str = "甲社区人民调解委员会") -> Any:
    from wangge.mediation.services.register import organisation_create

    return organisation_create(
        actor=SYSTEM, name=name, kind="community_committee", territory=community or tree.community_a
    )


def _organisation_in(community: Territory) -> int:
    """An organisation to move a mediator into, written directly (no audit entry of its own)."""
    from wangge.mediation.models import MediationOrganisation

    org = MediationOrganisation.objects.create(
        name="乙社区人民调解委员会", kind="community_committee", territory=community
    )
    return int(org.pk)


def _mediator(tree: Tree) -> Any:
    from wangge.mediation.services.register import mediator_create

    return mediator_create(actor=SYSTEM, organisation=_organisation(tree), name="李调解", kind="elders")


def _mediator_form(mediator: Any, tree: Tree) -> dict[str, Any]:
    return {
        "name": mediator.name,
        "kind": mediator.kind,
        "organisation": mediator.organisation_id,
        "communities": [c.pk for c in mediator.communities.all()],
        "title": mediator.title,
        "is_active": "on",
        # the conflicts inline, empty
        "conflicts-TOTAL_FORMS": "0",
        "conflicts-INITIAL_FORMS": "0",
        "conflicts-MIN_NUM_FORMS": "0",
        "conflicts-MAX_NUM_FORMS": "1000",
    }


def _mediation_scenarios() -> dict[type[models.Model], Scenario]:
    from wangge.mediation.models import MediationOrganisation, Mediator

    return {
        MediationOrganisation: Scenario(
            make=_organisation,
            form=lambda org, tree: {
                "name": org.name,
                "kind": org.kind,
                "territory": org.territory_id,
                "unit": "",
                "address": org.address,
                "phone": org.phone,
                "is_active": "on",
            },
            outside=lambda tree: {"territory": tree.community_b.pk},
            inside=lambda tree: {"name": "甲社区人民调解委员会（改）"},
            state=lambda o: (o.territory_id, o.name),
        ),
        Mediator: Scenario(
            make=_mediator,
            form=_mediator_form,
            outside=lambda tree: {"organisation": _organisation_in(tree.community_b)},
            inside=lambda tree: {"name": "李调解（改）"},
            state=lambda m: (m.organisation_id, m.name),
        ),
    }


SCENARIOS.update(_mediation_scenarios())


def _editable(model_admin: Any) -> bool:
    """Whether the admin lets anyone change a row (a read-only scoped admin, e.g. hazard findings whose steps go
    through their workflow, has nothing to move)."""
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return bool(model_admin.has_change_permission(request))


def scoped_models() -> list[type[models.Model]]:
    registry: dict[type[models.Model], Any] = admin.site._registry
    return sorted(
        (m for m, ma in registry.items() if isinstance(ma, ScopedAdminMixin) and _editable(ma)),
        key=lambda m: m.__name__,
    )


def read_only_scoped_models() -> list[type[models.Model]]:
    registry: dict[type[models.Model], Any] = admin.site._registry
    return sorted(
        (m for m, ma in registry.items() if isinstance(ma, ScopedAdminMixin) and not _editable(ma)),
        key=lambda m: m.__name__,
    )


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


@pytest.mark.parametrize("model", read_only_scoped_models(), ids=lambda m: m.__name__)
def test_a_read_only_scoped_admin_refuses_every_change(tree: Tree, model: type[models.Model]) -> None:
    client = street_a_editor(tree, model)
    assert client.post(f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/", {}).status_code == 403


def _inspection_schedule(tree: Tree) -> Any:
    from wangge.inspections.models import Schedule

    return Schedule.objects.create(name="甲街道防汛巡查", territory=tree.street_a)


def _inspection_scenarios() -> dict[type[models.Model], Scenario]:
    from wangge.inspections.models import Schedule

    return {
        Schedule: Scenario(
            make=_inspection_schedule,
            form=lambda s, tree: {
                "name": s.name,
                "territory": s.territory_id,
                "point_types": [],
                "points": "",
                "season_start_month": s.season_start_month,
                "season_start_day": s.season_start_day,
                "season_end_month": s.season_end_month,
                "season_end_day": s.season_end_day,
                "season_frequency": s.season_frequency,
                "off_season_frequency": s.off_season_frequency,
                "assignee_rule": s.assignee_rule,
                "priority": s.priority,
                "is_active": "on",
            },
            outside=lambda tree: {"territory": tree.street_b.pk},
            inside=lambda tree: {"territory": tree.community_a.pk},
            state=lambda s: (s.territory_id, s.name),
        ),
    }


SCENARIOS.update(_inspection_scenarios())


def _queueing_group(tree: Tree) -> Any:
    from wangge.hall.tests.factories import HallFactory
    from wangge.queueing.models import ItemGroup

    return ItemGroup.objects.create(hall=HallFactory.create(territory=tree.street_a), prefix="A", name="社保医保")


def _queueing_scenarios() -> dict[type[models.Model], Scenario]:
    from wangge.hall.tests.factories import HallFactory
    from wangge.queueing.models import ItemGroup

    return {
        ItemGroup: Scenario(
            make=_queueing_group,
            form=lambda g, tree: {
                "hall": g.hall_id,
                "prefix": g.prefix,
                "name": g.name,
                "items": [],
                "service_minutes": g.service_minutes,
                "position": g.position,
                "is_active": "on",
                "templates-TOTAL_FORMS": "0",
                "templates-INITIAL_FORMS": "0",
            },
            outside=lambda tree: {"hall": HallFactory.create(territory=tree.street_b).pk},
            inside=lambda tree: {"name": "社保医保综合"},
            state=lambda g: (g.hall_id, g.name),
        ),
    }


SCENARIOS.update(_queueing_scenarios())
