"""Migration operations for the large tables, which run while the platform serves.

A district's tables stay small; a city's reach tens of millions of cases, events and audit entries. A migration
that rewrote such a table in one transaction, or built an index under a write lock, would stop intake for as long
as it ran. The operations here do the same work online:

- ``AddIndexOnline`` builds the index with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (writes go on while it
  builds) and with a plain ``CREATE INDEX`` elsewhere (SQLite serves one machine, where a migration runs with the
  server stopped);
- ``RunPythonBatched`` calls a function on consecutive primary-key ranges of one model, each range committed in
  its own short transaction, so no lock is held for longer than one batch and an interrupted run resumes where it
  stopped when the function is idempotent (as it must be);
- both set PostgreSQL's ``lock_timeout`` (``WANGGE_MIGRATION_LOCK_TIMEOUT``, 5 s by default) for their statements:
  a migration that cannot get its lock quickly fails and can be run again, rather than queueing every request
  behind it.

Both need ``atomic = False`` on their migration and refuse to run otherwise. Both say what they do: ``migrate
--plan`` shows "online" in their description, and a batched run prints its progress.
``wangge/core/tests/test_online_migrations.py`` holds every migration written after these operations to them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddIndex
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState, StateApps
from django.db.models import QuerySet

DEFAULT_LOCK_TIMEOUT = "5s"
DEFAULT_BATCH_SIZE = 2000

BatchFunction = Callable[[StateApps, QuerySet[Any]], int | None]


def lock_timeout() -> str:
    return str(getattr(settings, "WANGGE_MIGRATION_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))


def _ensure_not_in_transaction(operation: Operation, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.in_atomic_block:
        raise NotSupportedError(
            f"{type(operation).__name__} runs online and cannot run inside a transaction: "
            "set atomic = False on its migration"
        )


def _set_lock_timeout(schema_editor: BaseDatabaseSchemaEditor, value: str | None) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [value or "0"])


class AddIndexOnline(AddIndex):
    """``AddIndex`` that never blocks writes on PostgreSQL (``CREATE INDEX CONCURRENTLY``)."""

    atomic = False

    def describe(self) -> str:
        return f"Online (concurrently on PostgreSQL): create index {self.index.name} on {self.model_name}"

    def _concurrently(self, schema_editor: BaseDatabaseSchemaEditor) -> dict[str, Any]:
        return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        _ensure_not_in_transaction(self, schema_editor)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            _set_lock_timeout(schema_editor, lock_timeout())
            try:
                schema_editor.add_index(model, self.index, **self._concurrently(schema_editor))
            finally:
                _set_lock_timeout(schema_editor, None)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        _ensure_not_in_transaction(self, schema_editor)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **self._concurrently(schema_editor))

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        _name, args, kwargs = super().deconstruct()
        return "wangge.core.online.AddIndexOnline", list(args), kwargs


class RunPythonBatched(Operation):
    """Calls ``function(apps, queryset)`` on consecutive primary-key ranges of ``app_label.model_name``.

    Each call gets a queryset of at most ``batch_size`` rows and runs in its own transaction; it returns the
    number of rows it changed (or None). The function must be idempotent: a run stopped halfway is run again
    from the start and passes over the rows already done.
    """

    reduces_to_sql = False
    reversible = True
    atomic = False

    def __init__(
        self,
        model: str,
        function: BatchFunction,
        reverse_function: BatchFunction | None = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        describe: str = "",
    ) -> None:
        if "." not in model:
            raise ValueError("model is 'app_label.ModelName'")
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.model, self.function, self.reverse_function = model, function, reverse_function
        self.batch_size, self.description = batch_size, describe
        self.reversible = reverse_function is not None  # type: ignore[misc]  # per operation, as RunPython does

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"batch_size": self.batch_size}
        if self.reverse_function is not None:
            kwargs["reverse_function"] = self.reverse_function
        if self.description:
            kwargs["describe"] = self.description
        return "wangge.core.online.RunPythonBatched", [self.model, self.function], kwargs

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # data only

    def describe(self) -> str:
        what = self.description or getattr(self.function, "__name__", "a function")
        return f"Online in batches of {self.batch_size} rows, each committed on its own: {what} over {self.model}"

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(self.function, schema_editor, from_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if self.reverse_function is None:
            raise NotImplementedError(f"{self.describe()} cannot be reversed")
        self._run(self.reverse_function, schema_editor, to_state)

    def _run(self, function: BatchFunction, schema_editor: BaseDatabaseSchemaEditor, state: ProjectState) -> None:
        _ensure_not_in_transaction(self, schema_editor)
        alias = schema_editor.connection.alias
        model = state.apps.get_model(self.model)
        if not self.allow_migrate_model(alias, model):
            return
        rows = model._base_manager.using(alias)
        last: Any = None
        batches = changed = 0
        _set_lock_timeout(schema_editor, lock_timeout())
        try:
            while True:
                page = rows.order_by("pk") if last is None else rows.filter(pk__gt=last).order_by("pk")
                pks = list(page.values_list("pk", flat=True)[: self.batch_size])
                if not pks:
                    break
                with transaction.atomic(using=alias):
                    changed += function(state.apps, rows.filter(pk__in=pks)) or 0
                last, batches = pks[-1], batches + 1
                if batches % 50 == 0:
                    self._say(f"{batches} batches, {changed} rows changed so far")
        finally:
            _set_lock_timeout(schema_editor, None)
        self._say(f"{batches} batches of at most {self.batch_size} rows, {changed} rows changed")

    def _say(self, text: str) -> None:
        sys.stdout.write(f"\n    online {self.model}: {text}")
        sys.stdout.flush()
