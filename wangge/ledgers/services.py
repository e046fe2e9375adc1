"""Writes on the 基础台账: estates, buildings, households, residents (with their moves) and merchants, and the
editable tag dictionary.

Every function runs in one transaction, checks who acts and writes the audit trail. ``actor=SYSTEM`` is the
platform itself (the demo builder, an operator's import); a user must hold ``record`` (accounts.roles.RECORD)
over the grid the row lies in. A row or place the user cannot even see answers like a missing one
(``NotFound``); one they see but may not keep is ``PermissionDenied``. A record's own faults are collected by
``ledgers.records`` and refused together (``ValidationFailed`` with every problem in ``details``), so a bad
input writes nothing. Protected numbers are stored normalised with their blind index.

Residents are never deleted: moving keeps the history (``ResidenceChange``: from, to, when, who), moving away
or death archives the record (it leaves the household's members and stays searchable), and a restore brings
it back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.accounts.roles import ADMINISTER, RECORD
from wangge.core import audit
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import VIEW, scope_for
from wangge.ledgers.choices import (
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    MoveKind,
    RecordStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
)
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.models import (
    Building,
    Estate,
    Household,
    Merchant,
    ResidenceChange,
    Resident,
    ResidentTag,
)
from wangge.ledgers.records import (
    apply_clean,
    as_text,
    clean_building,
    clean_estate,
    clean_household,
    clean_merchant,
    clean_resident,
    field_problem,
)
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

__all__ = [
    "ARCHIVE_REASONS",
    "building_create",
    "building_update",
    "estate_create",
    "estate_update",
    "household_create",
    "household_set_head",
    "household_update",
    "merchant_close",
    "merchant_create",
    "merchant_update",
    "require_grid",
    "require_row",
    "resident_archive",
    "resident_create",
    "resident_move",
    "resident_restore",
    "resident_update",
    "tag_create",
    "tag_update",
]

_M = TypeVar("_M", bound=models.Model)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Any = _Unset()

# resident_archive's reasons and what each writes.
ARCHIVE_REASONS: dict[str, tuple[str, str]] = {
    "moved_away": (ResidentStatus.MOVED_AWAY, MoveKind.MOVE_AWAY),
    "deceased": (ResidentStatus.DECEASED, MoveKind.DECEASED),
}

# -- who may keep what ------------------------------------------------------------------------------------------------


def _refuse(problems: list[dict[str, Any]]) -> None:
    """Raise ``ValidationFailed`` with every problem when there is any (the first one names the refusal)."""
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode(problems[0]["error"]), details=problems)


def _not_found(model: type[models.Model]) -> NotFound:
    """How a missing (or out of scope) ledger row is refused."""
    if model is Estate:
        return NotFound(_("小区不存在"), code=ErrorCode.ESTATE_NOT_FOUND)
    if model is Building:
        return NotFound(_("楼栋不存在"), code=ErrorCode.BUILDING_NOT_FOUND)
    if model is Household:
        return NotFound(_("户不存在"), code=ErrorCode.HOUSEHOLD_NOT_FOUND)
    if model is Resident:
        return NotFound(_("居民不存在"), code=ErrorCode.RESIDENT_NOT_FOUND)
    return NotFound(_("商户/单位不存在"), code=ErrorCode.MERCHANT_NOT_FOUND)


def require_row(actor: ActorLike, obj: _M) -> _M:
    """``obj`` read again, locked, when ``actor`` may keep it; NotFound when they cannot see it, PermissionDenied
    when they see it but may not record there."""
    model = type(obj)
    manager: Any = model._default_manager
    if obj.pk is None:
        raise _not_found(model)
    if not is_system(actor) and not manager.restrict(actor, RECORD).filter(pk=obj.pk).exists():
        if manager.restrict(actor, VIEW).filter(pk=obj.pk).exists():
            raise PermissionDenied(_("无权登记或修改该台账记录"), code=ErrorCode.RECORD_DENIED)
        raise _not_found(model)
    found: _M | None = manager.select_for_update().filter(pk=obj.pk).first()
    if found is None:
        raise _not_found(model)
    return found


def require_grid(actor: ActorLike, grid: Territory | None, *, field: str = "grid") -> Territory:
    """``grid`` when it is a grid node the actor may keep the ledger of."""
    if grid is None:
        raise ValidationFailed(
            _("请选择所在网格"),
            code=ErrorCode.REQUIRED,
            details=[field_problem(field, ErrorCode.REQUIRED, _("请选择所在网格"))],
        )
    _require_place(actor, grid)
    if grid.kind != TerritoryKind.GRID:
        raise ValidationFailed(
            _("所选辖区不是网格"),
            code=ErrorCode.NOT_A_GRID,
            details=[field_problem(field, ErrorCode.NOT_A_GRID, _("所选辖区不是网格：%(name)s") % {"name": grid.name})],
        )
    return grid


def _require_place(actor: ActorLike, node: Territory, *, community: bool = False) -> None:
    if is_system(actor) or scope_for(actor, RECORD).covers_path(node.path):
        return
    if scope_for(actor, VIEW).covers_path(node.path):
        raise PermissionDenied(_("无权在该辖区登记台账"), code=ErrorCode.RECORD_DENIED)
    if community:
        raise NotFound(_("社区不存在"), code=ErrorCode.COMMUNITY_NOT_FOUND)
    raise NotFound(_("网格不存在"), code=ErrorCode.GRID_NOT_FOUND)


def _require_admin(actor: ActorLike) -> None:
    if is_system(actor) or getattr(actor, "is_superuser", False) or not scope_for(actor, ADMINISTER).empty:
        return
    raise PermissionDenied(_("只有管理员可以维护人员类别"), code=ErrorCode.ADMIN_REQUIRED)


def _next_code(model: type[models.Model], prefix: str, width: int) -> str:
    """``prefix`` followed by the next free ``width``-digit sequence number among the model's codes."""
    manager: Any = model._default_manager
    highest = 0
    for code in manager.filter(code__startswith=prefix).values_list("code", flat=True):
        tail = code[len(prefix) :]
        if len(tail) == width and tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:0{width}d}"


