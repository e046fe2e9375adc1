"""Process caches: values built from the database and kept in this process's memory, in one place.

For data read on nearly every request that changes rarely (the working calendar, the point locator,
the intake catalogue, step limits …). Every such cache is made with this module, so they all behave
alike and ``reset_all()`` empties them together.

A cache holds a value built by ``build`` and looks at the database again at most every
``recheck_seconds`` (a number, or a callable read at each check so that a changed setting applies at
once; 0 checks on every call):

* with a ``fingerprint`` — a cheap query, e.g. row count, max id and latest ``updated_at`` — the value is
  rebuilt only when the fingerprint differs from the one it was built at;
* without one, the value simply expires and is rebuilt;
* a clock set back (``time.monotonic`` smaller than at the last check, as after ``freezegun``) rechecks;
* ``forget()`` drops the value; the next ``get()`` rebuilds it. A ``forget()`` while another thread is
  building keeps that build from being stored, so an edit followed by ``forget()`` is never masked.

Thread-safe: callers within the interval read without a lock; one thread checks or builds under the
cache's lock while the others wait and then take its value. A ``build`` that raises stores nothing and
the exception reaches the caller (the next call tries again).

API::

    cache = ProcessCache(name, build, *, fingerprint=None, recheck_seconds=0.0)
    cache.get() -> V              # the value, checked and rebuilt as above
    cache.peek() -> V | None      # the value held now, without any check
    cache.set(value, *, fingerprint=None)  # install a value built elsewhere (benchmarks), checked from now
    cache.forget() -> None

    cache = KeyedProcessCache(name, build, *, fingerprint=None, recheck_seconds=0.0, max_entries=1000)
    cache.get(key) -> V           # one value per key, each checked on its own
    cache.forget(key=None)        # one key, or every key

    register(name, forget)        # a hand-made cache not (yet) written with this module
    reset_all()                   # forget every registered cache (the test suite does this before each test)
    registered() -> tuple[str, ...]

``ProcessCache``'s ``build`` receives the fingerprint it builds for (None without a fingerprint), so it
can store it or use it (e.g. the id of the row to load). ``KeyedProcessCache``'s ``build`` receives the
key; its fingerprint, if any, is one for the whole cache, compared per key. Names are unique and
dotted by app (``"workcalendar.calendar"``).

Example (the intake's routed categories)::

    def _routing_stamp() -> tuple[Any, ...]:
        return tuple(RoutingRule.objects.order_by().aggregate(n=Count("id"), top=Max("id")).values())

    routed_categories = ProcessCache(
        "workorders.routed_categories",
        lambda _stamp: frozenset(RoutingRule.objects.values_list("category_id", flat=True)),
        fingerprint=_routing_stamp,
        recheck_seconds=lambda: settings.WANGGE_ROUTING_RECHECK_SECONDS,
    )
    routed_categories.get()     # where the categories are needed
    routed_categories.forget()  # after this process changed the rules
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

Seconds = float | Callable[[], float]

_registry: dict[str, Callable[[], None]] = {}
_registry_lock = threading.Lock()


def register(name: str, forget: Callable[[], None]) -> None:
    """Let ``reset_all()`` reach a cache by its reset function. Registering a name again replaces it
    (a reloaded module)."""
    with _registry_lock:
        _registry[name] = forget


def reset_all() -> None:
    """Forget every registered cache of this process."""
    with _registry_lock:
        resets = list(_registry.values())
    for forget in resets:
        forget()


def registered() -> tuple[str, ...]:
    with _registry_lock:
        return tuple(sorted(_registry))


def _seconds(value: Seconds) -> float:
    return float(value() if callable(value) else value)


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    fingerprint: Any
    checked_at: float


class _Checked:
    """What both kinds of cache share: the interval, the fingerprint and the generation counter."""

    def __init__(self, name: str, fingerprint: Callable[[], Any] | None, recheck_seconds: Seconds) -> None:
        self.name = name
        self._fingerprint = fingerprint
        self._recheck_seconds = recheck_seconds
        # One thread checks or builds at a time; the state lock is held only to store or drop a value, so
        # forget() never waits for a build.
        self._build_lock = threading.Lock()
        self._state_lock = threading.Lock()
        # Bumped by forget(): a build that started before it is not stored.
        self._generation = 0

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def _fresh(self, entry: _Entry[Any] | None, now: float) -> bool:
        # A negative age means the clock went back: check again rather than trust the entry for ever.
        return entry is not None and 0 <= now - entry.checked_at < _seconds(self._recheck_seconds)

    def _current_fingerprint(self) -> Any:
        return self._fingerprint() if self._fingerprint is not None else None

    def _unchanged(self, entry: _Entry[Any], fingerprint: Any) -> bool:
        """Without a fingerprint a checked value always expires."""
        return self._fingerprint is not None and entry.fingerprint == fingerprint

    def _checked_get(
        self,
        read: Callable[[], _Entry[T] | None],
        store: Callable[[_Entry[T]], None],
        build: Callable[[Any], T],
    ) -> T:
        """The value held, when fresh; else, under the build lock, the value checked against the fingerprint and
        rebuilt when it changed (``build`` receives the fingerprint). A ``forget()`` meanwhile keeps it unstored."""
        entry = read()
        if self._fresh(entry, time.monotonic()):
            return entry.value  # type: ignore[union-attr]
        with self._build_lock:
            entry = read()
            now = time.monotonic()
            if self._fresh(entry, now):
                return entry.value  # type: ignore[union-attr]
            generation = self._generation
            fingerprint = self._current_fingerprint()
            unchanged = entry is not None and self._unchanged(entry, fingerprint)
            value = entry.value if unchanged else build(fingerprint)  # type: ignore[union-attr]
            with self._state_lock:
                if generation == self._generation:
                    store(_Entry(value, fingerprint, now))
            return value


class ProcessCache(_Checked, Generic[V]):
    """One value built from the database, kept in this process (see the module docstring)."""

    def __init__(
        self,
        name: str,
        build: Callable[[Any], V],
        *,
        fingerprint: Callable[[], Any] | None = None,
        recheck_seconds: Seconds = 0.0,
    ) -> None:
        super().__init__(name, fingerprint, recheck_seconds)
        self._build = build
        self._entry: _Entry[V] | None = None
        register(name, self.forget)

    def get(self) -> V:
        def store(entry: _Entry[V]) -> None:
            self._entry = entry

        return self._checked_get(lambda: self._entry, store, self._build)

    def peek(self) -> V | None:
        entry = self._entry
        return None if entry is None else entry.value

    def set(self, value: V, *, fingerprint: Any = None) -> None:
        with self._state_lock:
            self._generation += 1
            self._entry = _Entry(value, fingerprint, time.monotonic())

    def forget(self) -> None:
        with self._state_lock:
            self._generation += 1
            self._entry = None


class KeyedProcessCache(_Checked, Generic[K, V]):
    """One value per key, each built from the database and checked on its own (see the module docstring).

    At most ``max_entries`` keys are kept; adding one more starts again from empty (cheap, and enough for
    caches whose keys are a small working set such as categories or API keys).
    """

    def __init__(
        self,
        name: str,
        build: Callable[[K], V],
        *,
        fingerprint: Callable[[], Any] | None = None,
        recheck_seconds: Seconds = 0.0,
        max_entries: int = 1000,
    ) -> None:
        super().__init__(name, fingerprint, recheck_seconds)
        self._build = build
        self._max_entries = max_entries
        self._entries: dict[K, _Entry[V]] = {}
        register(name, self.forget)

    def get(self, key: K) -> V:
        def store(entry: _Entry[V]) -> None:
            if key not in self._entries and len(self._entries) >= self._max_entries:
                self._entries = {}
            self._entries[key] = entry

        return self._checked_get(lambda: self._entries.get(key), store, lambda _fingerprint: self._build(key))

    def forget(self, key: K | None = None) -> None:
        with self._state_lock:
            self._generation += 1
            if key is None:
                self._entries = {}
            else:
                self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
