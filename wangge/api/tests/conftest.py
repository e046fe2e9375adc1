"""API fixtures: the small district of the closed-loop tests, points in it, and clients holding a token."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from wangge.accounts.models import User
from wangge.core.actors import SYSTEM
from wangge.places.models import Point
from wangge.places.services import point_create, point_types_seed
from wangge.workorders.tests.conftest import act, local, new_case, to_closed, to_handling, world

__all__ = ["act", "local", "new_case", "to_closed", "to_handling", "world"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    """Throttle counters are keyed by user id, and ids are reused between tests."""
    cache.clear()


@pytest.fixture
def client_for(db: Any) -> Callable[[User | None], APIClient]:
    """An API client sending ``Authorization: Token …`` for ``user`` (anonymous for None)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            _token, raw = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    return make


@pytest.fixture
def nobody(db: Any) -> User:
    """A staff account holding no role at all."""
    return User.objects.create_user(username="nobody", password="x-Passw0rd-long", display_name="无角色")


def make_point(w: SimpleNamespace, code: str, lng: float, lat: float, **kw: Any) -> Point:
    fields: dict[str, Any] = {
        "actor": SYSTEM,
        "code": code,
        "name": f"点位{code}",
        "type": "waterlogging",
        "lng": lng,
        "lat": lat,
        "responsible_name": "李责任",
        "responsible_phone": "13900001111",
    }
    fields.update(kw)
    return point_create(**fields)


@pytest.fixture
def places(world: SimpleNamespace) -> SimpleNamespace:
    """A point in each grid; the grid-1 point answers to the department ``dept``."""
    point_types_seed()
    return SimpleNamespace(
        p1=make_point(world, "P001", 113.02, 33.02, responsible_unit=world.dept),
        p2=make_point(world, "P002", 113.07, 33.02, type="river"),
    )
