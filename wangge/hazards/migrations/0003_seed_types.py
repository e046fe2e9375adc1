from django.db import migrations

from wangge.hazards.choices import DEFAULT_HAZARD_TYPES


def seed(apps, schema_editor):
    HazardType = apps.get_model("hazards", "HazardType")
    for order, (key, name) in enumerate(DEFAULT_HAZARD_TYPES, start=1):
        HazardType.objects.get_or_create(key=key, defaults={"name": name, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
