from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.enterprises.tests.factories import world


@pytest.fixture
def w(db: Any) -> SimpleNamespace:
    return world()
