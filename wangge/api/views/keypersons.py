"""REST endpoints of the keypersons app (registered on the API router by wangge.api.urls through ``register``)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Add this app's viewsets to the API router."""
