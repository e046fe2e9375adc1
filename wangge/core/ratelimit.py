"""Rate limits: fixed-window counters in Django's cache, keyed by (scope, key).

One counter per window of ``rate.period`` seconds (windows start at multiples of the period since the
epoch). The first event of a window creates the counter with ``cache.add`` and later ones ``incr`` it,
both atomic in Redis and in the local-memory cache; the counters are shared between worker processes
when the cache is (Redis in production). A burst straddling two windows can reach twice the limit,
which is the usual price of fixed windows.

API::

    parse_rate("120/min") -> Rate(limit=120, period=60)    # N/s, N/min, N/h, N/day; None or "" -> None
    hit(scope, key, rate) -> Decision     # count one event, and say whether it was within the rate
    check(scope, key, rate) -> Decision   # whether one more event would be, without counting it

    Decision.allowed, .limit, .remaining, .retry_after (seconds until the window ends when refused, else 0)

``scope`` names the limit (``"open311.key"``, ``"web.appeal"``), ``key`` whom it counts (an address, a
key id, a username); the key is hashed, so any text will do. ``rate=None`` switches the limit off. If the
cache is unreachable the event is allowed (and logged): a cache outage must not close the service.
Client addresses for keys come from ``wangge.core.clientaddr.client_ip``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int | None  # None: no limit applies
    remaining: int | None
    retry_after: int  # seconds until the window ends when refused, else 0


UNLIMITED = Decision(allowed=True, limit=None, remaining=None, retry_after=0)


def parse_rate(text: str | None) -> Rate | None:
    """``"120/min"`` → Rate(120, 60); None or "" → no limit. A malformed rate is a configuration error."""
    if not text:
        return None
    match = _RATE.match(text.lower())
    if match is None or match.group(2) not in PERIODS:
        raise ValueError(f"bad rate {text!r}: expected N/s, N/min, N/h or N/day")
    return Rate(int(match.group(1)), PERIODS[match.group(2)])


def _window(rate: Rate, now: float | None) -> tuple[int, float]:
    instant = time.time() if now is None else now
    return int(instant // rate.period), instant


def _cache_key(scope: str, key: str, window: int) -> str:
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f"wangge:ratelimit:{scope}:{digest}:{window}"


def _decision(rate: Rate, used: int, window: int, instant: float) -> Decision:
    """``used`` events counted in the window, the one asked about included."""
    if used > rate.limit:
        retry = max(1, math.ceil((window + 1) * rate.period - instant))
        return Decision(allowed=False, limit=rate.limit, remaining=0, retry_after=retry)
    return Decision(allowed=True, limit=rate.limit, remaining=rate.limit - used, retry_after=0)


def hit(scope: str, key: str, rate: Rate | None, *, now: float | None = None) -> Decision:
    """Count one event for (scope, key); refused when it is beyond ``rate.limit`` in the current window."""
    if rate is None:
        return UNLIMITED
    window, instant = _window(rate, now)
    name = _cache_key(scope, key, window)
    try:
        if cache.add(name, 1, timeout=rate.period + 1):
            count = 1
        else:
            try:
                count = cache.incr(name)
            except ValueError:  # expired between add and incr
                cache.add(name, 1, timeout=rate.period + 1)
                count = 1
    except Exception:
        logger.warning("rate limit %s: the cache is unreachable; the event is allowed", scope, exc_info=True)
        return UNLIMITED
    return _decision(rate, count, window, instant)


def check(scope: str, key: str, rate: Rate | None, *, now: float | None = None) -> Decision:
    """Whether one more event for (scope, key) would be allowed, without counting it (``remaining``
    counts that event as if it happened)."""
    if rate is None:
        return UNLIMITED
    window, instant = _window(rate, now)
    try:
        count = int(cache.get(_cache_key(scope, key, window), 0))
    except Exception:
        logger.warning("rate limit %s: the cache is unreachable; the event is allowed", scope, exc_info=True)
        return UNLIMITED
    return _decision(rate, count + 1, window, instant)
