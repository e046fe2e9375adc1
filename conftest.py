"""Project-wide pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    """The third-party data beside the checkout; tests that need it skip where it is absent."""
    path = Path(settings.WANGGE_SHARED_DATA)
    if not path.is_dir():
        pytest.skip(f"../shared/data is not present at {path}; this test needs the real third-party data")
    return path


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Process caches (calendar, locator, catalogue, step limits …) must not leak between tests: every test
    builds its own rows, and primary keys are reused."""
    from wangge.core import caches

    caches.reset_all()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language: a request served in English leaves that language
    active in its thread (Django's LocaleMiddleware does not reset it), which would leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
