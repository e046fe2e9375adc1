"""Routing in the demo: every category a case can be filed under reaches a unit of the demo that fits it.

The territory, the units and the category dictionary are built once for the module (inside a transaction
rolled back at the end); each test reads them inside its own savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.demo.catalogue import COMPANIES, DEPARTMENTS, DISTRICTS, unit_code
from wangge.demo.services import (
    DemoOptions,
    demo_categories_seed,
    demo_seed,
    demo_territory_seed,
    demo_units_seed,
)
from wangge.territory import locator
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders import catalog
from wangge.workorders.choices import HandlingClass
from wangge.workorders.models import Category
from wangge.workorders.services import suggest_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_units")]

DEMO_KEYS = {key: UnitKind.DEPARTMENT for key, _ in DEPARTMENTS} | {key: UnitKind.COMPANY for key, _ in COMPANIES}
# 上级或多部门联合办理 with no default unit: no single unit to route to, the dispatcher chooses.
LEFT_TO_THE_DISPATCHER = {"S1002"}


@pytest.fixture(scope="module")
def demo_units(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo's territory, units and categories, built once for the module and rolled back afterwards."""
    steps = [("territory", demo_territory_seed), ("units", demo_units_seed), ("categories", demo_categories_seed)]
    with django_db_blocker.unblock(), transaction.atomic():
        locator.invalidate()
        demo_seed(options=DemoOptions(), steps=steps)
        yield
        transaction.set_rollback(True)
    locator.invalidate()


def _leaves() -> list[Category]:
    """The categories cases are filed under: the active dictionary's active categories without subcategories."""
    cs = catalog.active_set()
    return list(Category.objects.filter(category_set=cs, is_active=True, children__isnull=True).order_by("code"))


def _first_grid(district_code: str) -> Territory:
    grid = Territory.objects.filter(kind=TerritoryKind.GRID, code__startswith=district_code).order_by("code").first()
    assert grid is not None
    return grid


def test_every_default_unit_key_of_the_dictionary_is_a_demo_unit() -> None:
    keys = {c.default_unit_code for c in _leaves() if c.default_unit_code}

    assert keys <= set(DEMO_KEYS), sorted(keys - set(DEMO_KEYS))


@pytest.mark.parametrize("district_code", [d.code for d in DISTRICTS])
def test_every_category_routes_to_a_fitting_unit_of_the_district(district_code: str) -> None:
    # given a grid of the district and its community and street
    grid = _first_grid(district_code)
    community = Territory.objects.get_parent(grid)
    street = Territory.objects.get_parent(community) if community is not None else None
    assert community is not None and street is not None
    unrouted = set()

    for category in _leaves():
        # when a case of the category is located in the grid
        unit = suggest_unit(category=category, territory=grid)

        # then it goes to the district's unit the category names, else by handling class to the community
        # committee (A) or the street office (B); only joint handling without a named unit is left open
        if unit is None:
            unrouted.add(category.code)
            continue
        assert unit.is_active, category.code
        if category.default_unit_code:
            expected = (unit_code(district_code, category.default_unit_code), DEMO_KEYS[category.default_unit_code])
            assert (unit.code, unit.kind, unit.territory.code) == (*expected, district_code), category.code
        elif category.handling_class == HandlingClass.A:
            assert (unit.kind, unit.territory) == (UnitKind.COMMUNITY_COMMITTEE, community), category.code
        else:
            assert category.handling_class == HandlingClass.B, category.code
            assert (unit.kind, unit.territory) == (UnitKind.STREET_OFFICE, street), category.code
    assert unrouted == LEFT_TO_THE_DISPATCHER


def test_labour_and_land_cases_reach_their_bureaus() -> None:
    # 欠薪, 社会保险 → 人社局; 违法占地 → 自然资源局, in each district (not some other unit picked at random)
    for spec in DISTRICTS:
        grid = _first_grid(spec.code)
        routed = {
            code: suggest_unit(category=Category.objects.get(category_set__is_active=True, code=code), territory=grid)
            for code in ("S0401", "S0402", "C0502")
        }
        names = {code: unit.name if unit else None for code, unit in routed.items()}

        assert names == {
            "S0401": f"{spec.name}人力资源和社会保障局",
            "S0402": f"{spec.name}人力资源和社会保障局",
            "C0502": f"平顶山市自然资源和规划局{spec.name}分局",
        }
        assert all(isinstance(u, Unit) and u.kind == UnitKind.DEPARTMENT for u in routed.values())
