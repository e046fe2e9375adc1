"""Online migration operations (wangge.core.online), and the rule that holds every new migration of a large table
to them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import NotSupportedError, connection, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddIndex, RunPython, RunSQL
from django.db.migrations.state import ProjectState, StateApps
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from wangge.core.models import AuditEntry
from wangge.core.online import AddIndexOnline, RunPythonBatched

# The tables that grow with the cases: a migration that rewrites one or indexes it must run online.
LARGE_MODELS = {
    ("workorders", "workorder"),
    ("workorders", "event"),
    ("workorders", "stepclock"),
    ("workorders", "attachment"),
    ("core", "auditentry"),
    ("notifications", "notification"),
    ("notifications", "smsmessage"),
    ("notifications", "webhookdelivery"),
}
# The apps that own them, and the last migration of each written before the online operations: those ran on
# every installation already and are not rewritten.
BASELINE = {"workorders": "0003", "core": "0001", "notifications": "0003"}


def _state() -> ProjectState:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return loader.project_state()


@pytest.mark.django_db(transaction=True)
def test_a_batched_function_runs_each_range_in_its_own_transaction_and_resumes() -> None:
    AuditEntry.objects.bulk_create([AuditEntry(action=f"t.{i}", note="old") for i in range(7)])
    seen: list[tuple[int, bool]] = []

    def mark(apps: StateApps, rows: QuerySet[Any]) -> int:
        seen.append((rows.count(), connection.in_atomic_block))
        return int(rows.filter(note="old").update(note="new"))

    op = RunPythonBatched("core.AuditEntry", mark, batch_size=3)
    state = _state()
    with connection.schema_editor(atomic=False) as editor:
        op.database_forwards("core", editor, state, state)
    assert seen == [(3, True), (3, True), (1, True)]
    assert set(AuditEntry.objects.values_list("note", flat=True)) == {"new"}

    # Run again (as after an interruption): the same ranges, nothing left to change.
    seen.clear()
    with connection.schema_editor(atomic=False) as editor:
        op.database_forwards("core", editor, state, state)
    assert len(seen) == 3
    assert "Online in batches of 3 rows" in op.describe()


@pytest.mark.django_db(transaction=True)
def test_an_online_operation_refuses_an_atomic_migration() -> None:
    op = RunPythonBatched("core.AuditEntry", lambda apps, rows: 0)
    state = _state()
    with pytest.raises(NotSupportedError, match="atomic = False"), connection.schema_editor(atomic=True) as editor:
        op.database_forwards("core", editor, state, state)


@pytest.mark.django_db(transaction=True)
def test_an_online_index_is_built_concurrently_on_postgresql() -> None:
    index = models.Index(fields=["object_repr"], name="test_online_object_repr")
    op = AddIndexOnline("auditentry", index)
    before = _state()
    after = before.clone()
    op.state_forwards("core", after)
    with CaptureQueriesContext(connection) as queries, connection.schema_editor(atomic=False) as editor:
        op.database_forwards("core", editor, before, after)
    try:
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "CREATE INDEX" in sql
        if connection.vendor == "postgresql":
            assert "CONCURRENTLY" in sql and "lock_timeout" in sql
        with connection.cursor() as cursor:
            names = connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table)
        assert "test_online_object_repr" in names
    finally:
        with connection.schema_editor(atomic=False) as editor:
            op.database_backwards("core", editor, after, before)
    assert "Online" in op.describe()


def _rewrites_large_table(app_label: str, operation: Any) -> str | None:
    """Why ``operation`` would hold a lock on a large table for its whole run, or None."""
    model = getattr(operation, "model_name", None)
    plain_index = isinstance(operation, AddIndex) and not isinstance(operation, AddIndexOnline)
    if plain_index and (app_label, str(model).lower()) in LARGE_MODELS:
        return "AddIndex on a large table: use wangge.core.online.AddIndexOnline"
    if isinstance(operation, RunPython | RunSQL) and any(app == app_label for app, _m in LARGE_MODELS):
        return f"{type(operation).__name__} in an app with large tables: use wangge.core.online.RunPythonBatched"
    return None


def test_every_new_migration_of_a_large_table_runs_online() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label not in BASELINE or name[:4] <= BASELINE[app_label]:
            continue
        online = [op for op in migration.operations if isinstance(op, AddIndexOnline | RunPythonBatched)]
        if online and migration.atomic:
            problems.append(f"{app_label}.{name}: has online operations, so it needs atomic = False")
        for operation in migration.operations:
            why = _rewrites_large_table(app_label, operation)
            if why:
                problems.append(f"{app_label}.{name}: {why}")
    assert not problems, "\n".join(problems)


def test_the_rule_catches_a_plain_index_on_the_cases() -> None:
    assert _rewrites_large_table("workorders", AddIndex("workorder", models.Index(fields=["status"], name="x")))
    assert not _rewrites_large_table(
        "workorders", AddIndexOnline("workorder", models.Index(fields=["status"], name="x"))
    )
    assert not _rewrites_large_table("workorders", AddIndex("category", models.Index(fields=["name"], name="y")))
