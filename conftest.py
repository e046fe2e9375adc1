"""Project-wide pytest fixtures."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

_HYPOTHESIS_HOME = pytest.StashKey[str]()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and login-failure counters live in Django's cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def shared_data() -> Path:
    """The third-party data beside the checkout; tests that need it skip where it is absent."""
    path = Path(settings.WANGGE_SHARED_DATA)
    if not path.is_dir():
        pytest.skip(f"../shared/data is not present at {path}; this test needs the real third-party data")
    return path


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its example database, Unicode tables and constants in ``.hypothesis/`` under the
    working directory, some of it while test modules are imported: point it at a temporary directory
    before collection, so that a test run leaves nothing in the checkout."""
    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.mkdtemp(prefix="wangge-hypothesis-")
    config.stash[_HYPOTHESIS_HOME] = home
    set_hypothesis_home_dir(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HYPOTHESIS_HOME, None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


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
