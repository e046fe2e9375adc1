"""Fixed-window counters in Django's cache: the limit, then the wait until the window ends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from wangge.core import ratelimit
from wangge.core.ratelimit import Rate

T0 = 6000.0  # the start of a minute window


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("text", "rate"),
    [("120/min", Rate(120, 60)), ("5/s", Rate(5, 1)), ("10/hour", Rate(10, 3600)), ("1000/day", Rate(1000, 86400))],
)
def test_parse_rate(text: str, rate: Rate) -> None:
    assert ratelimit.parse_rate(text) == rate


def test_parse_rate_off_and_malformed() -> None:
    assert ratelimit.parse_rate(None) is None and ratelimit.parse_rate("") is None
    with pytest.raises(ValueError):
        ratelimit.parse_rate("lots")


def test_fixed_window_allows_the_limit_then_tells_the_wait() -> None:
    rate = Rate(2, 60)

    first = ratelimit.hit("t", "a", rate, now=T0)
    second = ratelimit.hit("t", "a", rate, now=T0 + 1)
    third = ratelimit.hit("t", "a", rate, now=T0 + 10)

    assert (first.allowed, first.remaining) == (True, 1)
    assert (second.allowed, second.remaining) == (True, 0)
    assert (third.allowed, third.remaining, third.retry_after) == (False, 0, 50)
    # another key and another scope count on their own
    assert ratelimit.hit("t", "b", rate, now=T0 + 10).allowed
    assert ratelimit.hit("u", "a", rate, now=T0 + 10).allowed
    # the next window starts afresh
    assert ratelimit.hit("t", "a", rate, now=T0 + 60).allowed


def test_check_does_not_count() -> None:
    rate = Rate(1, 60)

    assert ratelimit.check("t", "a", rate, now=T0).allowed
    assert ratelimit.check("t", "a", rate, now=T0).allowed
    ratelimit.hit("t", "a", rate, now=T0)
    refused = ratelimit.check("t", "a", rate, now=T0 + 15)

    assert (refused.allowed, refused.retry_after) == (False, 45)


def test_no_rate_means_no_limit() -> None:
    for _ in range(3):
        decision = ratelimit.hit("t", "a", None)
        assert decision.allowed and decision.limit is None


def test_any_text_is_a_key() -> None:
    rate = Rate(1, 60)
    assert ratelimit.hit("t", "2001:db8::1", rate, now=T0).allowed
    assert ratelimit.hit("t", "用户 名\n", rate, now=T0).allowed
    assert not ratelimit.hit("t", "2001:db8::1", rate, now=T0).allowed


def test_a_cache_outage_lets_the_event_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("redis away")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "get", broken)

    assert ratelimit.hit("t", "a", Rate(1, 60)).allowed
    assert ratelimit.check("t", "a", Rate(1, 60)).allowed
