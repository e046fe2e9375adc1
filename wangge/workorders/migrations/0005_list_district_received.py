"""The work-order list's index: a district's cases newest first (``wangge.api.views.workorders.ScopeBranches``).

A list of a scope reads each branch of the scope apart; the territory branch reads the cases of the districts its
path lies in or holds, newest first, from this index — so a district's first page does not walk the newer cases
of every other district. Built online (``CREATE INDEX CONCURRENTLY`` on PostgreSQL): intake goes on meanwhile.
"""

from django.db import migrations, models

from wangge.core.online import AddIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workorders", "0004_scale_indexes"),
    ]

    operations = [
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(fields=["district", "-received_at", "-id"], name="wo_district_received"),
        ),
    ]
