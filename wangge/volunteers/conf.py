"""Settings of 志愿服务与岗位, read in one place (each with its default).

- ``WANGGE_VOLUNTEER_POST_RADIUS_M`` (150): a check-in farther than this from its post (metres, from the
  phone's position) is flagged 位置偏离 — flagged, never refused.
- ``WANGGE_VOLUNTEER_LATE_MINUTES`` (5): a check-in more than this many minutes after the slot's start is late.
- ``WANGGE_VOLUNTEER_EARLY_MINUTES`` (60): how long before a slot's start its check-in opens (it closes at the
  slot's end).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def post_radius_m() -> float:
    return float(getattr(settings, "WANGGE_VOLUNTEER_POST_RADIUS_M", 150.0))


def late_after() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "WANGGE_VOLUNTEER_LATE_MINUTES", 5)))


def opens_before() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "WANGGE_VOLUNTEER_EARLY_MINUTES", 60)))
