"""The request id, the request latency metric and the per-request log line, for every request.

First in ``MIDDLEWARE``, so it times everything after it and its header is on every response, redirects included.

The request id is the ``X-Request-ID`` a trusted reverse proxy sent (``WANGGE_TRUSTED_PROXIES`` > 0, the rule of
``core.clientaddr``; only letters, digits and ``._-`` up to 128 characters), or a new random one; it is sent back
in ``X-Request-ID`` and carried by every log record of the request (``ops.logging``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from wangge.core.clientaddr import trusted_proxies
from wangge.ops.logging import RequestContext, current
from wangge.ops.metrics import REQUEST_LATENCY

HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

log = logging.getLogger("wangge.request")


def request_id_for(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    if trusted_proxies() and _SAFE_ID.match(given):
        return given
    return uuid.uuid4().hex


def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (``web:case_detail``), never the path: ``static`` for files WhiteNoise sends,
    ``unmatched`` when no pattern matched."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        static = "/" + str(settings.STATIC_URL).lstrip("/")
        return "static" if request.path_info.startswith(static) else "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        method = request.method if request.method in _METHODS else "OTHER"
        context = RequestContext(request_id=request_id_for(request), method=method)
        request.request_id = context.request_id  # type: ignore[attr-defined]
        token = current.set(context)
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            context.route = route_name(request)
            # Only a user the request already loaded: asking here would read the session (the health check
            # touches no database).
            user = getattr(request, "_cached_user", None)
            context.user_id = user.pk if user is not None and user.is_authenticated else None
            response[HEADER] = context.request_id
            REQUEST_LATENCY.labels(context.route, method, f"{response.status_code // 100}xx").observe(duration)
            log.info(
                "%s %s %s",
                method,
                context.route,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": round(duration * 1000, 1)},
            )
            return response
        finally:
            current.reset(token)

    def process_view(self, request: HttpRequest, *args: object) -> None:
        context = current.get()
        if context is not None:
            context.route = route_name(request)  # for the records the view logs
