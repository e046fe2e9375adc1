"""Reads of the 基础台账: exact search through the blind index within scope, a household's people, counts under a
node, the reveal decision."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.ledgers import selectors, services
from wangge.ledgers.choices import MerchantStatus, Relation
from wangge.ledgers.tests.factories import (
    BuildingFactory,
    EstateFactory,
    MerchantFactory,
    ResidentFactory,
    id_number,
    ledger_world,
    place_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    return ledger_world()


def test_search_by_id_number_is_exact_and_scoped(w: SimpleNamespace) -> None:
    number = id_number(dt.date(1949, 12, 31), male=False)
    resident = ResidentFactory.create(grid=w.grid, id_number=number)

    assert list(selectors.residents_by_id_number(w.worker, f" {number.lower()} ")) == [resident]
    assert list(selectors.residents_by_id_number(w.community_staff, number)) == [resident]
    assert list(selectors.residents_by_id_number(w.other_worker, number)) == []
    assert list(selectors.residents_by_id_number(w.worker, number[:17])) == []
    assert list(selectors.residents_by_id_number(w.worker, "")) == []


def test_search_by_phone_takes_any_usual_spelling(w: SimpleNamespace) -> None:
    resident = ResidentFactory.create(grid=w.grid, phone="13912340000")
    ResidentFactory.create(grid=w.grid2, phone="13912340000")

    assert list(selectors.residents_by_phone(w.worker, "+86 139-1234-0000")) == [resident]
    assert selectors.residents_by_phone(w.community_staff, "13912340000").count() == 2
    assert list(selectors.residents_by_phone(w.stranger, "13912340000")) == []


def test_household_overview_lists_members_head_first_and_former_members(w: SimpleNamespace) -> None:
    household = place_household(w.grid)
    other = place_household(w.grid)
    child = services.resident_create(actor=SYSTEM, name="子", household=household, relation=Relation.CHILD)
    head = services.resident_create(actor=SYSTEM, name="父", household=household, relation=Relation.HEAD)
    lodger = services.resident_create(actor=SYSTEM, name="租客", household=household, relation=Relation.TENANT)
    services.resident_move(actor=SYSTEM, resident=lodger, to_household=other)

    overview = selectors.household_overview(household)

    assert overview.head == head
    assert overview.members == [head, child]
    assert [f.resident for f in overview.former] == [lodger]
    assert overview.grid == w.grid and overview.building == household.building
    assert len(overview.history) == 4  # three registrations and one move out


def test_ledger_counts_under_a_node(w: SimpleNamespace) -> None:
    estate = EstateFactory.create(community=w.community)
    building = BuildingFactory.create(grid=w.grid, estate=estate)
    household = place_household(w.grid, building=building)
    place_household(w.grid_b)
    ResidentFactory.create(household=household)
    archived = ResidentFactory.create(household=household)
    services.resident_archive(actor=SYSTEM, resident=archived, reason="moved_away")
    MerchantFactory.create(grid=w.grid2)
    MerchantFactory.create(grid=w.grid2, status=MerchantStatus.CLOSED)

    assert selectors.ledger_counts(w.community) == {"buildings": 1, "households": 1, "residents": 1, "merchants": 1}
    assert selectors.ledger_counts(w.district) == {"buildings": 2, "households": 2, "residents": 1, "merchants": 1}
    assert selectors.ledger_counts(w.grid_b) == {"buildings": 1, "households": 1, "residents": 0, "merchants": 0}


def test_may_reveal_follows_the_reveal_right_over_the_rows_grid(w: SimpleNamespace) -> None:
    resident = ResidentFactory.create(grid=w.grid)
    estate = EstateFactory.create(community=w.community)

    assert selectors.may_reveal(w.worker, resident)
    assert selectors.may_reveal(w.dispatcher, resident)
    assert selectors.may_reveal(SYSTEM, resident)
    assert not selectors.may_reveal(w.other_worker, resident)
    assert not selectors.may_reveal(w.leader, resident)  # leaders read masked numbers
    assert not selectors.may_reveal(w.stranger, resident)
    assert selectors.may_reveal(w.community_staff, estate) and not selectors.may_reveal(w.worker, estate)


def test_lists_are_scoped(w: SimpleNamespace) -> None:
    ResidentFactory.create(grid=w.grid)
    ResidentFactory.create(grid=w.grid2)

    assert selectors.residents_for(w.worker).count() == 1
    assert selectors.residents_for(w.community_staff).count() == 2
    assert selectors.residents_for(w.stranger).count() == 0


@pytest.mark.parametrize(
    ("word", "relation"),
    [
        ("本人", "head"),
        ("户主", "head"),
        ("妻子", "spouse"),
        ("长子", "child"),
        ("母亲", "parent"),
        ("儿媳", "child_in_law"),
    ],
)
def test_relations_as_household_registers_write_them(db: None, word: str, relation: str) -> None:
    from wangge.ledgers.records import clean_resident

    clean, problems = clean_resident({"name": "张三", "relation": word})
    assert not problems and clean["relation"] == relation


def test_an_unknown_relation_names_the_valid_words(db: None) -> None:
    from wangge.ledgers.records import clean_resident

    _clean, problems = clean_resident({"name": "张三", "relation": "邻居"})
    assert [p["field"] for p in problems] == ["relation"] and "户主" in problems[0]["reason"]
