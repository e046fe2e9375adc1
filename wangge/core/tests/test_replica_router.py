"""The read-replica router: marked report reads go to ``replica`` when one is configured, nothing else does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import override_settings

from config.routers import REPLICA, ROUTER, ReplicaRouter, replica_settings
from wangge.core.models import AuditEntry
from wangge.core.replica import replica_reads, replica_reads_wanted

REPLICA_URL = "postgres://reader@replica.example:5432/wangge"


@pytest.fixture
def replica(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``replica`` entry beside the default database (the settings DATABASE_REPLICA_URL would add)."""
    monkeypatch.setitem(settings.DATABASES, REPLICA, {**settings.DATABASES[DEFAULT_DB_ALIAS]})


def test_unset_url_adds_no_database_and_no_router() -> None:
    assert replica_settings("") == ({}, [])


def test_url_adds_the_replica_mirrored_under_test_and_the_router() -> None:
    databases, routers = replica_settings(REPLICA_URL)
    assert routers == [ROUTER]
    entry = databases[REPLICA]
    assert (entry["HOST"], entry["NAME"], entry["USER"], entry["PORT"]) == ("replica.example", "wangge", "reader", 5432)
    assert entry["ENGINE"] == "django.db.backends.postgresql"
    assert entry["TEST"] == {"MIRROR": DEFAULT_DB_ALIAS}


def test_the_settings_have_no_replica_and_no_router_by_default(settings: Any) -> None:
    assert REPLICA not in settings.DATABASES
    assert ROUTER not in settings.DATABASE_ROUTERS


def test_marked_reads_go_to_the_replica(replica: None) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(AuditEntry) is None  # not marked
    with replica_reads():
        assert replica_reads_wanted()
        assert router.db_for_read(AuditEntry) == REPLICA
    assert not replica_reads_wanted()
    assert router.db_for_read(AuditEntry) is None


def test_marked_reads_stay_on_the_default_without_a_replica() -> None:
    with replica_reads():
        assert ReplicaRouter().db_for_read(AuditEntry) is None


def test_a_transaction_on_the_primary_reads_its_own_writes(replica: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    with replica_reads():
        assert ReplicaRouter().db_for_read(AuditEntry) is None


def test_writes_and_migrations_stay_on_the_default(replica: None) -> None:
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(AuditEntry) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "core") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "core") is None


def test_rows_of_both_databases_may_be_related() -> None:
    a, b, c = AuditEntry(), AuditEntry(), AuditEntry()
    a._state.db, b._state.db, c._state.db = DEFAULT_DB_ALIAS, REPLICA, "archive"
    router = ReplicaRouter()
    assert router.allow_relation(a, b) is True
    assert router.allow_relation(a, c) is None


def test_django_sends_a_marked_query_to_the_replica_alias(replica: None) -> None:
    """Through Django's router chain: the queryset of a marked read names the replica database."""
    with override_settings(DATABASE_ROUTERS=[ROUTER]):
        assert AuditEntry.objects.all().db == DEFAULT_DB_ALIAS
        with replica_reads():
            assert AuditEntry.objects.all().db == REPLICA
            assert AuditEntry.objects.using(DEFAULT_DB_ALIAS).db == DEFAULT_DB_ALIAS
        assert AuditEntry.objects.all().db == DEFAULT_DB_ALIAS
