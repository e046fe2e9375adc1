"""Settings of the project ledger, read in one place.

``WANGGE_PROJECTS_BEHIND_POINTS``: how many percentage points a project's reported progress may trail its
linear plan (planned start → planned end) before it counts as behind schedule; default 10.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_BEHIND_POINTS = 10


def behind_points() -> int:
    return int(getattr(settings, "WANGGE_PROJECTS_BEHIND_POINTS", DEFAULT_BEHIND_POINTS))