def _code_free(model: type[models.Model], code: str, *, exclude: int | None = None) -> None:
    manager: Any = model._default_manager
    taken = manager.filter(code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise Conflict(
            _("编码已被使用：%(code)s") % {"code": code},
            code=ErrorCode.CODE_TAKEN,
            details=[field_problem("code", ErrorCode.CODE_TAKEN, _("编码已被使用：%(code)s") % {"code": code})],
        )


def _given(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not _UNSET}


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _require_community(actor: ActorLike, community: Territory) -> None:
    _require_place(actor, community, community=True)
    if community.kind != TerritoryKind.COMMUNITY:
        raise ValidationFailed(
            _("小区须属于社区或村"),
            code=ErrorCode.NOT_A_COMMUNITY,
            details=[field_problem("community", ErrorCode.NOT_A_COMMUNITY, _("小区须属于社区或村"))],
        )


# -- estates ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def estate_create(
    *,
    actor: ActorLike,
    community: Territory,
    name: str,
    code: str | None = None,
    address: str = "",
    property_company: str = "",
    property_contact: str = "",
    owners_committee: str = "",
    notes: str = "",
    is_synthetic: bool = False,
) -> Estate:
    """A 小区 in a community (or village); the code defaults to the community's code and a sequence number."""
    _require_community(actor, community)
    raw = {
        "name": name,
        "code": code or "",
        "address": address,
        "property_company": property_company,
        "property_contact": property_contact,
        "owners_committee": owners_committee,
        "notes": notes,
    }
    clean, problems = clean_estate(raw)
    _refuse(problems)
    clean["code"] = clean.get("code") or _next_code(Estate, f"{community.code}-", 3)
    _code_free(Estate, clean["code"])
    estate = Estate(community=community, is_synthetic=is_synthetic)
    apply_clean(estate, clean)
    estate.save()
    audit.record(actor=actor, action="ledgers.estate_create", obj=estate, after=audit.snapshot(estate))
    return estate


@transaction.atomic
def estate_update(
    *,
    actor: ActorLike,
    estate: Estate,
    community: Territory = _UNSET,
    name: str = _UNSET,
    address: str = _UNSET,
    property_company: str = _UNSET,
    property_contact: str = _UNSET,
    owners_committee: str = _UNSET,
    notes: str = _UNSET,
) -> Estate:
    """Change the given fields of an estate (its code stays). Another community must hold every one of its
    buildings' grids."""
    estate = require_row(actor, estate)
    before = audit.snapshot(estate)
    if community is not _UNSET and community.pk != estate.community_id:
        _require_community(actor, community)
        elsewhere = Building.objects.filter(estate=estate).exclude(grid__path__startswith=community.path)
        if elsewhere.exists():
            reason = _("该小区有楼栋不在所选社区")
            raise ValidationFailed(
                reason,
                code=ErrorCode.ESTATE_ELSEWHERE,
                details=[field_problem("community", ErrorCode.ESTATE_ELSEWHERE, reason)],
            )
        estate.community = community
    raw = _given(
        name=name,
        address=address,
        property_company=property_company,
        property_contact=property_contact,
        owners_committee=owners_committee,
        notes=notes,
    )
    clean, problems = clean_estate(raw, partial=True)
    _refuse(problems)
    apply_clean(estate, clean)
    estate.save()
    audit.record(actor=actor, action="ledgers.estate_update", obj=estate, before=before, after=audit.snapshot(estate))
    return estate


# -- buildings --------------------------------------------------------------------------------------------------------


def _estate_fits(estate: Estate | None, grid: Territory) -> None:
    if estate is not None and not grid.path.startswith(estate.community.path):
        raise ValidationFailed(
            _("小区不在该网格所属社区"),
            code=ErrorCode.ESTATE_ELSEWHERE,
            details=[field_problem("estate", ErrorCode.ESTATE_ELSEWHERE, _("小区不在该网格所属社区"))],
        )


@transaction.atomic
def building_create(
    *,
    actor: ActorLike,
    grid: Territory,
    name: str,
    code: str | None = None,
    estate: Estate | None = None,
    address: str = "",
    floors: int = 1,
    units: int = 1,
    lng: float | None = None,
    lat: float | None = None,
    head_name: str = "",
    head_phone: str = "",
    head_user: Any = None,
    notes: str = "",
    is_synthetic: bool = False,
) -> Building:
    """A 楼栋 in a grid; the code defaults to the grid's code and a three-digit sequence number."""
    grid = require_grid(actor, grid)
    raw = {
        "name": name,
        "code": code or "",
        "address": address,
        "floors": floors,
        "units": units,
        "lng": lng,
        "lat": lat,
        "head_name": head_name,
        "head_phone": head_phone,
        "notes": notes,
    }
    clean, problems = clean_building(raw)
    _refuse(problems)
    _estate_fits(estate, grid)
    clean["code"] = clean.get("code") or _next_code(Building, grid.code, 3)
    _code_free(Building, clean["code"])
    building = Building(grid=grid, estate=estate, head_user=head_user, is_synthetic=is_synthetic)
    apply_clean(building, clean)
    building.save()
    audit.record(actor=actor, action="ledgers.building_create", obj=building, after=audit.snapshot(building))
    return building


