"""Login-failure handling (等保 2.0 第三级 身份鉴别: 登录失败处理) on every login path — the staff login page, the
admin login and the API token endpoint all go through ``LockoutBackend``, which asks :func:`refusal` before it
checks a password and calls :func:`count_failure` / :func:`count_success` after.

The policy, as a table (settings, without their ``WANGGE_`` prefix, in brackets)::

    what is counted                  limit                                     then
    ───────────────────────────────  ────────────────────────────────────────  ─────────────────────────────────────
    one username from one address    5 failures in a row within 15 min         that address may not try that
                                     [LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES]       username for 15 min
    one username from every address  10 failures in a row within 24 h          each further try waits 2, 4, 8 … s
                                     [LOGIN_ACCOUNT_SLOWDOWN_AFTER]            after the last failure, at most 60 s
                                                                               [LOGIN_ACCOUNT_MAX_DELAY]; not from an
                                                                               address it logged in from in 30 days
    one address, every username      20 failures an hour                       the address is refused until the
                                     [LOGIN_ADDRESS_FAILURES]                  hour ends
    the whole platform               300 failures a minute                     every address that failed this hour
                                     [LOGIN_GLOBAL_FAILURES]                   is refused until the minute ends

Nothing locks an account as a whole: an attacker can shut out only the addresses they use, and slow an account to
one guess a minute, never keep its owner out of the office computer they logged in from before. Only an
administrator locks an account (``User.locked_until``, ``staff_lock``).

Unknown usernames are counted exactly like existing ones, and a refusal, a wrong password, an unknown user, a
locked or inactive account all get the same answer, so nothing tells which usernames exist. Counters live in
Django's cache (``wangge.core.ratelimit``; Redis in production, shared by every worker).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from wangge.core import ratelimit

KNOWN_ADDRESS_DAYS = 30
ACCOUNT_WINDOW = 24 * 3600

PAIR = "pair"  # this address may not try this username for now
ACCOUNT = "account"  # this username waits after many failures from anywhere
ADDRESS = "address"  # this address failed too often, whatever the usernames
GLOBAL = "global"  # the platform is under a distributed attack and this address has failed lately


def _setting(name: str, default: object) -> object:
    return getattr(settings, name, default)


def pair_attempts() -> int:
    return int(_setting("WANGGE_LOCKOUT_ATTEMPTS", 5))  # type: ignore[call-overload]


def pair_seconds() -> int:
    return int(_setting("WANGGE_LOCKOUT_MINUTES", 15)) * 60  # type: ignore[call-overload]


def account_slowdown_after() -> int:
    return int(_setting("WANGGE_LOGIN_ACCOUNT_SLOWDOWN_AFTER", 10))  # type: ignore[call-overload]


def account_max_delay() -> int:
    return int(_setting("WANGGE_LOGIN_ACCOUNT_MAX_DELAY", 60))  # type: ignore[call-overload]


def address_rate() -> ratelimit.Rate | None:
    return ratelimit.parse_rate(str(_setting("WANGGE_LOGIN_ADDRESS_FAILURES", "20/h") or ""))


def global_rate() -> ratelimit.Rate | None:
    return ratelimit.parse_rate(str(_setting("WANGGE_LOGIN_GLOBAL_FAILURES", "300/min") or ""))


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _normal(username: str) -> str:
    return username.strip().casefold()


def _generation(username: str) -> int:
    """Bumped by :func:`forget` (an administrator lifts the limits of one username): older counters are ignored."""
    value = cache.get(f"wangge:login:gen:{_digest(_normal(username))}")
    return int(value) if value else 0


def _pair_key(username: str, address: str) -> str:
    name = _normal(username)
    return f"wangge:login:pair:{_digest(name, str(_generation(name)), address)}"


def _account_key(username: str) -> str:
    name = _normal(username)
    return f"wangge:login:account:{_digest(name, str(_generation(name)))}"


def _known_key(username: str, address: str) -> str:
    return f"wangge:login:known:{_digest(_normal(username), address)}"


@dataclass(frozen=True)
class Refusal:
    reason: str  # PAIR, ACCOUNT, ADDRESS or GLOBAL
    retry_after: int  # seconds


def _address_failures(address: str) -> int:
    """Failures counted against ``address`` in its current window (0 when the limit is off)."""
    rate = address_rate()
    if rate is None:
        return 0
    decision = ratelimit.check("auth.address", address, rate)
    if decision.remaining is None:
        return 0
    return rate.limit - decision.remaining - 1 if decision.allowed else rate.limit


def refusal(username: str, address: str | None, *, now: float | None = None) -> Refusal | None:
    """Whether this attempt is refused before any password is checked, and why (None: go ahead)."""
    instant = time.time() if now is None else now
    where = address or "-"
    rate = address_rate()
    if rate is not None:
        decision = ratelimit.check("auth.address", where, rate)
        if not decision.allowed:
            return Refusal(ADDRESS, decision.retry_after)
    alarm = ratelimit.check("auth.global", "platform", global_rate())
    if not alarm.allowed and _address_failures(where) > 0:
        return Refusal(GLOBAL, alarm.retry_after)
    pair = cache.get(_pair_key(username, where)) or {}
    locked_until = float(pair.get("locked_until") or 0)
    if locked_until > instant:
        return Refusal(PAIR, max(1, int(locked_until - instant + 0.999)))
    account = cache.get(_account_key(username)) or {}
    failures = int(account.get("failures") or 0)
    if failures >= account_slowdown_after() and not cache.get(_known_key(username, where)):
        wait = min(2 ** (failures - account_slowdown_after() + 1), account_max_delay())
        ready_at = float(account.get("last") or 0) + wait
        if ready_at > instant:
            return Refusal(ACCOUNT, max(1, int(ready_at - instant + 0.999)))
    return None


def count_failure(username: str, address: str | None, *, now: float | None = None) -> bool:
    """Count one wrong password (or unknown username). True when this failure locked the pair."""
    instant = time.time() if now is None else now
    where = address or "-"
    ratelimit.hit("auth.address", where, address_rate())
    ratelimit.hit("auth.global", "platform", global_rate())

    account_key = _account_key(username)
    account = cache.get(account_key) or {}
    cache.set(account_key, {"failures": int(account.get("failures") or 0) + 1, "last": instant}, ACCOUNT_WINDOW)

    pair_key = _pair_key(username, where)
    pair = cache.get(pair_key) or {}
    if float(pair.get("locked_until") or 0) > instant:
        return False
    failures = int(pair.get("failures") or 0) + 1
    if failures >= pair_attempts():
        cache.set(pair_key, {"failures": 0, "locked_until": instant + pair_seconds()}, pair_seconds())
        return True
    cache.set(pair_key, {"failures": failures, "locked_until": 0}, pair_seconds())
    return False


def count_success(username: str, address: str | None) -> None:
    """A right password: the counters of the username start again, and its address becomes a known one."""
    where = address or "-"
    cache.delete_many([_pair_key(username, where), _account_key(username)])
    cache.set(_known_key(username, where), 1, KNOWN_ADDRESS_DAYS * 86400)


def forget(username: str) -> None:
    """Lift every pair lock and the slow-down of ``username`` (an administrator's unlock)."""
    key = f"wangge:login:gen:{_digest(_normal(username))}"
    cache.set(key, _generation(username) + 1, None)
