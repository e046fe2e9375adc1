"""The default roles of 五长一员 (网格长, 楼栋长, 单元长, 党小组长, 物业长 and 网格员); a district renames or adds
roles in the admin."""

from typing import Any

from django.db import migrations

ROLES = [
    ("grid_head", "网格长", "grid", False, 10),
    ("building_head", "楼栋长", "building", False, 20),
    ("unit_head", "单元长", "building", False, 30),
    ("party_group_head", "党小组长", "grid", False, 40),
    ("property_head", "物业长", "grid", False, 50),
    ("grid_worker", "网格员", "grid", True, 60),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workforce", "WorkforceRole")
    for key, name, level, worker, ordering in ROLES:
        Role.objects.get_or_create(
            key=key, defaults={"name": name, "level": level, "is_grid_worker": worker, "ordering": ordering}
        )


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
