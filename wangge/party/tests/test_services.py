"""The writes of 党建引领: the four-level tree on its places, members from the residents, 联户, 包片 and 红色管家;
each allowed and refused, and a refusal changes nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import user_with_role
from wangge.core.errors import DomainError, PermissionDenied, ValidationFailed
from wangge.party.choices import LEVEL_ORDER, PARENT_LEVEL, PARTY_TAG, MemberRole, OrgLevel
from wangge.party.errors import ErrorCode
from wangge.party.models import CadreArea, LiaisonArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward
from wangge.party.selectors import organisation_figures, territory_party, tree
from wangge.party.services import (
    cadre_area_assign,
    cadre_area_remove,
    liaison_area_create,
    liaison_link,
    member_change,
    member_enrol,
    organisation_create,
    organisation_remove,
    steward_assign,
)

pytestmark = pytest.mark.django_db


def fingerprint() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (PartyOrganisation, PartyMember, LiaisonArea, LiaisonLink, CadreArea, RedSteward)
    )


def refused(call: Any, error: type[DomainError], code: ErrorCode) -> None:
    before = fingerprint()
    with pytest.raises(error) as exc:
        call()
    assert exc.value.code == code and fingerprint() == before


def test_an_organiser_builds_a_branch_on_a_grid_of_the_committees_community(w: SimpleNamespace) -> None:
    branch = organisation_create(
        actor=w.community_staff, level=OrgLevel.BRANCH, name=" 第二网格党支部 ", parent=w.committee, territory=w.grid2
    )
    assert branch.name == "第二网格党支部" and branch.territory == w.grid2 and branch.parent == w.committee


def test_a_branch_on_a_small_estate_is_seen_through_its_community(w: SimpleNamespace) -> None:
    from wangge.ledgers.tests.factories import EstateFactory

    estate = EstateFactory.create(community=w.community)
    branch = organisation_create(
        actor=w.community_staff, level=OrgLevel.BRANCH, name="小区党支部", parent=w.committee, estate=estate
    )
    assert branch.territory == w.community and branch.estate == estate


@pytest.mark.parametrize(
    ("level", "parent", "place", "code"),
    [
        (OrgLevel.COMMITTEE, None, {"territory": "grid"}, ErrorCode.INVALID_ORGANISATION),
        (OrgLevel.BRANCH, "committee", {"territory": "grid_b"}, ErrorCode.OUTSIDE_AREA),
        (OrgLevel.GROUP, "committee", {"building": "building"}, ErrorCode.INVALID_ORGANISATION),
        (OrgLevel.GROUP, "branch", {"building": "building2"}, ErrorCode.OUTSIDE_AREA),
        (OrgLevel.CENTRE, "group", {"household": "h3"}, ErrorCode.OUTSIDE_AREA),
        (OrgLevel.COMMITTEE, None, {"territory": "community"}, ErrorCode.ORGANISATION_EXISTS),
        (OrgLevel.GROUP, "branch", {"building": "building"}, ErrorCode.ORGANISATION_EXISTS),
    ],
)
def test_a_crooked_tree_is_refused(
    w: SimpleNamespace, level: str, parent: str | None, place: dict[str, str], code: ErrorCode
) -> None:
    kwargs = {k: getattr(w, v) for k, v in place.items()}
    refused(
        lambda: organisation_create(
            actor=w.admin, level=level, name="x", parent=getattr(w, parent) if parent else None, **kwargs
        ),
        ValidationFailed,
        code,
    )


def test_a_grid_worker_does_not_build_the_tree(w: SimpleNamespace) -> None:
    refused(
        lambda: organisation_create(
            actor=w.worker, level=OrgLevel.BRANCH, name="x", parent=w.committee, territory=w.grid2
        ),
        PermissionDenied,
        ErrorCode.NOT_ORGANISER,
    )


def test_the_tree_nests_each_level_under_the_one_above_and_is_scoped(w: SimpleNamespace) -> None:
    roots = tree(w.admin)
    assert [n.org for n in roots] == [w.committee]
    chain = [roots[0]]
    while chain[-1].children:
        chain.append(chain[-1].children[0])
    assert [n.org.level for n in chain] == [OrgLevel.COMMITTEE, OrgLevel.BRANCH, OrgLevel.GROUP, OrgLevel.CENTRE]
    for node in chain[1:]:
        parent = node.org.parent
        assert parent is not None and PARENT_LEVEL[node.org.level] == parent.level
        assert LEVEL_ORDER[node.org.level] == LEVEL_ORDER[parent.level] + 1
    assert roots[0].total_members == 2
    # A grid worker sees the organisations of their grid (the branch is their root); a stranger sees none.
    assert [n.org for n in tree(w.worker)] == [w.branch]
    assert tree(w.other_worker) == [] and tree(w.stranger) == []


def test_removing_an_organisation_with_members_or_children_is_refused(w: SimpleNamespace) -> None:
    refused(
        lambda: organisation_remove(actor=w.admin, organisation=w.group),
        ValidationFailed,
        ErrorCode.ORGANISATION_NOT_EMPTY,
    )
    organisation_remove(actor=w.admin, organisation=w.centre)
    assert not PartyOrganisation.objects.filter(pk=w.centre.pk).exists()


def test_enrolling_a_resident_flags_them_in_the_ledger(w: SimpleNamespace) -> None:
    m = member_enrol(actor=w.community_staff, resident=w.r2, organisation=w.branch, role=MemberRole.MEMBER)
    assert m.organisation == w.branch and w.r2.tags.filter(key=PARTY_TAG).exists()
    assert organisation_figures(w.committee)["members_total"] == 3


def test_a_resident_elsewhere_or_enrolled_twice_is_refused(w: SimpleNamespace) -> None:
    refused(
        lambda: member_enrol(actor=w.admin, resident=w.r_b, organisation=w.branch),
        ValidationFailed,
        ErrorCode.INVALID_MEMBER,
    )
    refused(
        lambda: member_enrol(actor=w.admin, resident=w.r1, organisation=w.branch),
        ValidationFailed,
        ErrorCode.MEMBER_EXISTS,
    )
    refused(
        lambda: member_enrol(actor=w.worker, resident=w.r2, organisation=w.branch),
        PermissionDenied,
        ErrorCode.NOT_ORGANISER,
    )


def test_a_member_changes_role_or_leaves(w: SimpleNamespace) -> None:
    m = member_change(actor=w.community_staff, member=w.member, role=MemberRole.MEMBER, is_active=False)
    assert m.role == MemberRole.MEMBER and not m.is_active
    refused(
        lambda: member_change(actor=w.worker, member=w.member, role=MemberRole.SECRETARY),
        PermissionDenied,
        ErrorCode.NOT_ORGANISER,
    )
    assert PartyMember.objects.get(pk=w.member.pk).role == MemberRole.MEMBER


def test_a_member_looks_after_households_of_their_community_in_an_area(w: SimpleNamespace) -> None:
    area = liaison_area_create(actor=w.community_staff, organisation=w.branch, name="第1联户片区")
    link = liaison_link(actor=w.community_staff, member=w.member, household=w.h2, area=area)
    assert link.area == area and organisation_figures(w.branch)["households"] == 1
    refused(
        lambda: liaison_link(actor=w.admin, member=w.member, household=w.h2), ValidationFailed, ErrorCode.LINK_EXISTS
    )
    refused(
        lambda: liaison_link(actor=w.admin, member=w.member, household=w.h_b), ValidationFailed, ErrorCode.OUTSIDE_AREA
    )
    refused(
        lambda: liaison_link(actor=w.worker, member=w.member, household=w.h3), PermissionDenied, ErrorCode.NOT_ORGANISER
    )


def test_cadres_take_an_area_and_leave_it(w: SimpleNamespace) -> None:
    cadre = user_with_role(Role.STREET_STAFF, w.tree.street_a, username="cadre")
    area = cadre_area_assign(actor=w.admin, cadre=cadre, territory=w.grid, duty="包片第一网格")
    assert [a.cadre for a in territory_party(w.admin, w.grid)["cadres"]] == [cadre]
    refused(
        lambda: cadre_area_assign(actor=w.admin, cadre=cadre, territory=w.grid), ValidationFailed, ErrorCode.LINK_EXISTS
    )
    refused(
        lambda: cadre_area_assign(actor=w.worker, cadre=cadre, territory=w.grid2),
        PermissionDenied,
        ErrorCode.NOT_ORGANISER,
    )
    cadre_area_remove(actor=w.admin, area=area)
    assert not CadreArea.objects.exists()


def test_a_building_gets_its_red_steward_from_the_community(w: SimpleNamespace) -> None:
    s = steward_assign(actor=w.community_staff, building=w.building, member=w.member)
    again = steward_assign(actor=w.community_staff, building=w.building, member=w.secretary)
    assert s.pk == again.pk and again.member == w.secretary and RedSteward.objects.count() == 1
    stranger = member_enrol(
        actor=w.admin,
        resident=w.r_b,
        organisation=organisation_create(
            actor=w.admin, level=OrgLevel.COMMITTEE, name="乙社区党委", territory=w.community_b
        ),
    )
    refused(
        lambda: steward_assign(actor=w.admin, building=w.building, member=stranger),
        ValidationFailed,
        ErrorCode.OUTSIDE_AREA,
    )
    refused(
        lambda: steward_assign(actor=w.worker, building=w.building, member=w.member),
        PermissionDenied,
        ErrorCode.NOT_ORGANISER,
    )


def test_the_territory_page_lists_the_organisations_on_and_above_a_node(w: SimpleNamespace) -> None:
    seen = territory_party(w.admin, w.grid)
    assert [o.pk for o in seen["organisations"]] == [w.branch.pk, w.group.pk]
    assert seen["above"] == [w.committee] and seen["centres"] == 1
    assert territory_party(w.worker, w.grid)["above"] == []  # the committee lies outside a grid worker's scope
