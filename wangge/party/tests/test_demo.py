"""The demo's party step: the four-level tree of 华西社区 with members, 联户 and 包片, through the services; once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import territory_tree, user_with_role
from wangge.demo.party import COMMUNITY, party_seed
from wangge.demo.services import DEMO_ACTOR
from wangge.ledgers.tests.factories import BuildingFactory, EstateFactory, HouseholdFactory, ResidentFactory, id_number
from wangge.party.choices import PARENT_LEVEL, OrgLevel
from wangge.party.models import CadreArea, LiaisonArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_party_tree_of_huaxi_once(db: Any) -> None:
    tree = territory_tree("410403")
    assert tree.community_a.code == COMMUNITY
    estate = EstateFactory.create(community=tree.community_a)
    n = 0
    for grid in (tree.grid_a1, tree.grid_a2):
        for b in range(4):
            building = BuildingFactory.create(grid=grid, estate=estate if (grid == tree.grid_a1 and b == 0) else None)
            for _h in range(5):
                household = HouseholdFactory.create(building=building, grid=grid)
                for _r in range(2):
                    n += 1
                    born = dt.date(1950 + n % 40, 1 + n % 12, 1 + n % 28)
                    ResidentFactory.create(household=household, grid=grid, birth_date=born, id_number=id_number(born))
    user_with_role(Role.COMMUNITY_STAFF, tree.community_a, username="demo_community_staff")
    user_with_role(Role.STREET_STAFF, tree.street_a, username="demo_street_staff")

    created, unchanged = party_seed(actor=DEMO_ACTOR, options=None)

    levels = set(PartyOrganisation.objects.values_list("level", flat=True))
    assert levels == set(OrgLevel.values) and unchanged == 0 and created > 50
    for org in PartyOrganisation.objects.exclude(level=OrgLevel.COMMITTEE):
        assert org.parent is not None and org.parent.level == PARENT_LEVEL[org.level]
    assert PartyOrganisation.objects.filter(level=OrgLevel.BRANCH).count() == 3  # the 小区 and the two grids
    assert LiaisonArea.objects.count() == 12 and LiaisonLink.objects.count() > 20
    assert RedSteward.objects.exists() and CadreArea.objects.count() == 3
    assert all(m.resident.tags.filter(key="party_member").exists() for m in PartyMember.objects.all())
    before = PartyOrganisation.objects.count()
    assert party_seed(actor=DEMO_ACTOR, options=None) == (0, before)
    assert PartyOrganisation.objects.count() == before


def test_without_the_community_the_demo_does_nothing(db: Any) -> None:
    assert party_seed(actor=DEMO_ACTOR, options=None) == (0, 0)
