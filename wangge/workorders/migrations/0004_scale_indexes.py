"""Partial indexes for a city's tables (bench/scale.py, docs/performance.md), built online.

The open cases (about 1 % of a city's millions) and the cases under 督办 get indexes of their own: the map's open
cases newest first, the open and overdue counts of a scope (home page, map, 日通报) and the 督办 list of a
scope read a small index instead of the whole table. ``CREATE INDEX CONCURRENTLY`` on PostgreSQL: intake goes on
while they build.
"""

from django.db import migrations, models

from wangge.core.online import AddIndexOnline

OPEN = ["callback", "dispatched", "handling", "registered", "replied", "returned", "suspended", "to_close"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workorders", "0003_escalation_evidence_voices"),
    ]

    operations = [
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)), fields=["received_at"], name="wo_open_received"
            ),
        ),
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["scope_path"],
                name="wo_open_scope",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("supervision__in", ["yellow", "red"])),
                fields=["scope_path"],
                name="wo_supervised_scope",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
