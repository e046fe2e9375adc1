"""Factories for point types and points."""

from __future__ import annotations

from typing import Any

import factory

from wangge.core.crypto import blind_index
from wangge.places.choices import BUILTIN_POINT_TYPES
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory

_BUILTIN = {b.key: b for b in BUILTIN_POINT_TYPES}


class PointTypeFactory(factory.django.DjangoModelFactory[PointType]):
    """A point type; a built-in key gets its built-in name and hazard flag."""

    class Meta:
        model = PointType
        django_get_or_create = ("key",)

    key = "shop"
    name = factory.LazyAttribute(lambda o: _BUILTIN[o.key].name if o.key in _BUILTIN else o.key)
    is_hazard = factory.LazyAttribute(lambda o: _BUILTIN[o.key].is_hazard if o.key in _BUILTIN else False)


class PointFactory(factory.django.DjangoModelFactory[Point]):
    """A point written directly (no locator). Use ``point_in(node)`` to place one inside a node."""

    class Meta:
        model = Point

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"测试点位{n}")
    type = factory.SubFactory(PointTypeFactory)
    lng = 113.225
    lat = 33.75
    responsible_name = "张三"
    responsible_phone = "13800138000"
    responsible_phone_index = factory.LazyAttribute(lambda o: blind_index(o.responsible_phone))


def point_in(territory: Territory, **kwargs: Any) -> Point:
    """A point at the centroid of ``territory``, with territory and grid set as the locator would."""
    grid = territory if territory.kind == "grid" else None
    kwargs.setdefault("lng", territory.centroid_lng)
    kwargs.setdefault("lat", territory.centroid_lat)
    return PointFactory.create(territory=territory, grid=grid, **kwargs)
