"""REST endpoints of ``wangge.cogovernance``, registered on the API router by wangge.api.urls through ``register``."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
