"""Fixtures for the working-calendar tests: a seeded calendar, a staff member, local instants."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
from django.contrib.auth import get_user_model

from wangge.workcalendar.services import office_windows_seed, seed_calendar

TZ = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware instant in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"calendar-staff-{n}")
    is_staff = True


@pytest.fixture
def calendar(db: Any) -> None:
    """The calendar as after ``migrate`` (seeded then); seeding again changes nothing."""
    seed_calendar()
    office_windows_seed()


@pytest.fixture
def staff(db: Any) -> Any:
    return StaffFactory()
