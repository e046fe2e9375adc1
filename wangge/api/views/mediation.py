"""REST endpoints of 矛盾纠纷调解 (registered on the API router by ``register``)."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
