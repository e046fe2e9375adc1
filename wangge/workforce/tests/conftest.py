"""Fixtures of the grid workforce tests."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.workcalendar.services import seed_calendar
from wangge.workforce.tests.factories import workforce_world


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    seed_calendar(years=range(2024, 2028), record_audit=False)
    return workforce_world()
