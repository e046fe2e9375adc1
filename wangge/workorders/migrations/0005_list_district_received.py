"""The work-order list's index: a district's cases newest first (``wangge.api.views.workorders.ScopeBranches``).

A list of a scope reads each branch of the scope apart; the territory branch reads the cases of the districts its
path lies in or holds, newest first, from this index — so a district's first page does not walk the newer cases
of every other district. Built with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (intake goes on meanwhile).
The index is not part of the model's state: the model declares no such index, and no later migration drops it.
"""

from django.db import migrations

NAME = "wo_district_received"
COLUMNS = "(district_id, received_at DESC, id DESC)"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = apps.get_model("workorders", "WorkOrder")._meta.db_table
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX{concurrently} IF NOT EXISTS {NAME} ON {table} {COLUMNS}")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workorders", "0004_scale_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
