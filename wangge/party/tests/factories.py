"""A small party world for the tests: the ledger world's district (community a with grids a1, a2; community b;
another district), buildings, households and residents, and a four-level tree on community a (committee →
branch on grid a1 → group on a building of a1 → 中心户), with a member at each level."""

from __future__ import annotations

from types import SimpleNamespace

from wangge.core.actors import SystemActor
from wangge.ledgers.tests.factories import BuildingFactory, HouseholdFactory, ResidentFactory, ledger_world
from wangge.party.choices import MemberRole, OrgLevel
from wangge.party.services import member_enrol, organisation_create

SYSTEM = SystemActor("test")


def party_world(*, tree: bool = True) -> SimpleNamespace:
    w = ledger_world()
    w.building = BuildingFactory.create(grid=w.grid, lng=113.21, lat=33.72)
    w.building2 = BuildingFactory.create(grid=w.grid2, lng=113.26, lat=33.72)
    w.building_b = BuildingFactory.create(grid=w.grid_b, lng=113.31, lat=33.72)
    w.h1 = HouseholdFactory.create(building=w.building, grid=w.grid)
    w.h2 = HouseholdFactory.create(building=w.building, grid=w.grid)
    w.h3 = HouseholdFactory.create(building=w.building2, grid=w.grid2)
    w.h_b = HouseholdFactory.create(building=w.building_b, grid=w.grid_b)
    w.r1 = ResidentFactory.create(name="党员甲", household=w.h1, grid=w.grid)
    w.r2 = ResidentFactory.create(name="党员乙", household=w.h2, grid=w.grid)
    w.r3 = ResidentFactory.create(name="居民丙", household=w.h3, grid=w.grid2)
    w.r_b = ResidentFactory.create(name="乙社区居民", household=w.h_b, grid=w.grid_b)
    if tree:
        w.committee = organisation_create(
            actor=SYSTEM, level=OrgLevel.COMMITTEE, name="甲社区党委", territory=w.community
        )
        w.branch = organisation_create(
            actor=SYSTEM, level=OrgLevel.BRANCH, name="第一网格党支部", parent=w.committee, territory=w.grid
        )
        w.group = organisation_create(
            actor=SYSTEM, level=OrgLevel.GROUP, name="一号楼党小组", parent=w.branch, building=w.building
        )
        w.centre = organisation_create(
            actor=SYSTEM, level=OrgLevel.CENTRE, name="党员甲中心户", parent=w.group, household=w.h1
        )
        w.secretary = member_enrol(actor=SYSTEM, resident=w.r3, organisation=w.committee, role=MemberRole.SECRETARY)
        w.member = member_enrol(actor=SYSTEM, resident=w.r1, organisation=w.group, role=MemberRole.GROUP_LEADER)
    return w
