"""Points through the services: types, create, update; territory and grid from coordinates."""

from __future__ import annotations

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import Tree, UserFactory, territory_tree, user_with_role
from wangge.core.actors import SYSTEM
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.geo import wgs84_to_bd09, wgs84_to_gcj02
from wangge.core.models import AuditEntry
from wangge.places import services
from wangge.places.choices import BUILTIN_POINT_TYPES
from wangge.places.models import Point, PointType

pytestmark = pytest.mark.django_db

IN_A1 = (113.225, 33.75)
IN_A2 = (113.275, 33.75)
IN_B1 = (113.325, 33.75)
IN_B_NO_GRID = (113.375, 33.75)
OUTSIDE = (114.5, 33.75)


@pytest.fixture
def tree() -> Tree:
    services.point_types_seed()
    return territory_tree()


def create(actor=SYSTEM, **kwargs) -> Point:
    args = {
        "code": "P1",
        "name": "幸福路下穿隧道",
        "type": "underpass",
        "lng": IN_A1[0],
        "lat": IN_A1[1],
        "responsible_name": "张三",
        "responsible_phone": "13800138000",
        **kwargs,
    }
    return services.point_create(actor=actor, **args)


def test_point_types_seed_is_idempotent_and_keeps_renames() -> None:
    # when
    created = services.point_types_seed()
    PointType.objects.filter(key="shop").update(name="沿街门店")
    again = services.point_types_seed()

    # then
    assert created == 10
    assert again == 0
    types = {t.key: t for t in PointType.objects.all()}
    assert set(types) == {b.key for b in BUILTIN_POINT_TYPES}
    assert types["underpass"].name == "下穿式桥涵"
    assert types["shop"].name == "沿街门店"
    hazards = {k for k, t in types.items() if t.is_hazard}
    assert hazards == {
        "river",
        "underpass",
        "underground_mall",
        "underground_parking",
        "geological_hazard",
        "waterlogging",
    }
    assert AuditEntry.objects.filter(action="places.point_type_seed").count() == 10


def test_point_create_derives_territory_and_grid(tree: Tree) -> None:
    # when
    point = create()

    # then
    point.refresh_from_db()
    assert point.territory_id == tree.grid_a1.pk
    assert point.grid_id == tree.grid_a1.pk
    assert point.responsible_phone == "13800138000"
    assert point.responsible_phone_index == blind_index("13800138000")
    entry = AuditEntry.objects.get(action="places.point_create")
    assert (entry.after or {})["responsible_phone"] == "***"
    assert "13800138000" not in str(entry.after)


@pytest.mark.parametrize(("crs", "convert"), [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09)])
def test_point_create_converts_map_coordinates_to_wgs84(tree: Tree, crs, convert) -> None:
    # given: where a phone map shows the WGS-84 point of grid A2 (several hundred metres away)
    shown = convert(*IN_A2)
    assert abs(shown[0] - IN_A2[0]) > 0.003

    # when
    point = create(lng=shown[0], lat=shown[1], crs=crs)

    # then
    assert point.lng == pytest.approx(IN_A2[0], abs=1e-6)
    assert point.lat == pytest.approx(IN_A2[1], abs=1e-6)
    assert point.grid_id == tree.grid_a2.pk


def test_point_where_no_grid_falls_back_to_the_community(tree: Tree) -> None:
    # when
    point = create(lng=IN_B_NO_GRID[0], lat=IN_B_NO_GRID[1])

    # then
    assert point.territory_id == tree.community_b.pk
    assert point.grid_id is None


@pytest.mark.parametrize(
    ("kwargs", "field", "error"),
    [
        ({"lng": OUTSIDE[0], "lat": OUTSIDE[1]}, "coordinates", "outside_territory"),
        ({"lng": "东经113度"}, "lng", "not_a_number"),
        ({"lat": 95}, "lat", "out_of_range"),
        ({"type": "casino"}, "type", "unknown_type"),
        ({"responsible_phone": "12345678"}, "responsible_phone", "invalid_phone"),
        ({"responsible_name": ""}, "responsible_name", "required"),
        ({"name": "x" * 121}, "name", "too_long"),
    ],
)
def test_point_create_refuses_bad_input(tree: Tree, kwargs, field, error) -> None:
    # when
    with pytest.raises(ValidationFailed) as caught:
        create(**kwargs)

    # then
    assert {"field": field, "error": error} in [
        {"field": d["field"], "error": d["error"]} for d in caught.value.details
    ]
    assert not Point.objects.exists()
    assert not AuditEntry.objects.filter(app_label="places", model="point").exists()


