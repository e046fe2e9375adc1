"""Who sees and changes what: every actor against every registry, for view and change.

Out of scope looks exactly like not found: the detail lookup ``restrict(...).filter(pk=...)`` is
empty, the same answer as for a missing row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit, User
from wangge.accounts.tests.factories import (
    RoleGrantFactory,
    UnitFactory,
    UserFactory,
    territory_tree,
    user_with_role,
)
from wangge.core.scoping import CHANGE, VIEW
from wangge.places.models import Point
from wangge.places.tests.factories import point_in
from wangge.territory.models import Territory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    actors: dict[str, Any]
    targets: dict[str, Any]


@pytest.fixture
def world() -> World:
    tree = territory_tree()
    department = UnitFactory.create(code="DEPT-WATER", name="水务局", kind=UnitKind.DEPARTMENT, territory=tree.district)
    committee = UnitFactory.create(
        code="COMM-A", name="甲社区居委会", kind=UnitKind.COMMUNITY_COMMITTEE, territory=tree.community_a
    )
    worker_a1 = user_with_role(Role.GRID_WORKER, tree.grid_a1, username="worker_a1")
    actors = {
        "anonymous": AnonymousUser(),
        "no_role": UserFactory.create(username="no_role"),
        "inactive_admin": user_with_role(Role.ADMIN, tree.district, username="inactive", is_active=False),
        "grid_worker_same_grid": worker_a1,
        "grid_worker_other_grid": user_with_role(Role.GRID_WORKER, tree.grid_a2, username="worker_a2"),
        "street_staff_parent": user_with_role(Role.STREET_STAFF, tree.street_a, username="street_a"),
        "street_staff_other": user_with_role(Role.STREET_STAFF, tree.street_b, username="street_b"),
        "district_admin": user_with_role(Role.ADMIN, tree.district, username="admin"),
        "dept_handler": user_with_role(Role.DEPT_HANDLER, unit=department, username="handler"),
    }
    targets = {
        "grid_a1": tree.grid_a1,
        "point_a1": point_in(tree.grid_a1, code="P-A1", responsible_unit=department),
        "point_a1_unowned": point_in(tree.grid_a1, code="P-A1-2"),
        "committee_a": committee,
        "department": department,
        "worker_a1": worker_a1,
        "department_staff": UserFactory.create(username="dept_staff", unit=department),
    }
    return World(actors=actors, targets=targets)


# (target, action) -> the actors that may; every other actor may not.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("grid_a1", VIEW): {"grid_worker_same_grid", "street_staff_parent", "district_admin"},
    ("grid_a1", CHANGE): {"street_staff_parent", "district_admin"},
    # The department handler sees the point its unit is responsible for, not its neighbour.
    ("point_a1", VIEW): {"grid_worker_same_grid", "street_staff_parent", "district_admin", "dept_handler"},
    ("point_a1", CHANGE): {"street_staff_parent", "district_admin"},
    ("point_a1_unowned", VIEW): {"grid_worker_same_grid", "street_staff_parent", "district_admin"},
    ("point_a1_unowned", CHANGE): {"street_staff_parent", "district_admin"},
    ("committee_a", VIEW): {"street_staff_parent", "district_admin"},
    ("committee_a", CHANGE): {"street_staff_parent", "district_admin"},
    # A unit role sees its own unit in the registries, and its colleagues; it changes neither.
    ("department", VIEW): {"district_admin", "dept_handler"},
    ("department", CHANGE): {"district_admin"},
    ("worker_a1", VIEW): {"grid_worker_same_grid", "street_staff_parent", "district_admin"},
    ("worker_a1", CHANGE): {"street_staff_parent", "district_admin"},
    ("department_staff", VIEW): {"district_admin", "dept_handler"},
    ("department_staff", CHANGE): {"district_admin"},
}

ACTORS = [
    "anonymous",
    "no_role",
    "inactive_admin",
    "grid_worker_same_grid",
    "grid_worker_other_grid",
    "street_staff_parent",
    "street_staff_other",
    "district_admin",
    "dept_handler",
]

MODELS: dict[str, Any] = {
    "grid_a1": Territory,
    "point_a1": Point,
    "point_a1_unowned": Point,
    "committee_a": Unit,
    "department": Unit,
    "worker_a1": User,
    "department_staff": User,
}


@pytest.mark.parametrize(("target", "action"), list(EXPECTED))
def test_restrict_matrix(world: World, target: str, action: str) -> None:
    # given
    obj = world.targets[target]
    model = MODELS[target]

    # when: each actor looks the object up by primary key, as a detail view does
    allowed = {
        actor for actor in ACTORS if model.objects.restrict(world.actors[actor], action).filter(pk=obj.pk).exists()
    }

    # then: exactly the expected actors, and every one of the others is refused
    assert allowed == EXPECTED[(target, action)]
    assert set(ACTORS) - allowed == set(ACTORS) - EXPECTED[(target, action)]


def test_out_of_scope_looks_like_missing(world: World) -> None:
    # given: a primary key that does not exist at all
    missing_pk = max(model.objects.order_by("-pk").values_list("pk", flat=True)[0] for model in MODELS.values())
    missing_pk += 1000

    for actor in ACTORS:
        user = world.actors[actor]
        for target, model in MODELS.items():
            # when
            out_of_scope = list(model.objects.restrict(user, VIEW).filter(pk=world.targets[target].pk))
            missing = list(model.objects.restrict(user, VIEW).filter(pk=missing_pk))

            # then: a missing row and an out-of-scope row give the same empty answer
            assert missing == []
            if actor not in EXPECTED[(target, VIEW)]:
                assert out_of_scope == missing


def test_superuser_sees_everything(world: World) -> None:
    # given
    root = UserFactory.create(username="root", is_superuser=True, is_staff=True)

    # when / then
    for target, model in MODELS.items():
        assert model.objects.restrict(root, CHANGE).filter(pk=world.targets[target].pk).exists()


def test_user_with_several_grants_is_listed_once(world: World) -> None:
    # given: a worker holding grants on both grids of the street
    tree_worker = world.targets["worker_a1"]
    other_grid = world.actors["grid_worker_other_grid"].grants.get().territory
    RoleGrantFactory.create(user=tree_worker, role=Role.GRID_LEADER, territory=other_grid)

    # when
    listed = list(User.objects.restrict(world.actors["street_staff_parent"], VIEW).filter(pk=tree_worker.pk))

    # then
    assert listed == [tree_worker]


def test_scope_is_read_with_one_query_per_user_object(world: World, django_assert_num_queries: Any) -> None:
    # given
    admin = User.objects.get(username="admin")

    # when / then: grants are read once, whatever the number of actions asked
    with django_assert_num_queries(1):
        admin.get_scope(VIEW)
        admin.get_scope(CHANGE)
        admin.get_scope("reveal")
