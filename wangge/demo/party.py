"""Demo data of 党建引领: the party tree of 华西社区 (卫东区 优越路街道) — 社区党委, a 网格党支部 on each of its grids
and one on its first 小区, 楼栋党小组 on buildings with their 党员中心户 — its members taken from the demo
residents (adults, flagged 党员 in the ledger), the 12 党员联户片区 of seed 004 with each member looking after a
few households of their building or grid, a 红色管家 for each group's building, and the cadres' 包片 (the demo
community and street staff and the grid leader).

Everything goes through the services as the demo builder, in one transaction, deterministically (one
``random.Random`` seeded by the community code); the step is idempotent: a community whose committee exists is
left alone. Without the ledgers of 华西社区 (buildings and residents) only the committee, branches and 包片 are
made.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.db.models import Q

from wangge.accounts.models import User
from wangge.demo.catalogue import WEIDONG
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Building, Estate, Household, Resident
from wangge.party.choices import MemberRole, OrgLevel
from wangge.party.models import CadreArea, LiaisonArea, PartyMember, PartyOrganisation
from wangge.party.services import (
    cadre_area_assign,
    liaison_area_create,
    liaison_link,
    member_enrol,
    organisation_create,
    steward_assign,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

COMMUNITY = f"{WEIDONG.code}001001"  # 华西社区
AREAS = 12  # 党员联户片区 (seed 004)
GROUPS_PER_BRANCH = 2
MEMBERS_PER_GROUP = 3
LINKS_PER_MEMBER = (3, 5)
ADULT_BEFORE = dt.date(2004, 1, 1)
CADRES = (
    ("demo_street_staff", None, "街道包片干部：统筹华西社区党建与网格工作"),
    ("demo_community_staff", 1, "社区包片干部：第1、2网格"),
    ("demo_community_staff", 2, "社区包片干部：第1、2网格"),
    ("demo_grid_leader", 1, "网格长包片：第1网格"),
)


def _short(name: str) -> str:
    return name.replace("（示意）", "")


def _adults(qs: Any, taken: set[int]) -> list[Resident]:
    rows = [
        r
        for r in qs.filter(status=ResidentStatus.CURRENT, birth_date__lt=ADULT_BEFORE).order_by("id")[:60]
        if r.pk not in taken
    ]
    return rows


def _enrol(
    actor: Any, rng: random.Random, r: Resident, org: PartyOrganisation, role: str, taken: set[int]
) -> PartyMember:
    taken.add(r.pk)
    joined = dt.date(rng.randint(1975, 2020), rng.randint(1, 12), 1)
    return member_enrol(actor=actor, resident=r, organisation=org, role=role, joined_party_on=joined, is_synthetic=True)


def party_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    community = Territory.objects.filter(code=COMMUNITY, kind=TerritoryKind.COMMUNITY).first()
    if community is None:
        return 0, 0
    existing = PartyOrganisation.objects.filter(territory=community, level=OrgLevel.COMMITTEE).first()
    if existing is not None:
        unchanged = PartyOrganisation.objects.filter(territory__path__startswith=community.path).count()
        return 0, unchanged
    rng = random.Random(int(COMMUNITY))
    created = 0
    taken: set[int] = set()
    name = _short(community.name)
    with transaction.atomic():
        committee = organisation_create(
            actor=actor, level=OrgLevel.COMMITTEE, name=f"{name}党委", territory=community, is_synthetic=True
        )
        created += 1
        grids = list(
            Territory.objects.filter(path__startswith=community.path, kind=TerritoryKind.GRID).order_by("code")
        )
        residents = Resident.objects.filter(grid__path__startswith=community.path)
        roles = (MemberRole.SECRETARY, MemberRole.DEPUTY, MemberRole.COMMITTEE_MEMBER, MemberRole.COMMITTEE_MEMBER)
        for r, role in zip(_adults(residents, taken), roles, strict=False):
            _enrol(actor, rng, r, committee, role, taken)
            created += 1
        branches: list[PartyOrganisation] = []
        estate = Estate.objects.filter(community=community).order_by("code").first()
        if estate is not None and Building.objects.filter(estate=estate).exists():
            branches.append(
                organisation_create(
                    actor=actor,
                    level=OrgLevel.BRANCH,
                    name=f"{_short(estate.name)}党支部",
                    parent=committee,
                    estate=estate,
                    is_synthetic=True,
                )
            )
        for i, grid in enumerate(grids, start=1):
            branches.append(
                organisation_create(
                    actor=actor,
                    level=OrgLevel.BRANCH,
                    name=f"{name}第{i}网格党支部",
                    parent=committee,
                    territory=grid,
                    is_synthetic=True,
                )
            )
        created += len(branches)
        used_buildings: set[int] = set()
        members_by_branch: dict[int, list[PartyMember]] = {}
        for branch in branches:
            where = residents.filter(building_q(branch))
            leaders = _adults(where, taken)[:2]
            for r, role in zip(leaders, (MemberRole.SECRETARY, MemberRole.COMMITTEE_MEMBER), strict=False):
                members_by_branch.setdefault(branch.pk, []).append(_enrol(actor, rng, r, branch, role, taken))
                created += 1
            buildings = (
                Building.objects.filter(estate=branch.estate)
                if branch.estate_id
                else Building.objects.filter(grid=branch.territory)
            )
            picked = [b for b in buildings.exclude(pk__in=used_buildings).order_by("code") if b.households.exists()]
            for building in picked[:GROUPS_PER_BRANCH]:
                used_buildings.add(building.pk)
                group = organisation_create(
                    actor=actor,
                    level=OrgLevel.GROUP,
                    name=f"{_short(building.name)}党小组",
                    parent=branch,
                    building=building,
                    is_synthetic=True,
                )
                created += 1
                people = _adults(residents.filter(household__building=building), taken)[:MEMBERS_PER_GROUP]
                group_members = []
                for j, r in enumerate(people):
                    role = MemberRole.GROUP_LEADER if j == 0 else MemberRole.MEMBER
                    group_members.append(_enrol(actor, rng, r, group, role, taken))
                    created += 1
                members_by_branch.setdefault(branch.pk, []).extend(group_members)
                if group_members:
                    leader = group_members[0]
                    steward_assign(actor=actor, building=building, member=leader, is_synthetic=True)
                    created += 1
                    home = leader.resident.household
                    if home is not None and home.building_id == building.pk:
                        organisation_create(
                            actor=actor,
                            level=OrgLevel.CENTRE,
                            name=f"{leader.resident.name}党员中心户",
                            parent=group,
                            household=home,
                            is_synthetic=True,
                        )
                        created += 1
        # The 12 联户片区, spread over the branches in turn; each member looks after a few households near them.
        areas: dict[int, list[LiaisonArea]] = {}
        for k in range(AREAS):
            branch = branches[k % len(branches)] if branches else committee
            area = liaison_area_create(actor=actor, organisation=branch, name=f"第{k + 1}联户片区", is_synthetic=True)
            areas.setdefault(branch.pk, []).append(area)
            created += 1
        for branch in branches:
            own_areas = areas.get(branch.pk, [])
            for n, member in enumerate(members_by_branch.get(branch.pk, [])):
                home = member.resident.household
                near = Household.objects.filter(building_id=home.building_id) if home and home.building_id else None
                if near is None or near.count() < 2:
                    near = Household.objects.filter(grid=member.resident.grid)
                chosen = [h for h in near.order_by("code")[:40] if not home or h.pk != home.pk]
                rng.shuffle(chosen)
                in_area = own_areas[n % len(own_areas)] if own_areas else None
                for household in chosen[: rng.randint(*LINKS_PER_MEMBER)]:
                    liaison_link(actor=actor, member=member, household=household, area=in_area, is_synthetic=True)
                    created += 1
        for username, grid_index, duty in CADRES:
            cadre = User.objects.filter(username=username, is_active=True).first()
            node = community if grid_index is None else (grids[grid_index - 1] if len(grids) >= grid_index else None)
            if cadre is None or node is None or CadreArea.objects.filter(cadre=cadre, territory=node).exists():
                continue
            cadre_area_assign(actor=actor, cadre=cadre, territory=node, duty=duty, is_synthetic=True)
            created += 1
    return created, 0


def building_q(branch: PartyOrganisation) -> Q:
    """The residents of a branch's place: its 小区's buildings or its grid."""
    if branch.estate_id:
        return Q(household__building__estate_id=branch.estate_id)
    return Q(grid=branch.territory)
