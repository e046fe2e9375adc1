"""The party-organisation tree: create an organisation on its place, remove an empty one.

A level sits under the level above it (``choices.PARENT_LEVEL``) and on its own kind of place: a committee on a
community, a branch on a grid of the committee's community or on a 小区 of it, a group on a building of the
branch's grid (or 小区), a 中心户 on a household of the group's building. The service checks both, so the tree
cannot be built crooked through any channel.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.ledgers.models import Building, Estate, Household
from wangge.party.choices import PARENT_LEVEL, OrgLevel
from wangge.party.errors import ErrorCode
from wangge.party.models import PartyOrganisation
from wangge.party.services.common import refuse, require_organiser
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = ["organisation_create", "organisation_remove"]


def _under(path: str, parent: PartyOrganisation) -> bool:
    return path.startswith(parent.territory.path)


def _place(
    level: str,
    parent: PartyOrganisation | None,
    territory: Territory | None,
    estate: Estate | None,
    building: Building | None,
    household: Household | None,
) -> dict[str, Any]:
    """The organisation's place fields, or a refusal naming what is wrong."""
    wrong = refuse("place", ErrorCode.INVALID_ORGANISATION, _("该层级的党组织须建在对应的位置上"))
    if level == OrgLevel.COMMITTEE:
        if territory is None or territory.kind != TerritoryKind.COMMUNITY or estate or building or household:
            raise refuse("territory", ErrorCode.INVALID_ORGANISATION, _("社区党委须建在社区（村）上"))
        return {"territory": territory}
    assert parent is not None
    if level == OrgLevel.BRANCH:
        if estate is not None and territory is None and building is None and household is None:
            if estate.community_id != parent.territory_id:
                raise refuse("estate", ErrorCode.OUTSIDE_AREA, _("该小区不在上级党委所在社区"))
            return {"territory": estate.community, "estate": estate}
        if territory is None or territory.kind != TerritoryKind.GRID or building or household:
            raise refuse("territory", ErrorCode.INVALID_ORGANISATION, _("网格党支部须建在网格或小区上"))
        if not _under(territory.path, parent):
            raise refuse("territory", ErrorCode.OUTSIDE_AREA, _("该网格不在上级党委所在社区"))
        return {"territory": territory}
    if level == OrgLevel.GROUP:
        if building is None or territory or estate or household:
            raise wrong
        inside = (
            building.estate_id == parent.estate_id
            if parent.estate_id is not None
            else building.grid_id == parent.territory_id
        )
        if not inside:
            raise refuse("building", ErrorCode.OUTSIDE_AREA, _("该楼栋不在上级党支部的网格（小区）内"))
        return {"territory": building.grid, "building": building}
    if household is None or territory or estate or building:
        raise wrong
    if parent.building_id is None or household.building_id != parent.building_id:
        raise refuse("household", ErrorCode.OUTSIDE_AREA, _("该户不在上级党小组的楼栋内"))
    return {"territory": household.grid, "household": household}


def organisation_create(
    *,
    actor: ActorLike,
    level: str,
    name: str,
    parent: PartyOrganisation | None = None,
    territory: Territory | None = None,
    estate: Estate | None = None,
    building: Building | None = None,
    household: Household | None = None,
    note: str = "",
    is_synthetic: bool = False,
) -> PartyOrganisation:
    """A party organisation of ``level`` under ``parent`` (none for a committee) on its place: ``territory`` (a
    community for a committee, a grid for a branch), ``estate`` (a 小区 branch), ``building`` (a group) or
    ``household`` (a 中心户). Raises PermissionDenied (not an organiser of the place) and ValidationFailed."""
    require(actor)
    if level not in OrgLevel.values:
        raise refuse("level", ErrorCode.INVALID_ORGANISATION, _("层级不正确"))
    expected = PARENT_LEVEL[level]
    if (parent is None) != (expected is None) or (parent is not None and parent.level != expected):
        raise refuse("parent", ErrorCode.INVALID_ORGANISATION, _("上级组织的层级不正确"))
    place = _place(level, parent, territory, estate, building, household)
    require_organiser(actor, place["territory"].path)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise refuse("name", ErrorCode.INVALID_ORGANISATION, _("请填写组织名称（不超过 100 字）"))
    taken = PartyOrganisation.objects.filter(level=level)
    if level == OrgLevel.COMMITTEE and taken.filter(territory=place["territory"]).exists():
        raise refuse("territory", ErrorCode.ORGANISATION_EXISTS, _("该社区已有社区党委"))
    if level == OrgLevel.GROUP and taken.filter(building=place["building"]).exists():
        raise refuse("building", ErrorCode.ORGANISATION_EXISTS, _("该楼栋已有党小组"))
    if level == OrgLevel.CENTRE and taken.filter(household=place["household"]).exists():
        raise refuse("household", ErrorCode.ORGANISATION_EXISTS, _("该户已是党员中心户"))
    with transaction.atomic():
        org = PartyOrganisation.objects.create(
            name=name, level=level, parent=parent, note=str(note or "")[:200], is_synthetic=is_synthetic, **place
        )
        audit.record(actor=actor, action="party.organisation_create", obj=org, after=audit.snapshot(org))
    return org


def organisation_remove(*, actor: ActorLike, organisation: PartyOrganisation) -> None:
    """Remove an organisation with neither members nor organisations under it."""
    require(actor)
    require_organiser(actor, organisation.territory.path)
    with transaction.atomic():
        locked = PartyOrganisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.children.exists() or locked.members.exists() or locked.liaison_areas.exists():
            raise refuse("organisation", ErrorCode.ORGANISATION_NOT_EMPTY, _("该组织下还有党员、下级组织或联户片区"))
        before = audit.snapshot(locked)
        audit.record(actor=actor, action="party.organisation_remove", obj=locked, before=before)
        locked.delete()
