"""Reading the cells of an imported row, and the look-ups every kind shares (grids in scope, choices).

Everything here is built for files of 100,000 rows: the look-ups are prefetched by value in chunks, never
one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import RECORD
from wangge.core import crypto
from wangge.core.actors import is_system
from wangge.core.scoping import ALL_SCOPE, Scope, scope_for
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.records import as_date, as_text
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

CHUNK = 500  # values per ``IN (...)`` look-up: well under SQLite's and PostgreSQL's parameter limits


def problem(row: int, field: str, error: str, reason: str) -> dict[str, Any]:
    return {"row": row, "field": field, "error": str(error), "reason": str(reason)}


def too_long(row: int, field: str, header: str, text: str, limit: int) -> dict[str, Any] | None:
    if len(text) > limit:
        reason = _("%(h)s 不能超过 %(n)d 个字") % {"h": header, "n": limit}
        return problem(row, field, ErrorCode.TOO_LONG, reason)
    return None


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def in_chunks(queryset: models.QuerySet[Any], field: str, values: Iterable[Any]) -> list[Any]:
    """``queryset.filter(field__in=values)`` run chunk by chunk (duplicates and blanks dropped)."""
    distinct = sorted({v for v in values if v not in ("", None)})
    out: list[Any] = []
    for part in chunks(distinct):
        out.extend(queryset.filter(**{f"{field}__in": list(part)}))
    return out


def record_scope(actor: Any) -> Scope:
    """Where ``actor`` may keep the ledgers: everywhere for the system (commands), else the ``record`` grants."""
    return ALL_SCOPE if is_system(actor) else scope_for(actor, RECORD)


class Places:
    """Territory nodes named by code in a file, fetched at once, checked for kind and for the actor's scope."""

    def __init__(self, scope: Scope, codes: Iterable[str]) -> None:
        self.scope = scope
        nodes = in_chunks(Territory.objects.all(), "code", codes)
        self._by_code: dict[str, Territory] = {n.code: n for n in nodes}

    def find(
        self, row: int, field: str, header: str, code: str, kind: str = TerritoryKind.GRID
    ) -> tuple[Territory | None, dict[str, Any] | None]:
        """The node of ``kind`` with ``code`` inside the scope, or the problem: a node outside the scope is
        reported as not found (as everywhere out of scope looks like missing) unless the actor may see it."""
        missing = ErrorCode.GRID_NOT_FOUND if kind == TerritoryKind.GRID else ErrorCode.COMMUNITY_NOT_FOUND
        if not code:
            return None, problem(row, field, ErrorCode.REQUIRED, _("%(h)s 不能为空") % {"h": header})
        node = self._by_code.get(code)
        if node is None:
            return None, problem(row, field, missing, _("编码 %(c)s 不存在") % {"c": code})
        if node.kind != kind:
            wrong = ErrorCode.NOT_A_GRID if kind == TerritoryKind.GRID else ErrorCode.NOT_A_COMMUNITY
            return None, problem(
                row,
                field,
                wrong,
                _("%(c)s 是%(k)s，不是%(w)s") % {"c": code, "k": node.get_kind_display(), "w": _kind(kind)},
            )
        if not self.scope.covers_path(node.path):
            return None, problem(
                row,
                field,
                ErrorCode.RECORD_DENIED,
                _("%(c)s 不在您可登记台账的范围内") % {"c": code},
            )
        return node, None


def _kind(kind: str) -> str:
    return str(TerritoryKind(kind).label)


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


def as_datetime(value: Any) -> dt.datetime:
    """A date-time cell in local time (a date alone is its midnight); ValueError otherwise."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(0))
    else:
        text = as_text(value)
        for fmt in _DATETIME_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            day = as_date(text)
            if day is None:
                raise ValueError(text)
            moment = dt.datetime.combine(day, dt.time(0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class FastInsert:
    """Inserting many rows of one model with ``executemany``, without a model instance per row.

    ``bulk_create`` builds an instance and prepares every field of every row through the ORM; for an import of
    100,000 residents that is most of the time spent. Here each column's conversion is chosen once: protected
    fields are encrypted (``core.crypto.encrypt``, as ``ProtectedCharField`` does), dates and date-times adapted
    by the connection, and the columns a row does not give take the field's default, prepared once. The values
    must already be clean (the importer validated every row). Works on SQLite and PostgreSQL alike.
    """

    def __init__(self, model: type[models.Model], constants: dict[str, Any] | None = None) -> None:
        from django.db import connection

        from wangge.core.fields import ProtectedCharField

        self.connection = connection
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.converters: dict[str, Any] = {}
        for f in self.fields:
            if isinstance(f, ProtectedCharField):
                self.converters[f.attname] = crypto.encrypt
            elif isinstance(f, models.DateTimeField):
                self.converters[f.attname] = connection.ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                self.converters[f.attname] = connection.ops.adapt_datefield_value
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            value = (constants or {}).get(f.attname, f.get_default())
            self.defaults[f.attname] = f.get_db_prep_save(value, connection)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for f in self.fields:
            name = f.attname
            if name in values:
                value = values[name]
                convert = self.converters.get(name)
                out.append(convert(value) if convert is not None and value is not None else value)
            else:
                out.append(self.defaults[name])
        return tuple(out)

    def insert(self, rows: list[dict[str, Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.sql, [self.row(values) for values in rows])