@transaction.atomic
def building_update(
    *,
    actor: ActorLike,
    building: Building,
    grid: Territory = _UNSET,
    name: str = _UNSET,
    estate: Estate | None = _UNSET,
    address: str = _UNSET,
    floors: int = _UNSET,
    units: int = _UNSET,
    lng: float | None = _UNSET,
    lat: float | None = _UNSET,
    head_name: str = _UNSET,
    head_phone: str = _UNSET,
    head_user: Any = _UNSET,
    notes: str = _UNSET,
    status: str = _UNSET,
) -> Building:
    """Change the given fields of a building (its code stays). A building put in another grid (a correction)
    takes its households, their current residents and its merchants along."""
    building = require_row(actor, building)
    before = audit.snapshot(building)
    moved_grid = grid is not _UNSET and grid.pk != building.grid_id
    if moved_grid:
        building.grid = require_grid(actor, grid)
        _estate_fits(building.estate if estate is _UNSET else estate, building.grid)
    raw = _given(
        name=name,
        address=address,
        floors=floors,
        units=units,
        lng=lng,
        lat=lat,
        head_name=head_name,
        head_phone=head_phone,
        notes=notes,
        status=status,
    )
    if ("lng" in raw) != ("lat" in raw):
        raw.setdefault("lng", building.lng)
        raw.setdefault("lat", building.lat)
    clean, problems = clean_building(raw, partial=True, stored={"head_phone": building.head_phone or ""})
    _refuse(problems)
    if estate is not _UNSET:
        _estate_fits(estate, building.grid)
        building.estate = estate
    if head_user is not _UNSET:
        building.head_user = head_user
    apply_clean(building, clean)
    building.save()
    if moved_grid:
        _grid_follows(Household.objects.filter(building=building), building.grid)
        _grid_follows(Resident.objects.filter(household__building=building), building.grid)
        _grid_follows(Merchant.objects.filter(building=building), building.grid)
    audit.record(
        actor=actor, action="ledgers.building_update", obj=building, before=before, after=audit.snapshot(building)
    )
    return building


def _grid_follows(rows: models.QuerySet[Any], grid: Territory) -> None:
    rows.exclude(grid=grid).update(grid=grid, updated_at=timezone.now())


# -- households -------------------------------------------------------------------------------------------------------


def _unit_label(unit_no: str) -> str:
    return unit_no if not unit_no or unit_no.endswith("单元") else f"{unit_no}单元"


def compose_address(building: Building | None, unit_no: str, room: str, house_no: str) -> str:
    """The address of a household: "<estate name or building address> 3号楼2单元301", or its house number."""
    if building is None:
        return house_no
    place = building.estate.name if building.estate is not None else building.address
    text = f"{building.name}{_unit_label(unit_no)}{room}"
    return f"{place} {text}".strip()[:200]


def _room_free(building: Building | None, unit_no: str, room: str, *, exclude: int | None = None) -> None:
    if building is None:
        return
    taken = Household.objects.filter(building=building, unit_no=unit_no, room=room)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        reason = _("该楼栋单元房号已登记为一户：%(room)s") % {"room": f"{_unit_label(unit_no)}{room}"}
        raise Conflict(reason, code=ErrorCode.ROOM_TAKEN, details=[field_problem("room", ErrorCode.ROOM_TAKEN, reason)])


@transaction.atomic
def household_create(
    *,
    actor: ActorLike,
    grid: Territory | None = None,
    building: Building | None = None,
    unit_no: str = "",
    room: str = "",
    house_no: str = "",
    address: str = "",
    use: str = HouseholdUse.OWNER,
    code: str | None = None,
    notes: str = "",
    is_synthetic: bool = False,
) -> Household:
    """A 户 at a building + unit + room, or at a village house number. Its grid is the building's."""
    if building is not None:
        building = require_row(actor, building)
        if grid is not None and grid.pk != building.grid_id:
            raise ValidationFailed(
                _("楼栋不在所选网格"),
                code=ErrorCode.GRID_MISMATCH,
                details=[field_problem("grid", ErrorCode.GRID_MISMATCH, _("楼栋不在所选网格"))],
            )
        grid = building.grid
    else:
        grid = require_grid(actor, grid)
    raw = {
        "code": code or "",
        "unit_no": unit_no,
        "room": room,
        "house_no": house_no,
        "address": address,
        "use": use,
        "notes": notes,
    }
    clean, problems = clean_household(raw)
    if building is not None and "room" in clean and not clean["room"]:
        problems.append(field_problem("room", ErrorCode.REQUIRED, _("楼栋住户须填写房号")))
    if building is None and "house_no" in clean and not clean["house_no"]:
        problems.append(field_problem("house_no", ErrorCode.REQUIRED, _("请选择楼栋并填写房号，或填写村组门牌号")))
    _refuse(problems)
    _room_free(building, clean["unit_no"], clean["room"])
    if not clean["code"]:
        clean["code"] = _next_code(Household, f"{building.code if building else grid.code}-", 4)
    _code_free(Household, clean["code"])
    if not clean["address"]:
        clean["address"] = compose_address(building, clean["unit_no"], clean["room"], clean["house_no"])
    household = Household(grid=grid, building=building, is_synthetic=is_synthetic)
    apply_clean(household, clean)
    household.save()
    audit.record(actor=actor, action="ledgers.household_create", obj=household, after=audit.snapshot(household))
    return household


