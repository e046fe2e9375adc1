"""Factories for territory nodes, units, staff and grants, and a small territory tree.

``territory_tree()`` builds one district split into two streets, each with one community; the
west community holds two grids, the east community one grid covering only its western half, so
its eastern half is an area with no grid (属地兜底 falls back to the community). Every node has a
square WGS-84 polygon::

    lng 113.20      113.25      113.30      113.35      113.40   (lat 33.70 … 33.80)
        | grid_a1    | grid_a2   | grid_b1   |  (no grid) |
        |  community_a / street_a | community_b / street_b |
        |                     district                     |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

PASSWORD = "Wangge-test-2024!"
_PASSWORD_HASH: str | None = None


def square(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    """A GeoJSON polygon for the box, counter-clockwise as RFC 7946 asks."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


class TerritoryFactory(factory.django.DjangoModelFactory[Territory]):
    """A territory node; pass ``parent=`` for a child (treebeard needs add_root/add_child)."""

    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"{990000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = TerritoryKind.DISTRICT
    geometry = None

    @classmethod
    def _create(cls, model_class: type[Territory], *args: Any, **kwargs: Any) -> Territory:
        parent = kwargs.pop("parent", None)
        geometry = kwargs.get("geometry")
        if geometry and geometry.get("type") == "Polygon":
            ring = geometry["coordinates"][0]
            kwargs.setdefault("centroid_lng", sum(p[0] for p in ring[:-1]) / (len(ring) - 1))
            kwargs.setdefault("centroid_lat", sum(p[1] for p in ring[:-1]) / (len(ring) - 1))
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


@dataclass
class Tree:
    district: Territory
    street_a: Territory
    street_b: Territory
    community_a: Territory
    community_b: Territory
    grid_a1: Territory
    grid_a2: Territory
    grid_b1: Territory

    def reload(self) -> Tree:
        """Fresh copies of every node (paths and numchild as stored)."""
        return Tree(**{k: Territory.objects.get(pk=v.pk) for k, v in self.__dict__.items()})


def territory_tree(district_code: str = "410403", *, lng0: float = 113.20, lat0: float = 33.70) -> Tree:
    """The small district → street → community → grid tree drawn in the module docstring."""
    s, n = lat0, lat0 + 0.10

    def box(i: float, j: float) -> dict[str, Any]:
        return square(round(lng0 + i, 6), s, round(lng0 + j, 6), n)

    district = TerritoryFactory.create(
        code=district_code, name="测试区", kind=TerritoryKind.DISTRICT, geometry=box(0, 0.2)
    )
    street_a = TerritoryFactory.create(
        parent=district,
        code=f"{district_code}001",
        name="甲街道",
        kind=TerritoryKind.STREET,
        geometry=box(0, 0.1),
    )
    street_b = TerritoryFactory.create(
        parent=district,
        code=f"{district_code}002",
        name="乙街道",
        kind=TerritoryKind.STREET,
        geometry=box(0.1, 0.2),
    )
    community_a = TerritoryFactory.create(
        parent=street_a,
        code=f"{district_code}001001",
        name="甲社区",
        kind=TerritoryKind.COMMUNITY,
        geometry=box(0, 0.1),
    )
    community_b = TerritoryFactory.create(
        parent=street_b,
        code=f"{district_code}002001",
        name="乙社区",
        kind=TerritoryKind.COMMUNITY,
        geometry=box(0.1, 0.2),
    )
    grid_a1 = TerritoryFactory.create(
        parent=community_a,
        code=f"{district_code}001001001",
        name="甲社区第一网格",
        kind=TerritoryKind.GRID,
        geometry=box(0, 0.05),
    )
    grid_a2 = TerritoryFactory.create(
        parent=community_a,
        code=f"{district_code}001001002",
        name="甲社区第二网格",
        kind=TerritoryKind.GRID,
        geometry=box(0.05, 0.1),
    )
    grid_b1 = TerritoryFactory.create(
        parent=community_b,
        code=f"{district_code}002001001",
        name="乙社区第一网格",
        kind=TerritoryKind.GRID,
        geometry=box(0.1, 0.15),
    )
    _invalidate_locator()
    return Tree(district, street_a, street_b, community_a, community_b, grid_a1, grid_a2, grid_b1).reload()


def _invalidate_locator() -> None:
    from wangge.territory import locator

    locator.invalidate()


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DEPARTMENT
    territory = factory.SubFactory(TerritoryFactory)


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class UserFactory(factory.django.DjangoModelFactory[User]):
    """An active staff account whose password is ``PASSWORD``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    display_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.LazyFunction(_password_hash)
    is_active = True


class RoleGrantFactory(factory.django.DjangoModelFactory[RoleGrant]):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = Role.GRID_WORKER


def user_with_role(role: str, territory: Territory | None = None, unit: Unit | None = None, **kwargs: Any) -> User:
    """A fresh user holding one grant (written directly, without the service's checks)."""
    user = UserFactory.create(**kwargs)
    RoleGrantFactory.create(user=user, role=role, territory=territory, unit=unit)
    return User.objects.get(pk=user.pk)
