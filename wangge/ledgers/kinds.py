"""The registry of ledger kinds (what can be imported and exported as a workbook) and of summary counters.

A *kind* (``residents``, ``buildings``, ``hazards`` …) declares its columns with their Chinese headers, which
of them a file must carry, how its rows are validated and written, and how its rows are exported. The import
and export machinery (``ledgers.importing``, ``ledgers.exporting``) and the commands ``ledger_import``,
``ledger_export`` and ``ledger_summary`` know nothing of a kind beyond this declaration.

The base ledger must never import the ledgers built on it (an import-linter contract), so the hazards and
key-persons apps register their kinds and counters here from their ``AppConfig.ready()``; the base ledger's
own kinds are registered the first time the registry is read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# One row of a workbook as read: its spreadsheet row number and its values keyed by column key.
Record = tuple[int, dict[str, Any]]
# One problem of one row: {"row", "field", "error", "reason"} (``column`` is added from the kind's headers).
Problem = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """A column of a kind's workbook: ``key`` (the field it fills), the documented Chinese ``header``,
    other headers accepted for it (``aliases``, e.g. the English key) and a note for the template."""

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class LedgerKind:
    """Everything the import/export machinery needs to know of one ledger.

    * ``validate(actor, records) -> (plan, problems)`` checks every row (never raising for a row's faults) and
      returns what ``write`` needs; the machinery refuses the whole file when there is any problem.
    * ``write(actor, plan, source) -> count`` writes the plan; it runs inside the import's one transaction.
    * ``queryset()`` is what an export starts from (scoped by the machinery through ``path_field``);
      ``export_row(obj, reveal)`` gives the values of one row in column order (personal numbers masked unless
      ``reveal``).
    * ``on_export(actor, queryset, fmt)``, when given, is told of every export (a restricted ledger's own log).
    * ``instructions()`` lists (header, what to write) for the template's instruction sheet, with the valid
      values read from the dictionaries at the time.
    """

    key: str
    label: str
    columns: tuple[Column, ...]
    validate: Callable[[Any, list[Record]], tuple[Any, list[Problem]]]
    write: Callable[[Any, Any, str], int]
    queryset: Callable[[], models.QuerySet[Any]]
    export_row: Callable[[Any, bool], list[Any]]
    path_field: str = "grid__path"
    example: tuple[Any, ...] = ()
    instructions: Callable[[], list[tuple[str, str]]] = field(default=lambda: [])
    audit_what: str = ""
    # Called with (actor, the exported queryset, format) after a file is written: a restricted ledger logs
    # its exports in its own access log.
    on_export: Callable[[Any, models.QuerySet[Any], str], None] | None = None
    # Who may import this kind; by default anyone holding the ``record`` action somewhere.
    may_import: Callable[[Any], bool] | None = None

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def header_of(self, key: str) -> str:
        """The Chinese header of the column filling ``key`` (the key itself for a field with no column)."""
        for column in self.columns:
            if column.key == key:
                return column.header
        return key

    def column_for(self, header: Any) -> str | None:
        """The key of the column a header cell names (its header or an alias, spaces and case ignored)."""
        text = "" if header is None else str(header).strip().replace(" ", "").replace("\u3000", "")
        for column in self.columns:
            names = (column.header, column.key, *column.aliases)
            if text in names or text.lower() in (n.lower() for n in names):
                return column.key
        return None


_kinds: dict[str, LedgerKind] = {}
_counters: dict[str, Callable[[Any], int]] = {}
_builtin_lock = threading.Lock()
_builtin_loaded = False

# The order ``ledger_summary`` prints its keys in (counters registered by other apps come after, by name).
SUMMARY_KEYS: tuple[str, ...] = (
    "buildings",
    "households",
    "residents",
    "merchants",
    "hazards_open",
    "hazards_overdue",
    "key_persons",
    "visits_overdue",
)


def register_kind(kind: LedgerKind) -> None:
    """Declare a kind (again: the declaration replaces the former one, so a re-run ``ready()`` is harmless)."""
    _kinds[kind.key] = kind


def register_counter(key: str, count: Callable[[Any], int]) -> None:
    """Declare a summary counter: ``count(node)`` is the number of rows within the territory node's subtree."""
    _counters[key] = count


def _load_builtin() -> None:
    """The base ledger's own kinds, registered on first use (their modules import the machinery)."""
    global _builtin_loaded
    if _builtin_loaded:
        return
    with _builtin_lock:
        if _builtin_loaded:
            return
        from wangge.ledgers.importing.kinds import builtin_kinds

        for kind in builtin_kinds():
            _kinds.setdefault(kind.key, kind)
        _builtin_loaded = True


def get_kind(key: str) -> LedgerKind | None:
    _load_builtin()
    return _kinds.get(key)


def all_kinds() -> list[LedgerKind]:
    _load_builtin()
    return sorted(_kinds.values(), key=lambda k: k.key)


def _ledger_count(key: str) -> Callable[[Any], int]:
    """A counter reading ``key`` of ``ledgers.selectors.ledger_counts`` (the one definition of those numbers)."""

    def count(node: Any) -> int:
        from wangge.ledgers.selectors import ledger_counts

        return int(ledger_counts(node)[key])

    count.__name__ = f"count_{key}"
    return count


for _key in ("buildings", "households", "residents", "merchants"):
    register_counter(_key, _ledger_count(_key))


def _ordered(keys: Iterable[str]) -> Iterator[str]:
    known = [k for k in SUMMARY_KEYS if k in keys]
    yield from known
    yield from sorted(k for k in keys if k not in SUMMARY_KEYS)


def summary(node: Any) -> dict[str, int]:
    """Every registered count within ``node``'s subtree: buildings and households in use, residents on the
    register, merchants open (``ledgers.selectors.ledger_counts``), and what the other ledgers register (open
    and overdue hazards, active key persons and their overdue visits)."""
    return {key: int(_counters[key](node)) for key in _ordered(list(_counters))}
