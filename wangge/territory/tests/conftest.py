from __future__ import annotations

from collections.abc import Iterator

import pytest

from wangge.territory import locator


@pytest.fixture(autouse=True)
def fresh_locator() -> Iterator[None]:
    """Each test starts and ends with no cached point index (rows of other tests were rolled back)."""
    locator.invalidate()
    yield
    locator.invalidate()
