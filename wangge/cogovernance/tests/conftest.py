from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.cogovernance.tests.factories import cogov_world


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    from wangge.workcalendar.services import seed_calendar

    seed_calendar(years=range(2025, 2028))
    return cogov_world()
