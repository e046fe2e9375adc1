"""The volunteer tests' world (``factories.volunteer_world``) as a fixture."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.volunteers.tests.factories import volunteer_world


@pytest.fixture
def w(db: Any, settings: Any, tmp_path: Any) -> SimpleNamespace:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return volunteer_world()
