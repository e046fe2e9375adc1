"""The dictionaries of the ledgers are there after a flush (a transactional test, a reset database), not only
after the data migration that first seeded them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from wangge.hazards.models import HazardType
from wangge.keypersons.models import KeyPersonCategory
from wangge.ledgers.models import ResidentTag
from wangge.surveys.models import FormTemplate


@pytest.mark.django_db(transaction=True)
def test_the_seeded_dictionaries_come_back_after_a_flush() -> None:
    call_command("flush", interactive=False, verbosity=0)

    assert ResidentTag.objects.filter(key="living_alone_elderly", name="独居老人").exists()
    assert HazardType.objects.filter(key="drugs", name="涉毒").exists()
    assert KeyPersonCategory.objects.get(key="petitioner").visit_interval_days == 15
    assert set(FormTemplate.objects.values_list("key", flat=True)) >= {"household_check", "merchant_check"}
    assert FormTemplate.objects.get(key="household_check").versions.filter(number=1).exists()


@pytest.mark.django_db(transaction=True)
def test_a_seed_keeps_what_administrators_changed() -> None:
    ResidentTag.objects.filter(key="veteran").update(name="退役军人（含优抚对象）")

    call_command("migrate", verbosity=0)

    assert ResidentTag.objects.get(key="veteran").name == "退役军人（含优抚对象）"