@transaction.atomic
def household_update(
    *,
    actor: ActorLike,
    household: Household,
    building: Building | None = _UNSET,
    unit_no: str = _UNSET,
    room: str = _UNSET,
    house_no: str = _UNSET,
    address: str = _UNSET,
    use: str = _UNSET,
    notes: str = _UNSET,
    status: str = _UNSET,
) -> Household:
    """Change the given fields of a household (its code stays). Put in another building (a correction), its grid
    and its current residents' grid follow the building; a village household has no building to change."""
    household = require_row(actor, household)
    before = audit.snapshot(household)
    composed = household.address == compose_address(
        household.building, household.unit_no, household.room, household.house_no
    )
    if building is not _UNSET and (household.building_id is None or building is None):
        reason = _("楼栋住户与村组住户不能互相转换")
        raise ValidationFailed(
            reason, code=ErrorCode.REQUIRED, details=[field_problem("building", ErrorCode.REQUIRED, reason)]
        )
    moved_building = building is not _UNSET and building.pk != household.building_id
    if moved_building:
        household.building = require_row(actor, building)
        household.grid = household.building.grid
    raw = _given(unit_no=unit_no, room=room, house_no=house_no, address=address, use=use, notes=notes, status=status)
    clean, problems = clean_household(raw, partial=True)
    if household.building_id is not None and "room" in clean and not clean["room"]:
        problems.append(field_problem("room", ErrorCode.REQUIRED, _("楼栋住户须填写房号")))
    if household.building_id is None and "house_no" in clean and not clean["house_no"]:
        problems.append(field_problem("house_no", ErrorCode.REQUIRED, _("村组住户须填写门牌号")))
    _refuse(problems)
    if "unit_no" in clean or "room" in clean or moved_building:
        _room_free(
            household.building,
            clean.get("unit_no", household.unit_no),
            clean.get("room", household.room),
            exclude=household.pk,
        )
    apply_clean(household, clean)
    if ("address" in clean and not clean["address"]) or (composed and "address" not in clean):
        household.address = compose_address(household.building, household.unit_no, household.room, household.house_no)
    household.save()
    _grid_follows(Resident.objects.filter(household=household), household.grid)
    audit.record(
        actor=actor,
        action="ledgers.household_update",
        obj=household,
        before=before,
        after=audit.snapshot(household),
    )
    return household


def _not_member(field: str) -> ValidationFailed:
    reason = _("户主须为该户的在册成员")
    return ValidationFailed(
        reason, code=ErrorCode.HEAD_NOT_MEMBER, details=[field_problem(field, ErrorCode.HEAD_NOT_MEMBER, reason)]
    )


def _make_head(actor: ActorLike, household: Household, resident: Resident | None) -> None:
    """Record ``resident`` (a current member, or None) as the head of ``household``; a former head who stays in
    the household is no longer 户主 by relation."""
    previous = household.head
    if (
        previous is not None
        and (resident is None or previous.pk != resident.pk)
        and previous.household_id == household.pk
        and previous.relation == Relation.HEAD
    ):
        before = audit.snapshot(previous)
        previous.relation = Relation.OTHER
        previous.save(update_fields=["relation", "updated_at"])
        audit.record(
            actor=actor,
            action="ledgers.resident_update",
            obj=previous,
            before=before,
            after=audit.snapshot(previous),
            note=_("不再担任户主"),
        )
    if resident is not None and resident.relation != Relation.HEAD:
        before = audit.snapshot(resident)
        resident.relation = Relation.HEAD
        resident.save(update_fields=["relation", "updated_at"])
        audit.record(
            actor=actor, action="ledgers.resident_update", obj=resident, before=before, after=audit.snapshot(resident)
        )
    before = audit.snapshot(household)
    household.head = resident
    household.save(update_fields=["head", "updated_at"])
    audit.record(
        actor=actor, action="ledgers.household_set_head", obj=household, before=before, after=audit.snapshot(household)
    )


@transaction.atomic
def household_set_head(*, actor: ActorLike, household: Household, resident: Resident | None) -> Household:
    """Make ``resident`` (a current member of the household) its 户主; None leaves it without a head."""
    household = require_row(actor, household)
    if resident is not None:
        resident = Resident.objects.select_for_update().filter(pk=resident.pk).first()
        if resident is None or resident.household_id != household.pk or resident.status != ResidentStatus.CURRENT:
            raise _not_member("resident")
    _make_head(actor, household, resident)
    return household


# -- residents --------------------------------------------------------------------------------------------------------


