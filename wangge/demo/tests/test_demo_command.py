"""The ``demo`` command end to end on SQLite with the synthetic outlines.

The command runs once for the module (inside a transaction rolled back at the end); each test
reads what it built, inside its own savepoint.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from shapely.geometry import shape

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.cogovernance.choices import POINT_TYPE_OF
from wangge.core.models import AuditEntry
from wangge.core.validators import mask_phone, validate_phone
from wangge.demo.catalogue import DEMO_LOGINS, DEMO_PASSWORD
from wangge.demo.layout import SYNTHETIC_SUFFIX
from wangge.places.models import Point
from wangge.territory import locator
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

SUBCONTRACT_POINT_TYPES = [key for key, _name in POINT_TYPE_OF.values()]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_output")]

HAZARD_COUNTS = {
    "river": 8,
    "underpass": 12,
    "underground_mall": 5,
    "underground_parking": 51,
    "geological_hazard": 7,
    "waterlogging": 22,
}


def _run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Run ``demo`` once for the module; roll everything back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        locator.invalidate()
        yield _run_demo()
        transaction.set_rollback(True)
    locator.invalidate()


def _summary(code: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("territory_summary", code, stdout=out)
    return json.loads(out.getvalue())


def _state() -> dict[str, Any]:
    """Everything a re-run could change: row counts, the audit trail, and each node's last update."""
    return {
        "territories": dict(Territory.objects.values_list("code", "updated_at")),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "points": dict(Point.objects.values_list("code", "updated_at")),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_builds_the_published_counts_and_a_second_run_changes_nothing(demo_output: str) -> None:
    # given the demo built once
    output = demo_output
    weidong = _summary("410403")
    zhanhe = _summary("410411")

    # then 卫东区 has the published figures
    assert weidong["counts"]["grid"] == 563
    assert weidong["grid_workers"] == 833
    assert {k: weidong["points_by_type"][k] for k in HAZARD_COUNTS} == HAZARD_COUNTS
    assert weidong["points_by_type"]["bridge"] == 0
    # and 湛河区 a smaller grid layer with its 29 bridges and culverts
    assert zhanhe["counts"]["grid"] == 200
    assert zhanhe["grid_workers"] >= 200
    assert zhanhe["points_by_type"]["bridge"] == 29
    # every grid has a grid worker
    grids = Territory.objects.filter(kind=TerritoryKind.GRID)
    staffed = set(RoleGrant.objects.filter(role=Role.GRID_WORKER).values_list("territory_id", flat=True))
    assert set(grids.values_list("id", flat=True)) <= staffed
    # the output lists every demo login
    for login in DEMO_LOGINS:
        assert login.username in output
    assert DEMO_PASSWORD in output

    # when run again
    before = _state()
    second = _run_demo()
    # then nothing changed and nothing was duplicated
    assert _state() == before
    assert "demo_admin" in second


def test_demo_tree_is_coded_named_and_inside_the_district() -> None:
    district = Territory.objects.get(code="410403")
    outline = shape(district.geometry)
    assert Territory.objects.get_parent(district).code == "410400"  # type: ignore[union-attr]
    grids = list(Territory.objects.filter(kind=TerritoryKind.GRID, path__startswith=district.path))
    for grid in grids:
        geom = shape(grid.geometry)
        assert geom.is_valid and geom.area > 0
        assert geom.difference(outline).area <= geom.area * 1e-6, grid.code
        assert len(grid.code) == 15 and Territory.objects.get_parent(grid).code == grid.code[:12]  # type: ignore[union-attr]
        assert grid.is_synthetic and grid.name.endswith(SYNTHETIC_SUFFIX)
    geoms = [shape(g.geometry) for g in grids]
    assert shapely.union_all(geoms).area == pytest.approx(sum(g.area for g in geoms), rel=1e-6)
    named_in_sources = ["优越路街道", "华西社区", "地质社区", "高皇村", "五一一路社区", "蒲城街道"]
    named = Territory.objects.filter(name__in=named_in_sources)
    assert named.count() == 6
    assert not named.filter(is_synthetic=True).exists()
    assert Territory.objects.get(code="410403001001").name == "华西社区"


def test_every_point_lies_in_a_grid_with_a_responsible_person() -> None:
    # The hazard sites and bridges; the co-governance step adds the road sections and crossings of 分包.
    points = list(Point.objects.select_related("grid", "type").exclude(type__key__in=SUBCONTRACT_POINT_TYPES))
    assert len(points) == sum(HAZARD_COUNTS.values()) + 29
    for point in points:
        assert point.grid is not None and point.grid.kind == TerritoryKind.GRID, point.code
        assert shape(point.grid.geometry).contains(shapely.Point(point.lng, point.lat)), point.code
        assert point.responsible_name
        validate_phone(point.responsible_phone)
        assert mask_phone(point.responsible_phone).count("*") == 4
        assert point.is_synthetic and point.name.endswith(SYNTHETIC_SUFFIX)
        district = "410411" if point.type.key == "bridge" else "410403"
        assert point.grid.code.startswith(district)
    assert Point.objects.get(code="410403-river-001").name == "金鹰河（示例）"


def test_one_demo_login_per_role_with_the_shared_password() -> None:
    assert {login.role for login in DEMO_LOGINS} == set(Role.values)
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        assert user.is_demo
        grant = RoleGrant.objects.get(user=user)
        assert grant.role == login.role
        if login.territory_code:
            assert grant.territory is not None and grant.territory.code == login.territory_code
        else:
            assert grant.unit is not None and grant.unit.code == login.unit_code
    # the bulk grid workers are records, not logins
    assert not User.objects.get(username="gw_410403001001002_1").has_usable_password()


def test_units_cover_departments_companies_offices_and_committees() -> None:
    weidong = Unit.objects.filter(code__startswith="410403")
    assert weidong.filter(kind="command_centre").count() == 1
    assert weidong.filter(kind="department").count() >= 10
    assert weidong.filter(kind="company").count() == 7
    assert weidong.filter(kind="street_office").count() == 10
    assert weidong.filter(kind="community_committee").count() == 80
    committee = Unit.objects.get(code="410403001001-jwh")
    assert committee.name == "华西社区居民委员会"
    assert committee.parent is not None and committee.parent.code == "410403001-jdb"
