"""Keeping each case's copy of its territory path (the scope column) in step with the tree."""

from __future__ import annotations

from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder


def resync_scope_paths() -> int:
    """Bring every case's ``scope_path`` back to its territory's current path (after a renumbering).

    One set-based UPDATE … FROM per source column (PostgreSQL, and SQLite ≥ 3.33): a hash join that
    touches only the rows whose copy differs.
    """
    from django.db import connection

    wo = WorkOrder._meta.db_table
    tt = Territory._meta.db_table
    q = connection.ops.quote_name
    total = 0
    with connection.cursor() as cursor:
        for column, condition in (("territory_id", ""), ("district_id", f" AND {q(wo)}.{q('territory_id')} IS NULL")):
            cursor.execute(
                f"UPDATE {q(wo)} SET {q('scope_path')} = t.{q('path')} FROM {q(tt)} AS t "
                f"WHERE t.{q('id')} = {q(wo)}.{q(column)} AND {q(wo)}.{q('scope_path')} <> t.{q('path')}{condition}"
            )
            total += max(cursor.rowcount, 0)
    return total
