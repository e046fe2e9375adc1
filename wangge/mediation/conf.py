"""Settings of the mediation app, read in one place.

``WANGGE_MEDIATION_TIME_LIMITS``: natural days each track allows a mediation before it is overdue, a mapping
``{track: days}`` merged over the defaults (人民调解 30 days, as 人民调解法 art. 28 practice; 行政调解 30;
诉前调解 30). The limit of one dispute may be set at assignment and extended with the parties' consent.
"""

from __future__ import annotations

from django.conf import settings

from wangge.mediation.choices import Track

DEFAULT_TIME_LIMITS: dict[str, int] = {Track.PEOPLE: 30, Track.ADMINISTRATIVE: 30, Track.JUDICIAL: 30}
MAX_EXTENSION_DAYS = 90


def time_limit_days(track: str) -> int:
    """The default time limit of ``track`` in natural days."""
    limits = {**DEFAULT_TIME_LIMITS, **dict(getattr(settings, "WANGGE_MEDIATION_TIME_LIMITS", {}) or {})}
    return int(limits.get(track, DEFAULT_TIME_LIMITS[Track.PEOPLE]))
