from django.db import migrations

from wangge.mediation.choices import DEFAULT_DISPUTE_TYPES


def seed(apps, schema_editor):
    DisputeType = apps.get_model("mediation", "DisputeType")
    for order, (key, name) in enumerate(DEFAULT_DISPUTE_TYPES, start=1):
        DisputeType.objects.get_or_create(key=key, defaults={"name": name, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