def test_point_create_refuses_a_taken_code(tree: Tree) -> None:
    # given
    create()

    # when
    with pytest.raises(ValidationFailed) as caught:
        create(lng=IN_A2[0], lat=IN_A2[1])

    # then
    assert caught.value.code == "code_taken"
    assert Point.objects.count() == 1


def test_point_create_refuses_an_unknown_crs(tree: Tree) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create(crs="mercator")
    assert caught.value.code == "unknown_crs"
    assert not Point.objects.exists()


def test_street_staff_creates_points_only_in_their_street(tree: Tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)

    # when
    mine = create(actor=actor)
    with pytest.raises(ValidationFailed) as caught:
        create(actor=actor, code="P2", lng=IN_B1[0], lat=IN_B1[1])

    # then
    assert mine.grid_id == tree.grid_a1.pk
    assert caught.value.details[0]["error"] == "out_of_scope"
    assert list(Point.objects.values_list("code", flat=True)) == ["P1"]


def test_point_update_moves_the_point_and_audits(tree: Tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    point = create(actor=actor)

    # when
    services.point_update(actor=actor, point=point, lng=IN_A2[0], lat=IN_A2[1], responsible_phone="13900139000")

    # then
    point.refresh_from_db()
    assert (point.territory_id, point.grid_id) == (tree.grid_a2.pk, tree.grid_a2.pk)
    assert point.responsible_phone == "13900139000"
    entry = AuditEntry.objects.get(action="places.point_update")
    assert (entry.before or {})["grid"] == tree.grid_a1.pk
    assert (entry.after or {})["grid"] == tree.grid_a2.pk
    assert (entry.after or {})["responsible_phone_index"] == blind_index("13900139000")
    assert "13900139000" not in str(entry.after)


def test_point_update_by_grid_worker_is_refused(tree: Tree) -> None:
    # given: the worker sees the point but may not change the registry
    point = create()
    actor = user_with_role(Role.GRID_WORKER, tree.grid_a1)

    # when
    with pytest.raises(PermissionDenied):
        services.point_update(actor=actor, point=point, name="改名")

    # then
    point.refresh_from_db()
    assert point.name == "幸福路下穿隧道"


def test_point_update_from_another_street_looks_like_missing(tree: Tree) -> None:
    # given
    point = create()
    actor = user_with_role(Role.STREET_STAFF, tree.street_b)

    # when
    with pytest.raises(NotFound):
        services.point_update(actor=actor, point=point, name="改名")

    # then
    point.refresh_from_db()
    assert point.name == "幸福路下穿隧道"


def test_point_cannot_be_moved_out_of_the_actors_scope(tree: Tree) -> None:
    # given
    actor = user_with_role(Role.STREET_STAFF, tree.street_a)
    point = create(actor=actor)

    # when
    with pytest.raises(ValidationFailed) as caught:
        services.point_update(actor=actor, point=point, lng=IN_B1[0], lat=IN_B1[1], name="改名")

    # then
    assert caught.value.details[0]["error"] == "out_of_scope"
    point.refresh_from_db()
    assert (point.grid_id, point.name) == (tree.grid_a1.pk, "幸福路下穿隧道")
    assert not AuditEntry.objects.filter(action="places.point_update").exists()


def test_point_update_needs_both_coordinates(tree: Tree) -> None:
    point = create()
    with pytest.raises(ValidationFailed) as caught:
        services.point_update(actor=SYSTEM, point=point, lng=IN_A2[0])
    assert caught.value.code == "coordinates_incomplete"


def test_user_without_role_cannot_create(tree: Tree) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create(actor=UserFactory.create())
    assert caught.value.details[0]["error"] == "out_of_scope"
    assert not Point.objects.exists()


def test_update_cannot_carry_a_point_out_of_the_editors_scope(tree: Tree) -> None:
    # given a street-A editor whose grant also names a unit, and a point in street B that unit is responsible for
    from wangge.accounts.models import Unit

    unit = Unit.objects.create(code="cgj", name="城市管理局", kind="department", territory=tree.district)
    other = Unit.objects.create(code="sw", name="水务局", kind="department", territory=tree.district)
    editor = user_with_role(Role.STREET_STAFF, tree.street_a, unit=unit)
    point = create(lng=IN_B1[0], lat=IN_B1[1], responsible_unit=unit)
    assert Point.objects.restrict(editor, "change").filter(pk=point.pk).exists()

    # when the editor hands the point to a unit outside their reach
    with pytest.raises(PermissionDenied):
        services.point_update(actor=editor, point=point, responsible_unit=other)

    # then nothing changed and nothing was audited
    point.refresh_from_db()
    assert point.responsible_unit == unit
    assert not AuditEntry.objects.filter(action="places.point_update").exists()
