from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.party.tests.factories import party_world


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    return party_world()
