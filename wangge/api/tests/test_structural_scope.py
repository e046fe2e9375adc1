"""Scope is applied by the API's base class, not remembered by each viewset (as NetBox's RestrictedQuerySet)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from wangge.api.base import SCOPES, TERRITORY, ScopedViewSet
from wangge.api.urls import router
from wangge.territory.models import Territory


def test_every_registered_viewset_declares_how_it_is_scoped() -> None:
    viewsets = [viewset for _prefix, viewset, _basename in router.registry]
    assert viewsets
    for viewset in viewsets:
        assert issubclass(viewset, ScopedViewSet), viewset
        assert viewset.queryset is not None and viewset.scope in SCOPES, viewset
        assert "get_queryset" not in vars(viewset), f"{viewset.__name__} must refine, not replace, the scoped queryset"


def test_a_viewset_that_forgets_its_scope_does_not_load() -> None:
    with pytest.raises(ImproperlyConfigured):
        type("Forgetful", (ScopedViewSet,), {"queryset": Territory.objects.all(), "__module__": __name__})


def test_a_territory_scope_needs_a_restrictable_queryset() -> None:
    from wangge.notifications.models import Notification

    with pytest.raises(ImproperlyConfigured):
        type(
            "Wrong",
            (ScopedViewSet,),
            {"queryset": Notification.objects.all(), "scope": TERRITORY, "__module__": __name__},
        )
