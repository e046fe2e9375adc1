import datetime as dt

from django.db import migrations

from wangge.duty.choices import DEFAULT_ITEMS, DEFAULT_SHIFTS


def seed(apps, schema_editor):
    ShiftPattern = apps.get_model("duty", "ShiftPattern")
    SupplyItem = apps.get_model("duty", "SupplyItem")
    for order, (key, name, starts, ends, day_kind) in enumerate(DEFAULT_SHIFTS, start=1):
        ShiftPattern.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "starts": dt.time.fromisoformat(starts),
                "ends": dt.time.fromisoformat(ends),
                "day_kind": str(day_kind),
                "ordering": order * 10,
            },
        )
    for order, (key, name, unit_label) in enumerate(DEFAULT_ITEMS, start=1):
        SupplyItem.objects.get_or_create(key=key, defaults={"name": name, "unit_label": unit_label, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
