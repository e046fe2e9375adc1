"""Party members (from the residents' ledger), 党员联户 and its 片区, 干部包片 and the 红色管家 of a building.

Enrolling a resident flags them in the 基础台账 with the 党员 tag; leaving (``member_change(is_active=False)``)
keeps the row and the history. Every write is checked against the place: a member's resident lives under the
organisation's territory, a 联户 household and a steward's building lie under it too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Building, Household, Resident, ResidentTag
from wangge.party.choices import PARTY_TAG, MemberRole
from wangge.party.errors import ErrorCode
from wangge.party.models import CadreArea, LiaisonArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward
from wangge.party.services.common import refuse, require_organiser
from wangge.territory.models import Territory

__all__ = [
    "cadre_area_assign",
    "cadre_area_remove",
    "liaison_area_create",
    "liaison_link",
    "liaison_unlink",
    "member_change",
    "member_enrol",
    "steward_assign",
]


def _community_path(org: PartyOrganisation) -> str:
    """The path a member's resident or a 联户 household must lie under: the organisation's community."""
    path: str = org.territory.path
    step = Territory.steplen
    return path if org.territory.kind == "community" else path[: max(step, len(path) - step)]


def member_enrol(
    *,
    actor: ActorLike,
    resident: Resident,
    organisation: PartyOrganisation,
    role: str = MemberRole.MEMBER,
    joined_party_on: dt.date | None = None,
    note: str = "",
    is_synthetic: bool = False,
) -> PartyMember:
    """Enrol a current resident living in the organisation's community as a member. Raises PermissionDenied and
    ValidationFailed (moved out, elsewhere, already enrolled, a bad role)."""
    require(actor)
    require_organiser(actor, organisation.territory.path)
    if role not in MemberRole.values:
        raise refuse("role", ErrorCode.INVALID_MEMBER, _("职务不正确"))
    if resident.status != ResidentStatus.CURRENT or not resident.grid.path.startswith(_community_path(organisation)):
        raise refuse("resident", ErrorCode.INVALID_MEMBER, _("该居民不是本社区的现住居民"))
    if PartyMember.objects.filter(resident=resident).exists():
        raise refuse("resident", ErrorCode.MEMBER_EXISTS, _("该居民已登记为党员"))
    with transaction.atomic():
        member = PartyMember.objects.create(
            resident=resident,
            organisation=organisation,
            role=role,
            joined_party_on=joined_party_on,
            note=str(note or "")[:200],
            is_synthetic=is_synthetic,
        )
        tag = ResidentTag.objects.filter(key=PARTY_TAG).first()
        if tag is not None:
            resident.tags.add(tag)
        audit.record(actor=actor, action="party.member_enrol", obj=member, after=audit.snapshot(member))
    return member


def member_change(
    *,
    actor: ActorLike,
    member: PartyMember,
    organisation: PartyOrganisation | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> PartyMember:
    """Move a member to another organisation of the community, change their role, or mark them left (不在册)."""
    require(actor)
    require_organiser(actor, member.organisation.territory.path)
    if organisation is not None:
        require_organiser(actor, organisation.territory.path)
        if _community_path(organisation) != _community_path(member.organisation):
            raise refuse("organisation", ErrorCode.OUTSIDE_AREA, _("只能转入本社区的党组织"))
    if role is not None and role not in MemberRole.values:
        raise refuse("role", ErrorCode.INVALID_MEMBER, _("职务不正确"))
    with transaction.atomic():
        locked = PartyMember.objects.select_for_update().get(pk=member.pk)
        before = audit.snapshot(locked)
        if organisation is not None:
            locked.organisation = organisation
        if role is not None:
            locked.role = role
        if is_active is not None:
            locked.is_active = is_active
        locked.save()
        audit.record(actor=actor, action="party.member_change", obj=locked, before=before, after=audit.snapshot(locked))
    return locked


def liaison_area_create(
    *, actor: ActorLike, organisation: PartyOrganisation, name: str, note: str = "", is_synthetic: bool = False
) -> LiaisonArea:
    """A 党员联户片区 of an organisation."""
    require(actor)
    require_organiser(actor, organisation.territory.path)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 100:
        raise refuse("name", ErrorCode.INVALID_ORGANISATION, _("请填写片区名称（不超过 100 字）"))
    if LiaisonArea.objects.filter(organisation=organisation, name=name).exists():
        raise refuse("name", ErrorCode.ORGANISATION_EXISTS, _("已有同名片区"))
    with transaction.atomic():
        area = LiaisonArea.objects.create(
            organisation=organisation, name=name, note=str(note or "")[:200], is_synthetic=is_synthetic
        )
        audit.record(actor=actor, action="party.area_create", obj=area, after=audit.snapshot(area))
    return area


def liaison_link(
    *,
    actor: ActorLike,
    member: PartyMember,
    household: Household,
    area: LiaisonArea | None = None,
    is_synthetic: bool = False,
) -> LiaisonLink:
    """党员联户: ``member`` looks after ``household`` (of the member's community), in ``area`` (of the same
    community) if given."""
    require(actor)
    org = member.organisation
    require_organiser(actor, org.territory.path)
    community = _community_path(org)
    if not member.is_active:
        raise refuse("member", ErrorCode.INVALID_MEMBER, _("该党员已不在册"))
    if not household.grid.path.startswith(community):
        raise refuse("household", ErrorCode.OUTSIDE_AREA, _("该户不在党员所在社区"))
    if area is not None and _community_path(area.organisation) != community:
        raise refuse("area", ErrorCode.OUTSIDE_AREA, _("该片区不在党员所在社区"))
    if LiaisonLink.objects.filter(member=member, household=household).exists():
        raise refuse("household", ErrorCode.LINK_EXISTS, _("该党员已联系此户"))
    with transaction.atomic():
        link = LiaisonLink.objects.create(member=member, household=household, area=area, is_synthetic=is_synthetic)
        audit.record(actor=actor, action="party.link_create", obj=link, after=audit.snapshot(link))
    return link


def liaison_unlink(*, actor: ActorLike, link: LiaisonLink) -> None:
    require(actor)
    require_organiser(actor, link.member.organisation.territory.path)
    with transaction.atomic():
        audit.record(actor=actor, action="party.link_remove", obj=link, before=audit.snapshot(link))
        link.delete()


def cadre_area_assign(
    *,
    actor: ActorLike,
    cadre: Any,
    territory: Territory,
    duty: str = "",
    since: dt.date | None = None,
    is_synthetic: bool = False,
) -> CadreArea:
    """干部包片: ``cadre`` (an account) answers for ``territory``."""
    require(actor)
    require_organiser(actor, territory.path)
    if not getattr(cadre, "is_active", False):
        raise refuse("cadre", ErrorCode.INVALID_MEMBER, _("该账号已停用"))
    if CadreArea.objects.filter(cadre=cadre, territory=territory).exists():
        raise refuse("territory", ErrorCode.LINK_EXISTS, _("该干部已包片此区域"))
    with transaction.atomic():
        area = CadreArea.objects.create(
            cadre=cadre, territory=territory, duty=str(duty or "")[:200], since=since, is_synthetic=is_synthetic
        )
        audit.record(actor=actor, action="party.cadre_assign", obj=area, after=audit.snapshot(area))
    return area


def cadre_area_remove(*, actor: ActorLike, area: CadreArea) -> None:
    require(actor)
    require_organiser(actor, area.territory.path)
    with transaction.atomic():
        audit.record(actor=actor, action="party.cadre_remove", obj=area, before=audit.snapshot(area))
        area.delete()


def steward_assign(
    *, actor: ActorLike, building: Building, member: PartyMember, is_synthetic: bool = False
) -> RedSteward:
    """The 红色管家 of ``building``: an active member of its community (replaces the previous one)."""
    require(actor)
    require_organiser(actor, building.grid.path)
    if not member.is_active or not building.grid.path.startswith(_community_path(member.organisation)):
        raise refuse("member", ErrorCode.OUTSIDE_AREA, _("红色管家须是本社区在册党员"))
    with transaction.atomic():
        current = RedSteward.objects.select_for_update().filter(building=building).first()
        before = audit.snapshot(current)
        if current is None:
            current = RedSteward.objects.create(building=building, member=member, is_synthetic=is_synthetic)
        else:
            current.member = member
            current.save(update_fields=["member", "updated_at"])
        audit.record(
            actor=actor, action="party.steward_assign", obj=current, before=before, after=audit.snapshot(current)
        )
    return current