def _one_per_id(actor: ActorLike, id_number_index: str, *, exclude: int | None = None) -> None:
    """Refuse an ID number already in the ledger, naming the record when the actor may see it."""
    if not id_number_index:
        return
    others = Resident.objects.filter(id_number_index=id_number_index)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    existing = others.select_related("grid").first()
    if existing is None:
        return
    visible = is_system(actor) or Resident.objects.restrict(actor, VIEW).filter(pk=existing.pk).exists()
    if visible:
        reason = _("该公民身份号码已登记：%(name)s（%(grid)s，编号 %(pk)s）") % {
            "name": existing.name,
            "grid": existing.grid.name,
            "pk": existing.pk,
        }
    else:
        reason = _("该公民身份号码已在其他辖区登记，请联系其所在网格办理迁移")
    problem = field_problem("id_number", ErrorCode.RESIDENT_EXISTS, reason)
    if visible:
        problem["resident"] = existing.pk
    raise Conflict(reason, code=ErrorCode.RESIDENT_EXISTS, details=[problem])


def _household_open(household: Household, field: str = "household") -> None:
    if household.status != RecordStatus.ACTIVE:
        reason = _("该户已归档，不能再登记成员")
        raise ValidationFailed(
            reason,
            code=ErrorCode.HOUSEHOLD_ARCHIVED,
            details=[field_problem(field, ErrorCode.HOUSEHOLD_ARCHIVED, reason)],
        )


def _head_taken(field: str = "relation") -> ValidationFailed:
    reason = _("该户已有户主；请先变更户主")
    return ValidationFailed(
        reason, code=ErrorCode.HEAD_TAKEN, details=[field_problem(field, ErrorCode.HEAD_TAKEN, reason)]
    )


def _change(
    actor: ActorLike,
    resident: Resident,
    kind: str,
    *,
    from_household: Household | None,
    to_household: Household | None,
    at: dt.datetime | None,
    note: str,
) -> ResidenceChange:
    return ResidenceChange.objects.create(
        resident=resident,
        kind=kind,
        from_household=from_household,
        to_household=to_household,
        at=_now(at),
        by=user_of(actor),
        by_name=label_of(actor)[:150],
        note=as_text(note)[:200],
    )


