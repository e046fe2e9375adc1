"""The register: the roles table, volunteers (from a resident of the ledger, or directly with a name and a
mobile number), their roles and leaving, and the teams with their leader and members. Every write is atomic
and audited; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, crypto
from wangge.core.actors import require
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.validators import normalise_phone, validate_phone
from wangge.ledgers.models import Resident
from wangge.territory.models import Territory
from wangge.volunteers.choices import DEFAULT_ROLES, VolunteerStatus
from wangge.volunteers.errors import ErrorCode
from wangge.volunteers.models import Team, Volunteer, VolunteerRole
from wangge.volunteers.services.common import (
    may_edit_roles,
    problem,
    refuse,
    require_manage,
    require_register,
)

__all__ = [
    "team_save",
    "volunteer_create",
    "volunteer_leave",
    "volunteer_reveal_phone",
    "volunteer_role_save",
    "volunteer_roles_seed",
    "volunteer_update",
]


def volunteer_roles_seed() -> int:
    """The district's default roles (``choices.DEFAULT_ROLES``); returns how many were created."""
    created = 0
    for key, name, ordering in DEFAULT_ROLES:
        _role, made = VolunteerRole.objects.get_or_create(key=key, defaults={"name": name, "ordering": ordering})
        created += int(made)
    return created


def volunteer_role_save(
    *,
    actor: ActorLike,
    key: str,
    name: str,
    description: str = "",
    ordering: int = 100,
    is_active: bool = True,
) -> VolunteerRole:
    """Add a role or change one (administrators)."""
    require(actor)
    if not may_edit_roles(actor):
        raise PermissionDenied(_("只有管理员可以维护志愿者角色"), code=ErrorCode.NOT_ROLE_EDITOR)
    name, key = name.strip(), key.strip()
    if not name or not key or len(name) > 50:
        raise refuse([problem("name", ErrorCode.INVALID_VOLUNTEER, _("请填写角色键和名称（不超过 50 字）"))])
    with transaction.atomic():
        role = VolunteerRole.objects.select_for_update().filter(key=key).first()
        before = audit.snapshot(role)
        role = role or VolunteerRole(key=key)
        role.name, role.description, role.ordering, role.is_active = name, description[:200], ordering, is_active
        role.save()
        audit.record(
            actor=actor,
            action="volunteers.role_update" if before else "volunteers.role_create",
            obj=role,
            before=before,
            after=audit.snapshot(role),
        )
    return role


def _phone(raw: str) -> str:
    phone = normalise_phone(raw or "")
    if not phone:
        return ""
    try:
        validate_phone(phone)
    except ValidationError:
        raise refuse([problem("phone", ErrorCode.INVALID_VOLUNTEER, _("手机号格式不正确"))]) from None
    return phone


def _roles(keys: Iterable[Any]) -> list[VolunteerRole]:
    wanted = [r.key if isinstance(r, VolunteerRole) else str(r) for r in keys]
    found = list(VolunteerRole.objects.filter(key__in=wanted, is_active=True))
    missing = sorted(set(wanted) - {r.key for r in found})
    if missing:
        raise refuse(
            [problem("roles", ErrorCode.INVALID_VOLUNTEER, _("角色不存在：%(k)s") % {"k": "、".join(missing)})]
        )
    return found


def _check_unique(resident: Resident | None, index: str, exclude: int | None = None) -> None:
    qs = Volunteer.objects.exclude(pk=exclude) if exclude else Volunteer.objects.all()
    if resident is not None and qs.filter(resident=resident).exists():
        raise ValidationFailed(_("该居民已登记为志愿者"), code=ErrorCode.DUPLICATE_VOLUNTEER)
    if index and qs.filter(phone_index=index).exists():
        raise ValidationFailed(_("该手机号已登记为志愿者"), code=ErrorCode.DUPLICATE_VOLUNTEER)


