"""``manage.py demo_cases N``: N cases through the real loop in a district, or nothing with --if-empty."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_the_command_adds_the_cases_to_the_district(world: SimpleNamespace) -> None:
    out = io.StringIO()

    call_command("demo_cases", "6", "--district", world.district.code, "--seed", "5", stdout=out)

    assert WorkOrder.objects.filter(district=world.district, parent__isnull=True).count() == 6
    assert out.getvalue().startswith(f"6 cases in {world.district.name}")


def test_if_empty_adds_nothing_to_a_district_with_cases(world: SimpleNamespace) -> None:
    call_command("demo_cases", "3", "--district", world.district.code, stdout=io.StringIO())
    before = WorkOrder.objects.count()
    out = io.StringIO()

    call_command("demo_cases", "3", "--district", world.district.code, "--if-empty", stdout=out)

    assert WorkOrder.objects.count() == before
    assert "nothing added" in out.getvalue()


def test_an_unknown_district_is_refused_and_nothing_is_added(world: SimpleNamespace) -> None:
    with pytest.raises(CommandError, match="999999"):
        call_command("demo_cases", "3", "--district", "999999", stdout=io.StringIO())

    assert not WorkOrder.objects.exists()
