from django.db import migrations

from wangge.keypersons.choices import DEFAULT_CATEGORIES


def seed(apps, schema_editor):
    Category = apps.get_model("keypersons", "KeyPersonCategory")
    for order, (key, name, days) in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(key=key, defaults={"name": name, "visit_interval_days": days, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("keypersons", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
