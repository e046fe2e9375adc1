from django.db import migrations

from wangge.campaigns.choices import DEFAULT_QUANTITY_ITEMS


def seed(apps, schema_editor):
    QuantityItem = apps.get_model("campaigns", "QuantityItem")
    for order, (key, name, unit) in enumerate(DEFAULT_QUANTITY_ITEMS, start=1):
        QuantityItem.objects.get_or_create(key=key, defaults={"name": name, "unit": unit, "ordering": order * 10})


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