def volunteer_create(
    *,
    actor: ActorLike,
    resident: Resident | None = None,
    name: str = "",
    phone: str = "",
    territory: Territory | None = None,
    roles: Iterable[Any] = (),
    joined_on: dt.date | None = None,
    note: str = "",
    is_synthetic: bool = False,
) -> Volunteer:
    """Register a volunteer. From a resident: their name, mobile number and grid (a number given here replaces
    a resident's missing one); directly: a name, a mobile number and the node they serve in. Registrars over
    that node only; one volunteer per resident and per number."""
    require(actor)
    if resident is not None:
        name = name.strip() or resident.name
        phone = phone or resident.phone or ""
        territory = resident.grid
    name = name.strip()
    problems = []
    if not name or len(name) > 50:
        problems.append(problem("name", ErrorCode.INVALID_VOLUNTEER, _("请填写姓名（不超过 50 字）")))
    if territory is None:
        problems.append(problem("territory", ErrorCode.INVALID_VOLUNTEER, _("请选择所属辖区")))
    if resident is None and not phone:
        problems.append(problem("phone", ErrorCode.INVALID_VOLUNTEER, _("直接登记的志愿者须填写手机号")))
    if problems:
        raise refuse(problems)
    assert territory is not None
    require_register(actor, territory.path)
    clean_phone = _phone(phone)
    index = crypto.blind_index(clean_phone)
    chosen = _roles(roles)
    with transaction.atomic():
        _check_unique(resident, index)
        v = Volunteer.objects.create(
            name=name,
            phone=clean_phone,
            phone_index=index,
            resident=resident,
            territory=territory,
            joined_on=joined_on or timezone.localdate(),
            note=note.strip()[:200],
            is_synthetic=is_synthetic,
        )
        v.roles.set(chosen)
        audit.record(
            actor=actor,
            action="volunteers.volunteer_create",
            obj=v,
            after={**(audit.snapshot(v) or {}), "roles": sorted(r.key for r in chosen)},
            only_changes=False,
        )
    return v


def _locked(actor: ActorLike, volunteer: Volunteer | int) -> Volunteer:
    pk = volunteer.pk if isinstance(volunteer, Volunteer) else int(volunteer)
    v = Volunteer.objects.select_for_update(of=("self",)).select_related("territory").filter(pk=pk).first()
    if v is None:
        from wangge.core.errors import NotFound

        raise NotFound(_("志愿者不存在"), code=ErrorCode.VOLUNTEER_NOT_FOUND)
    require_register(actor, v.territory.path)
    return v


def volunteer_update(
    *,
    actor: ActorLike,
    volunteer: Volunteer | int,
    name: str | None = None,
    phone: str | None = None,
    roles: Iterable[Any] | None = None,
    note: str | None = None,
) -> Volunteer:
    """Change a volunteer's name, number, roles or note (registrars over the volunteer's node)."""
    require(actor)
    with transaction.atomic():
        v = _locked(actor, volunteer)
        before = {**(audit.snapshot(v) or {}), "roles": sorted(v.roles.values_list("key", flat=True))}
        if name is not None:
            if not name.strip() or len(name.strip()) > 50:
                raise refuse([problem("name", ErrorCode.INVALID_VOLUNTEER, _("请填写姓名（不超过 50 字）"))])
            v.name = name.strip()
        if phone is not None:
            clean = _phone(phone)
            if not clean and v.resident_id is None:
                raise refuse([problem("phone", ErrorCode.INVALID_VOLUNTEER, _("直接登记的志愿者须填写手机号"))])
            index = crypto.blind_index(clean)
            _check_unique(None, index, exclude=v.pk)
            v.phone, v.phone_index = clean, index
        if note is not None:
            v.note = note.strip()[:200]
        v.save()
        if roles is not None:
            v.roles.set(_roles(roles))
        after = {**(audit.snapshot(v) or {}), "roles": sorted(v.roles.values_list("key", flat=True))}
        audit.record(actor=actor, action="volunteers.volunteer_update", obj=v, before=before, after=after)
    return v


