"""The idle limit without a database write on every request.

A session ends ``SESSION_COOKIE_AGE`` (30 minutes) after it was last saved (等保 2.0: 超时自动退出). Saving it on
every request (``SESSION_SAVE_EVERY_REQUEST``) keeps that exact, but costs an UPDATE of the session row for
every page, fragment and API call of a signed-in person. Here a request renews the session only when its last
renewal is at least ``WANGGE_SESSION_RENEW_SECONDS`` (120) old, or when the request changed the session anyway:
a person who keeps working still never loses the session, and one who stops is signed out between
``SESSION_COOKIE_AGE - WANGGE_SESSION_RENEW_SECONDS`` and ``SESSION_COOKIE_AGE`` after their last request —
never later than the limit. The renewal time is kept in the session itself, so it works with any session engine.

The 大屏's background polls (``X-Wangge-Poll: 1``, wangge.core.sessions) still never renew a session.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from wangge.core.sessions import IdleSessionMiddleware, is_poll

RENEWED_KEY = "_wangge_renewed"  # Unix time of the session's last renewal


def renew_every() -> int:
    age = int(settings.SESSION_COOKIE_AGE)
    return max(0, min(int(getattr(settings, "WANGGE_SESSION_RENEW_SECONDS", 120)), age // 4))


def needs_renewal(stamp: object, now: float) -> bool:
    return not isinstance(stamp, int | float) or now - stamp >= renew_every() or stamp > now


class RenewingSessionMiddleware(IdleSessionMiddleware):
    """Django's session middleware (with ``SESSION_SAVE_EVERY_REQUEST = False``) that also saves a signed-in
    session whose last renewal is older than the renewal interval."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and response.status_code < 500 and not is_poll(request) and not session.is_empty():
            accessed = session.accessed
            stamp = session.get(RENEWED_KEY)  # loads the session if the request did not
            session.accessed = accessed  # reading our own stamp is no reason for ``Vary: Cookie``
            now = time.time()
            # A cookie naming no live session loads as empty: stamping it would start a new session.
            if not session.is_empty() and (session.modified or needs_renewal(stamp, now)):
                session[RENEWED_KEY] = int(now)
        return super().process_response(request, response)
