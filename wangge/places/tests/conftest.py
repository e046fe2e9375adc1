from __future__ import annotations

from collections.abc import Iterator

import pytest

from wangge.territory import locator


@pytest.fixture(autouse=True)
def fresh_locator() -> Iterator[None]:
    """Each test builds its own territories; the locator must not answer from a previous test's."""
    locator.invalidate()
    yield
    locator.invalidate()
