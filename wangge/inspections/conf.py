"""Settings of 巡查体检, read in one place (each with its default).

- ``WANGGE_INSPECTION_MAX_DISTANCE_M`` (200): a round submitted farther than this from its point (metres, from
  the browser's position) is flagged 位置偏离 — flagged, never refused.
- ``WANGGE_INSPECTION_DUE_TIME`` ("18:00"): the time of day a round is due on the last day of its period (the
  daily meeting is at 18:00); submitted after it, the round is flagged late.
- ``WANGGE_INSPECTION_GRACE_HOURS`` (6): hours after the due time during which a late round may still be
  submitted; after them the periodic task marks it missed (已漏巡).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULT_MAX_DISTANCE_M = 200.0
DEFAULT_DUE_TIME = "18:00"
DEFAULT_GRACE_HOURS = 6.0


def max_distance_m() -> float:
    return float(getattr(settings, "WANGGE_INSPECTION_MAX_DISTANCE_M", DEFAULT_MAX_DISTANCE_M))


def due_time() -> dt.time:
    return dt.time.fromisoformat(str(getattr(settings, "WANGGE_INSPECTION_DUE_TIME", DEFAULT_DUE_TIME)))


def grace() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "WANGGE_INSPECTION_GRACE_HOURS", DEFAULT_GRACE_HOURS)))
