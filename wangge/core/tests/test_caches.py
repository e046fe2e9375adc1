"""Process caches: built once, rechecked at most every N seconds, rebuilt when the fingerprint moves,
rechecked when the clock goes back, forgotten on request, and all reset together."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from wangge.core import caches
from wangge.core.caches import KeyedProcessCache, ProcessCache


class Clock:
    """A hand-driven ``time.monotonic``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Source:
    """A table seen through a fingerprint, counting how often it is looked at and read."""

    def __init__(self) -> None:
        self.version = 1
        self.fingerprints = 0
        self.builds = 0

    def fingerprint(self) -> int:
        self.fingerprints += 1
        return self.version

    def build(self, fingerprint: Any) -> str:
        self.builds += 1
        return f"v{self.version}"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches made here register in a copy of the registry, dropped after the test."""
    monkeypatch.setattr(caches, "_registry", dict(caches._registry))


@pytest.fixture
def source() -> Source:
    return Source()


def make(source: Source, seconds: float | Callable[[], float] = 10.0) -> ProcessCache[str]:
    return ProcessCache("test.table", source.build, fingerprint=source.fingerprint, recheck_seconds=seconds)


def test_within_the_interval_the_value_is_reused_without_a_check(clock: Clock, source: Source) -> None:
    cache = make(source)

    assert cache.get() == "v1"
    clock.now += 9.9
    source.version = 2  # changed elsewhere
    assert cache.get() == "v1"

    assert (source.fingerprints, source.builds) == (1, 1)


def test_after_the_interval_an_unchanged_fingerprint_keeps_the_value(clock: Clock, source: Source) -> None:
    cache = make(source)
    first = cache.get()

    clock.now += 10
    assert cache.get() is first

    assert (source.fingerprints, source.builds) == (2, 1)


def test_after_the_interval_a_changed_fingerprint_rebuilds(clock: Clock, source: Source) -> None:
    cache = make(source)
    cache.get()

    source.version = 2
    clock.now += 10

    assert cache.get() == "v2"
    assert source.builds == 2
    # and the new value is reused for the next interval
    clock.now += 5
    assert cache.get() == "v2"
    assert source.fingerprints == 2


def test_zero_seconds_checks_the_fingerprint_on_every_call(clock: Clock, source: Source) -> None:
    cache = make(source, seconds=0)

    for _ in range(3):
        cache.get()

    assert (source.fingerprints, source.builds) == (3, 1)


def test_the_interval_is_read_at_each_check(clock: Clock, source: Source) -> None:
    seconds = {"value": 3600.0}
    cache = make(source, seconds=lambda: seconds["value"])
    cache.get()
    source.version = 2

    assert cache.get() == "v1"
    seconds["value"] = 0
    assert cache.get() == "v2"


def test_a_clock_set_back_rechecks(clock: Clock, source: Source) -> None:
    # a value taken under a clock far ahead (freezegun moves time.monotonic too)…
    clock.now = 1e9
    cache = make(source, seconds=60)
    cache.get()
    source.version = 2

    # …is not trusted once the clock is back where it was
    clock.now = 1000.0
    assert cache.get() == "v2"


def test_forget_rebuilds_on_the_next_call(clock: Clock, source: Source) -> None:
    cache = make(source, seconds=3600)
    cache.get()
    source.version = 2

    cache.forget()

    assert cache.peek() is None
    assert cache.get() == "v2"
    assert source.builds == 2


def test_a_forget_during_a_build_is_not_masked_by_it(clock: Clock) -> None:
    # given a build that an edit (and its forget()) overtakes while it reads
    calls = {"n": 0}
    cache: ProcessCache[int]

    def build(_fingerprint: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            cache.forget()
        return calls["n"]

    cache = ProcessCache("test.overtaken", build, recheck_seconds=3600)

    # when
    first = cache.get()

    # then the caller gets what was built, but it is not kept
    assert first == 1
    assert cache.peek() is None
    assert cache.get() == 2
    assert cache.get() == 2


def test_without_a_fingerprint_the_value_expires(clock: Clock) -> None:
    builds = {"n": 0}

    def build(fingerprint: Any) -> int:
        assert fingerprint is None
        builds["n"] += 1
        return builds["n"]

    cache = ProcessCache("test.expiring", build, recheck_seconds=30)

    assert cache.get() == 1
    clock.now += 29
    assert cache.get() == 1
    clock.now += 1
    assert cache.get() == 2


def test_the_build_receives_the_fingerprint_it_is_built_for(clock: Clock, source: Source) -> None:
    seen: list[Any] = []
    cache = ProcessCache("test.seen", seen.append, fingerprint=source.fingerprint)
    source.version = 7

    cache.get()

    assert seen == [7]


def test_a_failed_build_stores_nothing(clock: Clock, source: Source) -> None:
    failing = {"on": True}

    def build(fingerprint: Any) -> str:
        if failing["on"]:
            raise OSError("storage away")
        return "loaded"

    cache = ProcessCache("test.failing", build, fingerprint=source.fingerprint, recheck_seconds=3600)

    with pytest.raises(OSError):
        cache.get()
    assert cache.peek() is None
    failing["on"] = False
    assert cache.get() == "loaded"


def test_set_installs_a_value_checked_from_now(clock: Clock, source: Source) -> None:
    cache = make(source, seconds=10)

    cache.set("prebuilt", fingerprint=1)

    assert cache.get() == "prebuilt"
    clock.now += 10
    assert cache.get() == "prebuilt"  # fingerprint 1 still matches
    assert source.builds == 0


def test_concurrent_callers_share_one_build() -> None:
    started = threading.Event()
    release = threading.Event()
    builds = {"n": 0}

    def build(_fingerprint: Any) -> int:
        builds["n"] += 1
        started.set()
        release.wait(5)
        return 42

    cache = ProcessCache("test.shared", build, recheck_seconds=3600)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    started.wait(5)
    release.set()
    for thread in threads:
        thread.join(5)

    assert results == [42] * 8
    assert builds["n"] == 1


def test_a_keyed_cache_checks_each_key_on_its_own(clock: Clock) -> None:
    builds: list[str] = []

    def build(key: str) -> str:
        builds.append(key)
        return key.upper()

    cache: KeyedProcessCache[str, str] = KeyedProcessCache("test.keyed", build, recheck_seconds=30)

    assert cache.get("a") == "A"
    clock.now += 20
    assert cache.get("b") == "B"
    clock.now += 10  # "a" is 30 s old, "b" 10 s
    assert cache.get("a") == "A"
    assert cache.get("b") == "B"

    assert builds == ["a", "b", "a"]


def test_a_keyed_cache_forgets_one_key_or_all(clock: Clock) -> None:
    builds: list[str] = []

    def build(key: str) -> str:
        builds.append(key)
        return key

    cache: KeyedProcessCache[str, str] = KeyedProcessCache("test.keyed_forget", build, recheck_seconds=3600)
    cache.get("a")
    cache.get("b")

    cache.forget("a")
    cache.get("a")
    cache.get("b")
    assert builds == ["a", "b", "a"]

    cache.forget()
    assert len(cache) == 0


def test_a_keyed_cache_with_a_fingerprint_rebuilds_when_it_moves(clock: Clock, source: Source) -> None:
    cache: KeyedProcessCache[str, str] = KeyedProcessCache(
        "test.keyed_fp", lambda key: f"{key}{source.version}", fingerprint=source.fingerprint, recheck_seconds=0
    )
    assert cache.get("a") == "a1"
    assert cache.get("a") == "a1"
    source.version = 2
    assert cache.get("a") == "a2"


def test_a_keyed_cache_keeps_at_most_max_entries(clock: Clock) -> None:
    cache: KeyedProcessCache[int, int] = KeyedProcessCache(
        "test.bounded", lambda key: key, recheck_seconds=3600, max_entries=3
    )
    for key in range(3):
        cache.get(key)
    assert len(cache) == 3

    cache.get(99)

    assert len(cache) == 1


def test_reset_all_forgets_every_registered_cache(clock: Clock, source: Source) -> None:
    # given two caches and a hand-made one
    one = make(source, seconds=3600)
    other: KeyedProcessCache[str, str] = KeyedProcessCache("test.other", lambda key: key, recheck_seconds=3600)
    hand_made = {"value": "kept"}
    caches.register("test.hand_made", hand_made.clear)
    one.get()
    other.get("a")

    # when
    caches.reset_all()

    # then
    assert one.peek() is None
    assert len(other) == 0
    assert hand_made == {}
    assert {"test.table", "test.other", "test.hand_made"} <= set(caches.registered())
