"""Fixed-window request counters in Django's cache, per api_key and per client address.

A window of ``period`` seconds has one counter; the first hit creates it with ``cache.add`` (atomic in
Redis and in the local-memory cache) and later hits ``incr`` it. With several worker processes the
counters are shared only when the cache is (Redis in production).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.core.cache import cache

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int


def parse_rate(text: str | None) -> Rate | None:
    """``"120/min"`` → Rate(120, 60); None or "" → no limit. A malformed rate is a configuration error."""
    if not text:
        return None
    match = _RATE.match(text.lower())
    if match is None or match.group(2) not in PERIODS:
        raise ValueError(f"bad throttle rate {text!r}: expected N/s, N/min, N/h or N/day")
    return Rate(int(match.group(1)), PERIODS[match.group(2)])


def hit(scope: str, ident: str, rate: Rate | None, *, now: float | None = None) -> int | None:
    """Count one request. Returns None when allowed, else the seconds until the window ends."""
    if rate is None:
        return None
    instant = time.time() if now is None else now
    window = int(instant // rate.period)
    key = f"wangge:open311:throttle:{scope}:{ident}:{window}"
    if cache.add(key, 1, timeout=rate.period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=rate.period + 1)
            count = 1
    if count > rate.limit:
        return max(1, int((window + 1) * rate.period - instant + 0.999))
    return None
