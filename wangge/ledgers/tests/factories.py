"""Factories for the 基础台账 and a small world to test it in.

Rows made here are written directly (no services, no audit); numbers get their blind index as the services
would set it. ``id_number(…)`` and ``credit_code(…)`` make numbers with valid check characters.
"""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

import factory

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import territory_tree, user_with_role
from wangge.core.crypto import blind_index
from wangge.core.validators import credit_code_check_character, id_number_checksum
from wangge.ledgers.choices import Relation
from wangge.ledgers.models import Building, Estate, Household, Merchant, Resident, ResidentTag
from wangge.territory.models import Territory

_serial = itertools.count(1)


def id_number(
    born: dt.date = dt.date(1980, 5, 17), *, male: bool = True, area: str = "410403", seq: int | None = None
) -> str:
    """A GB 11643 number with a valid check digit; the order code's last digit is odd for a man."""
    n = next(_serial) if seq is None else seq
    order = (n % 50) * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{order:03d}"
    return first17 + id_number_checksum(first17)


def credit_code(seq: int | None = None) -> str:
    """A GB 32100 unified social credit code with a valid check character."""
    n = next(_serial) if seq is None else seq
    first17 = f"91410403MA{n:07d}"
    return first17 + credit_code_check_character(first17)


def tag(key: str) -> ResidentTag:
    """A seeded dictionary entry (migration 0002), or a new one."""
    found, _created = ResidentTag.objects.get_or_create(key=key, defaults={"name": key})
    return found


class EstateFactory(factory.django.DjangoModelFactory[Estate]):
    class Meta:
        model = Estate

    code = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"测试小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory[Building]):
    class Meta:
        model = Building

    code = factory.Sequence(lambda n: f"B{n:05d}")
    name = factory.Sequence(lambda n: f"{n}号楼")
    floors = 6
    units = 2
    head_phone = "13800138001"
    head_phone_index = factory.LazyAttribute(lambda o: blind_index(o.head_phone))


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"H{n:06d}")
    grid = factory.LazyAttribute(lambda o: o.building.grid if o.building is not None else None)
    building = None
    unit_no = "1"
    room = factory.Sequence(lambda n: f"{100 + n}")
    address = factory.LazyAttribute(lambda o: f"测试路{o.room}号")


class ResidentFactory(factory.django.DjangoModelFactory[Resident]):
    class Meta:
        model = Resident

    name = factory.Sequence(lambda n: f"测试居民{n}")
    id_number = factory.LazyFunction(id_number)
    id_number_index = factory.LazyAttribute(lambda o: blind_index(o.id_number))
    phone = "13912345678"
    phone_index = factory.LazyAttribute(lambda o: blind_index(o.phone))
    household = None
    grid = factory.LazyAttribute(lambda o: o.household.grid if o.household is not None else None)
    relation = Relation.OTHER


class MerchantFactory(factory.django.DjangoModelFactory[Merchant]):
    class Meta:
        model = Merchant

    name = factory.Sequence(lambda n: f"测试商户{n}")
    credit_code = factory.LazyFunction(credit_code)
    contact_phone = "13700137000"
    contact_phone_index = factory.LazyAttribute(lambda o: blind_index(o.contact_phone))


def ledger_world() -> SimpleNamespace:
    """A district with two streets, three grids and the people who keep (or only read) their ledgers.

    - ``worker`` records in grid a1 only, ``other_worker`` in grid a2, ``community`` staff over community a,
      ``admin`` over the district; ``leader`` (区领导) only views the district; ``stranger`` works in another
      district; ``handler`` is a department handler (views what is dispatched to its unit only).
    """
    tree = territory_tree()
    other = territory_tree("410411", lng0=114.2)
    w = SimpleNamespace(
        tree=tree,
        district=tree.district,
        community=tree.community_a,
        community_b=tree.community_b,
        grid=tree.grid_a1,
        grid2=tree.grid_a2,
        grid_b=tree.grid_b1,
        other_grid=other.grid_a1,
        worker=user_with_role(Role.GRID_WORKER, tree.grid_a1, username="worker"),
        other_worker=user_with_role(Role.GRID_WORKER, tree.grid_a2, username="other_worker"),
        community_staff=user_with_role(Role.COMMUNITY_STAFF, tree.community_a, username="community_staff"),
        admin=user_with_role(Role.ADMIN, tree.district, username="district_admin"),
        leader=user_with_role(Role.LEADER, tree.district, username="leader"),
        stranger=user_with_role(Role.GRID_WORKER, other.grid_a1, username="stranger"),
        dispatcher=user_with_role(Role.DISPATCHER, tree.district, username="dispatcher"),
    )
    return w


def place_household(grid: Territory, **kwargs: Any) -> Household:
    """A household in a building of ``grid``."""
    building = kwargs.pop("building", None) or BuildingFactory.create(grid=grid)
    return HouseholdFactory.create(building=building, grid=grid, **kwargs)
