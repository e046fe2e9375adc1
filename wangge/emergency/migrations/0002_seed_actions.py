from django.db import migrations

from wangge.emergency.choices import DEFAULT_ACTIONS


def seed(apps, schema_editor):
    WarningAction = apps.get_model("emergency", "WarningAction")
    if WarningAction.objects.exists():
        return
    WarningAction.objects.bulk_create(
        [
            WarningAction(hazard_type="", level=level, text=text, ordering=(i + 1) * 10)
            for level, texts in DEFAULT_ACTIONS.items()
            for i, text in enumerate(texts)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
