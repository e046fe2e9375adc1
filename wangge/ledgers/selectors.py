"""Reads of the 基础台账: scoped lists, exact search by ID number or phone, a household's people, counts under a
territory node and the reveal decision.

Lists start from the reader's ``view`` scope, so a row outside it is simply absent (out of scope reads like
missing). Protected numbers are searched only by their exact value, through the blind index of the normalised
value: the clear numbers are never compared in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from wangge.accounts.roles import REVEAL
from wangge.core.actors import is_system
from wangge.core.crypto import blind_index
from wangge.core.scoping import VIEW, scope_for
from wangge.core.validators import normalise_id_number, normalise_phone
from wangge.ledgers.choices import MerchantStatus, RecordStatus, ResidentStatus
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident, ResidentTag
from wangge.territory.models import Territory

__all__ = [
    "HouseholdOverview",
    "buildings_for",
    "estates_for",
    "household_overview",
    "households_for",
    "ledger_counts",
    "may_reveal",
    "merchants_for",
    "residents_by_id_number",
    "residents_by_phone",
    "residents_for",
    "row_path",
]


# -- scoped lists ---------------------------------------------------------------------------------------------


def estates_for(user: Any, action: str = VIEW) -> QuerySet[Estate]:
    return Estate.objects.restrict(user, action).select_related("community")


def buildings_for(user: Any, action: str = VIEW) -> QuerySet[Building]:
    return Building.objects.restrict(user, action).select_related("grid", "estate", "head_user")


def households_for(user: Any, action: str = VIEW) -> QuerySet[Household]:
    return Household.objects.restrict(user, action).select_related("grid", "building", "building__estate", "head")


def residents_for(user: Any, action: str = VIEW, *, current_only: bool = False) -> QuerySet[Resident]:
    """Residents in scope with their grid and household; tags prefetched. Archived ones too unless
    ``current_only`` (they stay searchable)."""
    qs: QuerySet[Resident] = (
        Resident.objects.restrict(user, action)
        .select_related("grid", "household", "household__building")
        .prefetch_related(Prefetch("tags", queryset=ResidentTag.objects.order_by("ordering", "key")))
    )
    return qs.filter(status=ResidentStatus.CURRENT) if current_only else qs


def merchants_for(user: Any, action: str = VIEW) -> QuerySet[Merchant]:
    return Merchant.objects.restrict(user, action).select_related("grid", "building", "point")


# -- exact search through the blind index ---------------------------------------------------------------------


def residents_by_id_number(user: Any, value: str) -> QuerySet[Resident]:
    """The resident (at most one) with exactly this 公民身份号码, if the user may see them."""
    number = normalise_id_number(value)
    if not number:
        return Resident.objects.none()
    return residents_for(user).filter(id_number_index=blind_index(number))


def residents_by_phone(user: Any, value: str) -> QuerySet[Resident]:
    """The residents in the user's scope with exactly this phone number (written any usual way)."""
    phone = normalise_phone(value)
    if not phone:
        return Resident.objects.none()
    return residents_for(user).filter(phone_index=blind_index(phone))


# -- one household --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormerMember:
    """Someone who lived in the household: their record and the history entries that concern the household."""

    resident: Resident
    moves: list[ResidenceChange]


@dataclass(frozen=True)
class HouseholdOverview:
    household: Household
    head: Resident | None
    building: Building | None
    grid: Territory
    members: list[Resident]  # current, the head first
    former: list[FormerMember] = field(default_factory=list)  # moved out or archived, latest first
    history: list[ResidenceChange] = field(default_factory=list)  # every entry into or out of it, latest first


def household_overview(household: Household) -> HouseholdOverview:
    """The people of a household (its current members, the head first; who lived there before and where they went)
    with its building and grid, as stored now. The caller has already checked the household is in the reader's
    scope."""
    household = Household.objects.select_related("grid", "building", "building__estate").get(pk=household.pk)
    members = list(
        Resident.objects.filter(household=household, status=ResidentStatus.CURRENT)
        .select_related("grid")
        .prefetch_related("tags")
        .order_by("id")
    )
    members.sort(key=lambda r: (r.pk != household.head_id, r.pk))
    history = list(
        (
            ResidenceChange.objects.filter(from_household=household)
            | ResidenceChange.objects.filter(to_household=household)
        )
        .select_related("resident", "from_household", "to_household", "by")
        .order_by("-at", "-id")
    )
    current_ids = {m.pk for m in members}
    former_moves: dict[int, list[ResidenceChange]] = {}
    former_people: dict[int, Resident] = {}
    for change in history:
        if change.resident_id in current_ids:
            continue
        former_moves.setdefault(change.resident_id, []).append(change)
        former_people[change.resident_id] = change.resident
    former = [FormerMember(resident=former_people[pk], moves=moves) for pk, moves in former_moves.items()]
    head = next((m for m in members if m.pk == household.head_id), None)
    building = household.building
    grid: Territory = household.grid
    return HouseholdOverview(
        household=household,
        head=head,
        building=building,
        grid=grid,
        members=members,
        former=former,
        history=history,
    )


# -- counts ---------------------------------------------------------------------------------------------------


def ledger_counts(node: Territory) -> dict[str, int]:
    """Buildings and households in use, current residents and open merchants in ``node``'s subtree."""
    path: str = node.path
    return {
        "buildings": Building.objects.filter(grid__path__startswith=path, status=RecordStatus.ACTIVE).count(),
        "households": Household.objects.filter(grid__path__startswith=path, status=RecordStatus.ACTIVE).count(),
        "residents": Resident.objects.filter(grid__path__startswith=path, status=ResidentStatus.CURRENT).count(),
        "merchants": Merchant.objects.filter(grid__path__startswith=path, status=MerchantStatus.OPEN).count(),
    }


# -- reveal ---------------------------------------------------------------------------------------------------


def row_path(obj: Any) -> str:
    """The territory path a ledger row is scoped by (its grid's, an estate's community's)."""
    if isinstance(obj, Estate):
        return str(obj.community.path)
    grid = getattr(obj, "grid", None)
    return str(grid.path) if grid is not None else ""


def may_reveal(user: Any, obj: Any) -> bool:
    """Whether ``user`` may read the full protected numbers of ``obj``: the ``reveal`` action covers the row's grid
    (the system always may)."""
    if is_system(user):
        return True
    path = row_path(obj)
    return bool(path) and scope_for(user, REVEAL).covers_path(path)
