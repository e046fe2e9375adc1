from django.db import migrations

from wangge.ledgers.choices import DEFAULT_TAGS


def seed(apps, schema_editor):
    ResidentTag = apps.get_model("ledgers", "ResidentTag")
    for order, (key, name) in enumerate(DEFAULT_TAGS, start=1):
        ResidentTag.objects.get_or_create(key=key, defaults={"name": name, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