def volunteer_leave(*, actor: ActorLike, volunteer: Volunteer | int, on: dt.date | None = None) -> Volunteer:
    """A volunteer leaves the register (kept, never deleted); their future roster slots are dropped."""
    require(actor)
    with transaction.atomic():
        v = _locked(actor, volunteer)
        if v.status == VolunteerStatus.LEFT:
            raise ValidationFailed(_("该志愿者已退出"), code=ErrorCode.VOLUNTEER_LEFT)
        before = audit.snapshot(v)
        v.status = VolunteerStatus.LEFT
        v.left_on = on or timezone.localdate()
        v.save(update_fields=["status", "left_on", "updated_at"])
        dropped, _detail = v.slots.filter(date__gt=v.left_on, check_in__isnull=True).delete()
        audit.record(
            actor=actor,
            action="volunteers.volunteer_leave",
            obj=v,
            before=before,
            after={**(audit.snapshot(v) or {}), "slots_dropped": dropped},
        )
    return v


def team_save(
    *,
    actor: ActorLike,
    team: Team | None = None,
    name: str,
    territory: Territory,
    members: Iterable[Volunteer] = (),
    leader: Volunteer | None = None,
    note: str = "",
    is_active: bool = True,
    is_synthetic: bool = False,
) -> Team:
    """Create or change a team on a node (managers over the node, and over the team's old node when moving it).
    Members are volunteers in the register under the node; the leader is one of them."""
    require(actor)
    require_manage(actor, territory.path)
    people = list(members)
    if leader is not None and leader.pk not in {p.pk for p in people}:
        people.append(leader)
    problems = []
    if not name.strip() or len(name.strip()) > 100:
        problems.append(problem("name", ErrorCode.INVALID_TEAM, _("请填写队伍名称（不超过 100 字）")))
    outside = [
        p.name for p in people if p.status != VolunteerStatus.ACTIVE or not p.territory.path.startswith(territory.path)
    ]
    if outside:
        problems.append(
            problem(
                "members",
                ErrorCode.INVALID_TEAM,
                _("队员须为该辖区在册志愿者：%(n)s") % {"n": "、".join(outside[:5])},
            )
        )
    if problems:
        raise refuse(problems)
    with transaction.atomic():
        before = None
        if team is not None:
            team = Team.objects.select_for_update().select_related("territory").get(pk=team.pk)
            require_manage(actor, team.territory.path)
            before = {**(audit.snapshot(team) or {}), "members": sorted(team.members.values_list("pk", flat=True))}
        team = team or Team()
        team.name, team.territory, team.leader = name.strip(), territory, leader
        team.note, team.is_active, team.is_synthetic = note.strip()[:200], is_active, is_synthetic or team.is_synthetic
        team.save()
        team.members.set(people)
        after = {**(audit.snapshot(team) or {}), "members": sorted(p.pk for p in people)}
        audit.record(
            actor=actor,
            action="volunteers.team_update" if before else "volunteers.team_create",
            obj=team,
            before=before,
            after=after,
            only_changes=before is not None,
        )
    return team


def volunteer_reveal_phone(*, actor: ActorLike, volunteer: Volunteer | int) -> str:
    """The volunteer's full mobile number, for registrars over their node; every reveal is audited."""
    require(actor)
    pk = volunteer.pk if isinstance(volunteer, Volunteer) else int(volunteer)
    v = Volunteer.objects.select_related("territory").filter(pk=pk).first()
    if v is None:
        from wangge.core.errors import NotFound

        raise NotFound(_("志愿者不存在"), code=ErrorCode.VOLUNTEER_NOT_FOUND)
    require_register(actor, v.territory.path)
    audit.record(
        actor=actor, action="volunteers.reveal_phone", obj=v, after={"revealed": ["phone"]}, only_changes=False
    )
    return v.phone