@transaction.atomic
def resident_create(
    *,
    actor: ActorLike,
    name: str,
    id_number: str = "",
    phone: str = "",
    household: Household | None = None,
    grid: Territory | None = None,
    relation: str = Relation.OTHER,
    residence_type: str = ResidenceType.REGISTERED,
    address: str = "",
    tags: Any = (),
    gender: str = "",
    birth_date: dt.date | str | None = None,
    notes: str = "",
    at: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> Resident:
    """Register a person: one record per ID number (an existing one is a ``Conflict`` naming it). The grid is the
    household's; ``relation=head`` makes the person the head of a household that has none. Writes a
    ``register`` entry of the residence history."""
    if household is not None:
        household = require_row(actor, household)
        if grid is not None and grid.pk != household.grid_id:
            raise ValidationFailed(
                _("该户不在所选网格"),
                code=ErrorCode.GRID_MISMATCH,
                details=[field_problem("grid", ErrorCode.GRID_MISMATCH, _("该户不在所选网格"))],
            )
        _household_open(household)
        grid = household.grid
    else:
        grid = require_grid(actor, grid)
    raw = {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "relation": relation,
        "residence_type": residence_type,
        "address": address,
        "tags": tags,
        "gender": gender,
        "birth_date": birth_date,
        "notes": notes,
    }
    clean, problems = clean_resident(raw)
    _refuse(problems)
    resident = Resident(grid=grid, household=household, is_synthetic=is_synthetic)
    apply_clean(resident, clean)
    _one_per_id(actor, resident.id_number_index)
    if household is not None and resident.relation == Relation.HEAD and household.head_id is not None:
        raise _head_taken()
    if not resident.address and household is not None:
        resident.address = household.address
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:  # a concurrent registration of the same number
        _one_per_id(actor, resident.id_number_index)
        raise
    resident.tags.set(clean["tags"])
    _change(actor, resident, MoveKind.REGISTER, from_household=None, to_household=household, at=at, note="")
    after = audit.snapshot(resident) or {}
    after["tags"] = sorted(tag.key for tag in clean["tags"])
    audit.record(actor=actor, action="ledgers.resident_create", obj=resident, after=after)
    if household is not None and resident.relation == Relation.HEAD:
        _make_head(actor, household, resident)
    return resident


@transaction.atomic
def resident_update(
    *,
    actor: ActorLike,
    resident: Resident,
    name: str = _UNSET,
    id_number: str = _UNSET,
    phone: str = _UNSET,
    gender: str = _UNSET,
    birth_date: dt.date | str | None = _UNSET,
    relation: str = _UNSET,
    residence_type: str = _UNSET,
    address: str = _UNSET,
    tags: Any = _UNSET,
    notes: str = _UNSET,
) -> Resident:
    """Correct the given fields of a resident (their household and grid change by ``resident_move``). A gender or
    birth date must agree with the ID number, given or stored."""
    resident = require_row(actor, resident)
    before = audit.snapshot(resident) or {}
    before_tags = sorted(resident.tags.values_list("key", flat=True))
    raw = _given(
        name=name,
        id_number=id_number,
        phone=phone,
        gender=gender,
        birth_date=birth_date,
        relation=relation,
        residence_type=residence_type,
        address=address,
        tags=tags,
        notes=notes,
    )
    if ("gender" in raw or "birth_date" in raw) and "id_number" not in raw and resident.id_number:
        raw["id_number"] = resident.id_number  # checked against the stored number
    stored = {"id_number": resident.id_number or "", "phone": resident.phone or ""}
    clean, problems = clean_resident(raw, partial=True, stored=stored)
    _refuse(problems)
    household = resident.household
    was_head = household is not None and household.head_id == resident.pk
    apply_clean(resident, clean)
    if "id_number" in clean:
        _one_per_id(actor, resident.id_number_index, exclude=resident.pk)
    becomes_head = "relation" in clean and clean["relation"] == Relation.HEAD and not was_head
    if becomes_head and household is not None and household.head_id is not None:
        raise _head_taken()
    resident.save()
    if "tags" in clean:
        resident.tags.set(clean["tags"])
    after = audit.snapshot(resident) or {}
    before["tags"] = before_tags
    after["tags"] = sorted(resident.tags.values_list("key", flat=True))
    audit.record(actor=actor, action="ledgers.resident_update", obj=resident, before=before, after=after)
    if household is not None and resident.status == ResidentStatus.CURRENT:
        if becomes_head:
            _make_head(actor, household, resident)
        elif was_head and resident.relation != Relation.HEAD:
            _make_head(actor, household, None)
    return resident


def _leave(actor: ActorLike, resident: Resident, household: Household | None, successor: Resident | None) -> None:
    """``resident`` leaves ``household``: when they were its head, headship passes to ``successor`` (a current
    member staying behind) or the household is left without a head."""
    if successor is not None:
        if household is None:
            raise _not_member("successor")
        successor = Resident.objects.select_for_update().filter(pk=successor.pk).first()
        if (
            successor is None
            or successor.pk == resident.pk
            or successor.household_id != household.pk
            or successor.status != ResidentStatus.CURRENT
        ):
            raise _not_member("successor")
    if household is None:
        return
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.head_id == resident.pk:
        _make_head(actor, household, successor)


def _current(resident: Resident) -> None:
    if resident.status != ResidentStatus.CURRENT:
        reason = _("该居民已归档（%(status)s）") % {"status": resident.get_status_display()}
        raise ValidationFailed(
            reason,
            code=ErrorCode.RESIDENT_ARCHIVED,
            details=[field_problem("status", ErrorCode.RESIDENT_ARCHIVED, reason)],
        )


@transaction.atomic
def resident_move(
    *,
    actor: ActorLike,
    resident: Resident,
    to_household: Household,
    relation: str | None = None,
    successor: Resident | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Resident:
    """Move a current resident into another household; the grid follows the household. The history keeps
    where from, where to, when and who. A head who moves leaves the old household headless, or passes the
    headship to ``successor``. ``relation`` is the relation to the new head (default 其他; ``head`` makes them
    the new household's head when it has none)."""
    resident = require_row(actor, resident)
    to_household = require_row(actor, to_household)
    _current(resident)
    if resident.household_id == to_household.pk:
        reason = _("该居民已在此户")
        raise ValidationFailed(
            reason,
            code=ErrorCode.SAME_HOUSEHOLD,
            details=[field_problem("to_household", ErrorCode.SAME_HOUSEHOLD, reason)],
        )
    _household_open(to_household, "to_household")
    clean, problems = clean_resident({"relation": relation or Relation.OTHER}, partial=True)
    _refuse(problems)
    new_relation = clean["relation"]
    if new_relation == Relation.HEAD and to_household.head_id is not None:
        raise _head_taken()
    before = audit.snapshot(resident)
    old = resident.household
    _leave(actor, resident, old, successor)
    resident.refresh_from_db(fields=["relation"])
    if not resident.address or (old is not None and resident.address == old.address):
        resident.address = to_household.address
    resident.household = to_household
    resident.grid = to_household.grid
    resident.relation = new_relation
    resident.save()
    change = _change(actor, resident, MoveKind.MOVE, from_household=old, to_household=to_household, at=at, note=note)
    audit.record(
        actor=actor,
        action="ledgers.resident_move",
        obj=resident,
        before=before,
        after=audit.snapshot(resident),
        note=change.note,
    )
    if new_relation == Relation.HEAD:
        _make_head(actor, to_household, resident)
    return resident


@transaction.atomic
def resident_archive(
    *,
    actor: ActorLike,
    resident: Resident,
    reason: str,
    successor: Resident | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Resident:
    """Archive a resident who moved away or died: never deleted, the record keeps its grid and stays searchable,
    but leaves its household's members (a head's household is left headless or passes to ``successor``)."""
    if reason not in ARCHIVE_REASONS:
        message = _("归档原因须为 moved_away（迁出）或 deceased（死亡）")
        raise ValidationFailed(
            message,
            code=ErrorCode.INVALID_ARCHIVE_REASON,
            details=[field_problem("reason", ErrorCode.INVALID_ARCHIVE_REASON, message)],
        )
    resident = require_row(actor, resident)
    _current(resident)
    status, kind = ARCHIVE_REASONS[reason]
    before = audit.snapshot(resident)
    old = resident.household
    _leave(actor, resident, old, successor)
    resident.refresh_from_db(fields=["relation"])
    when = _now(at)
    resident.status = status
    resident.archived_at = when
    resident.archive_reason = as_text(note)[:200] or str(ResidentStatus(status).label)
    resident.household = None
    resident.save()
    _change(actor, resident, kind, from_household=old, to_household=None, at=when, note=note)
    audit.record(
        actor=actor, action="ledgers.resident_archive", obj=resident, before=before, after=audit.snapshot(resident)
    )
    return resident


@transaction.atomic
def resident_restore(
    *,
    actor: ActorLike,
    resident: Resident,
    household: Household | None = None,
    relation: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Resident:
    """Bring an archived resident back into the ledger (a mistaken archive, a return), optionally into a
    household (the grid follows it)."""
    resident = require_row(actor, resident)
    if resident.status == ResidentStatus.CURRENT:
        reason = _("该居民在册，无需恢复")
        raise ValidationFailed(
            reason,
            code=ErrorCode.RESIDENT_NOT_ARCHIVED,
            details=[field_problem("status", ErrorCode.RESIDENT_NOT_ARCHIVED, reason)],
        )
    new_relation = resident.relation
    if household is not None:
        household = require_row(actor, household)
        _household_open(household)
        clean, problems = clean_resident({"relation": relation or Relation.OTHER}, partial=True)
        _refuse(problems)
        new_relation = clean["relation"]
        if new_relation == Relation.HEAD and household.head_id is not None:
            raise _head_taken()
    before = audit.snapshot(resident)
    resident.status = ResidentStatus.CURRENT
    resident.archived_at = None
    resident.archive_reason = ""
    if household is not None:
        resident.household = household
        resident.grid = household.grid
        resident.relation = new_relation
        resident.address = household.address
    resident.save()
    _change(actor, resident, MoveKind.RESTORE, from_household=None, to_household=household, at=at, note=note)
    audit.record(
        actor=actor, action="ledgers.resident_restore", obj=resident, before=before, after=audit.snapshot(resident)
    )
    if household is not None and new_relation == Relation.HEAD:
        _make_head(actor, household, resident)
    return resident


# -- merchants --------------------------------------------------------------------------------------------------------


def _credit_code_free(code: str, *, exclude: int | None = None) -> None:
    if not code:
        return
    taken = Merchant.objects.filter(credit_code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        reason = _("该统一社会信用代码已登记：%(code)s") % {"code": code}
        raise Conflict(
            reason,
            code=ErrorCode.CREDIT_CODE_TAKEN,
            details=[field_problem("credit_code", ErrorCode.CREDIT_CODE_TAKEN, reason)],
        )


def _merchant_links(actor: ActorLike, grid: Territory, building: Building | None, point: Point | None) -> None:
    """A merchant's building lies in its grid; its 门前三包 point is one the actor sees, in the same grid."""
    if building is not None and building.grid_id != grid.pk:
        reason = _("楼栋不在该商户所在网格")
        raise ValidationFailed(
            reason, code=ErrorCode.GRID_MISMATCH, details=[field_problem("building", ErrorCode.GRID_MISMATCH, reason)]
        )
    if point is None:
        return
    if not is_system(actor) and not Point.objects.restrict(actor, VIEW).filter(pk=point.pk).exists():
        raise NotFound(_("点位不存在"), code=ErrorCode.POINT_NOT_FOUND)
    if point.grid_id is not None and point.grid_id != grid.pk:
        reason = _("门前三包点位不在该商户所在网格")
        raise ValidationFailed(
            reason, code=ErrorCode.GRID_MISMATCH, details=[field_problem("point", ErrorCode.GRID_MISMATCH, reason)]
        )


@transaction.atomic
def merchant_create(
    *,
    actor: ActorLike,
    grid: Territory,
    name: str,
    credit_code: str = "",
    kind: str = MerchantKind.SHOP,
    industry: str = "",
    building: Building | None = None,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    responsible_person: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    licence_issued: dt.date | str | None = None,
    licence_expires: dt.date | str | None = None,
    point: Point | None = None,
    notes: str = "",
    is_synthetic: bool = False,
) -> Merchant:
    """Register a shop, enterprise, 驻区单位 or 两新组织 in a grid; one record per credit code."""
    grid = require_grid(actor, grid)
    raw = {
        "name": name,
        "credit_code": credit_code,
        "kind": kind,
        "industry": industry,
        "address": address,
        "lng": lng,
        "lat": lat,
        "responsible_person": responsible_person,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "licence_issued": licence_issued,
        "licence_expires": licence_expires,
        "notes": notes,
    }
    clean, problems = clean_merchant(raw)
    _refuse(problems)
    _merchant_links(actor, grid, building, point)
    _credit_code_free(clean["credit_code"])
    merchant = Merchant(grid=grid, building=building, point=point, is_synthetic=is_synthetic)
    apply_clean(merchant, clean)
    if not merchant.address and building is not None:
        merchant.address = building.address
    merchant.save()
    audit.record(actor=actor, action="ledgers.merchant_create", obj=merchant, after=audit.snapshot(merchant))
    return merchant


@transaction.atomic
def merchant_update(
    *,
    actor: ActorLike,
    merchant: Merchant,
    grid: Territory = _UNSET,
    name: str = _UNSET,
    credit_code: str = _UNSET,
    kind: str = _UNSET,
    industry: str = _UNSET,
    building: Building | None = _UNSET,
    address: str = _UNSET,
    lng: float | None = _UNSET,
    lat: float | None = _UNSET,
    responsible_person: str = _UNSET,
    contact_name: str = _UNSET,
    contact_phone: str = _UNSET,
    licence_issued: dt.date | str | None = _UNSET,
    licence_expires: dt.date | str | None = _UNSET,
    point: Point | None = _UNSET,
    status: str = _UNSET,
    notes: str = _UNSET,
) -> Merchant:
    """Change the given fields of a merchant; another grid (it moved, or a correction) is one the actor keeps,
    and its building and point must lie there."""
    merchant = require_row(actor, merchant)
    before = audit.snapshot(merchant)
    if grid is not _UNSET and grid.pk != merchant.grid_id:
        merchant.grid = require_grid(actor, grid)
    raw = _given(
        name=name,
        credit_code=credit_code,
        kind=kind,
        industry=industry,
        address=address,
        lng=lng,
        lat=lat,
        responsible_person=responsible_person,
        contact_name=contact_name,
        contact_phone=contact_phone,
        licence_issued=licence_issued,
        licence_expires=licence_expires,
        status=status,
        notes=notes,
    )
    if ("lng" in raw) != ("lat" in raw):
        raw.setdefault("lng", merchant.lng)
        raw.setdefault("lat", merchant.lat)
    if "licence_issued" in raw or "licence_expires" in raw:  # the order of the two dates is checked together
        raw.setdefault("licence_issued", merchant.licence_issued)
        raw.setdefault("licence_expires", merchant.licence_expires)
    clean, problems = clean_merchant(raw, partial=True, stored={"contact_phone": merchant.contact_phone or ""})
    _refuse(problems)
    _merchant_links(
        actor,
        merchant.grid,
        merchant.building if building is _UNSET else building,
        None if point is _UNSET else point,
    )
    if "credit_code" in clean:
        _credit_code_free(clean["credit_code"], exclude=merchant.pk)
    apply_clean(merchant, clean)
    if building is not _UNSET:
        merchant.building = building
    if point is not _UNSET:
        merchant.point = point
    merchant.save()
    audit.record(
        actor=actor, action="ledgers.merchant_update", obj=merchant, before=before, after=audit.snapshot(merchant)
    )
    return merchant


@transaction.atomic
def merchant_close(*, actor: ActorLike, merchant: Merchant, note: str = "") -> Merchant:
    """Mark a merchant 已注销 (the record stays in the ledger)."""
    merchant = require_row(actor, merchant)
    if merchant.status == MerchantStatus.CLOSED:
        reason = _("该商户/单位已注销")
        raise ValidationFailed(
            reason, code=ErrorCode.MERCHANT_CLOSED, details=[field_problem("status", ErrorCode.MERCHANT_CLOSED, reason)]
        )
    before = audit.snapshot(merchant)
    merchant.status = MerchantStatus.CLOSED
    merchant.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="ledgers.merchant_close",
        obj=merchant,
        before=before,
        after=audit.snapshot(merchant),
        note=as_text(note)[:500],
    )
    return merchant


# -- the tag dictionary -----------------------------------------------------------------------------------------------


def _tag_fields(key: str | None, name: str | None, problems: list[dict[str, Any]]) -> None:
    if key is not None:
        text = as_text(key)
        if not text:
            problems.append(field_problem("key", ErrorCode.REQUIRED, _("必填项不能为空")))
        elif len(text) > 40:
            problems.append(field_problem("key", ErrorCode.TOO_LONG, _("长度超过 %(n)d 个字符") % {"n": 40}))
    if name is not None:
        text = as_text(name)
        if not text:
            problems.append(field_problem("name", ErrorCode.REQUIRED, _("必填项不能为空")))
        elif len(text) > 40:
            problems.append(field_problem("name", ErrorCode.TOO_LONG, _("长度超过 %(n)d 个字符") % {"n": 40}))


@transaction.atomic
def tag_create(*, actor: ActorLike, key: str, name: str, ordering: int = 100, is_active: bool = True) -> ResidentTag:
    """Add a group to the tag dictionary (administrators only)."""
    _require_admin(actor)
    problems: list[dict[str, Any]] = []
    _tag_fields(key, name, problems)
    _refuse(problems)
    if ResidentTag.objects.filter(key=as_text(key)).exists():
        reason = _("标签键已存在：%(key)s") % {"key": key}
        raise Conflict(
            reason, code=ErrorCode.TAG_KEY_TAKEN, details=[field_problem("key", ErrorCode.TAG_KEY_TAKEN, reason)]
        )
    tag = ResidentTag.objects.create(key=as_text(key), name=as_text(name), ordering=ordering, is_active=is_active)
    audit.record(actor=actor, action="ledgers.tag_create", obj=tag, after=audit.snapshot(tag))
    return tag


@transaction.atomic
def tag_update(
    *,
    actor: ActorLike,
    tag: ResidentTag,
    name: str = _UNSET,
    ordering: int = _UNSET,
    is_active: bool = _UNSET,
) -> ResidentTag:
    """Rename, reorder, enable or disable a tag (its key stays: imports and forms name it)."""
    _require_admin(actor)
    tag = ResidentTag.objects.select_for_update().get(pk=tag.pk)
    before = audit.snapshot(tag)
    problems: list[dict[str, Any]] = []
    _tag_fields(None, None if name is _UNSET else name, problems)
    _refuse(problems)
    if name is not _UNSET:
        tag.name = as_text(name)
    if ordering is not _UNSET:
        tag.ordering = ordering
    if is_active is not _UNSET:
        tag.is_active = is_active
    tag.save()
    audit.record(actor=actor, action="ledgers.tag_update", obj=tag, before=before, after=audit.snapshot(tag))
    return tag
