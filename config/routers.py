"""The read-replica router: reports read from ``replica`` when ``DATABASE_REPLICA_URL`` names one.

Only reads a caller marked with ``wangge.core.replica.replica_reads`` (the bulletins) go to the replica, and only
outside a transaction on the default database; every write, migration and other read stays on ``default``.
Without ``DATABASE_REPLICA_URL`` the router is not installed and nothing changes (``config.settings.base``).
"""

from __future__ import annotations

from typing import Any

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from wangge.core.replica import replica_reads_wanted

REPLICA = "replica"
ROUTER = "config.routers.ReplicaRouter"


def replica_database(url: str) -> dict[str, Any]:
    """The ``DATABASES["replica"]`` entry for ``url``; under test it mirrors the default test database."""
    entry: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    entry["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    return entry


def replica_settings(url: str) -> tuple[dict[str, Any], list[str]]:
    """(extra DATABASES entries, DATABASE_ROUTERS) for ``DATABASE_REPLICA_URL``: nothing when it is empty."""
    if not url:
        return {}, []
    return {REPLICA: replica_database(url)}, [ROUTER]


class ReplicaRouter:
    """Marked reads to the replica; everything else to the default database."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica_reads_wanted() or REPLICA not in settings.DATABASES:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction on the primary reads its own writes
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica is a copy of the primary, never migrated itself
