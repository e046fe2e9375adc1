"""REST endpoints of 公共法律服务 (registered on the API router by ``register``)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
