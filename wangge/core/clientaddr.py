"""The client's address, one rule for every reader: rate limits, the audit trail, the lockout log.

``settings.WANGGE_TRUSTED_PROXIES`` (environment ``WANGGE_TRUSTED_PROXIES``) is the number of reverse
proxies in front of the application that append the address they received to ``X-Forwarded-For``:

* 0 (the default): the address is ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored, since any client can
  send one.
* N > 0: the N-th entry from the right of ``X-Forwarded-For`` — the address the outermost trusted proxy
  saw, i.e. the right-most hop no trusted proxy vouches for. Entries further left were written by the
  client and are ignored. Without the header (a request that bypassed the proxies) ``REMOTE_ADDR``.

This is Django REST framework's ``NUM_PROXIES`` rule, and the settings set ``NUM_PROXIES`` from the same
value, so the API's throttles count the same address. A hop that is not an IP address falls back to
``REMOTE_ADDR`` (the audit trail stores addresses in an IP column).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "WANGGE_TRUSTED_PROXIES", 0) or 0))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address as a string, or None when unknown (no request, or no address at all)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") if proxies else None
    if not forwarded:
        return remote
    hops = [hop.strip() for hop in str(forwarded).split(",")]
    hop = hops[-min(proxies, len(hops))]
    return hop if _valid(hop) else remote
