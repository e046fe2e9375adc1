"""Sessions that end after the idle limit even on a screen that polls.

With ``SESSION_SAVE_EVERY_REQUEST`` every request renews the idle timer (等保 2.0: 超时自动退出). A page that
refreshes itself — the 大屏 fetching its figures every five minutes — would keep a session alive for ever
though nobody is there. Its background requests carry ``X-Wangge-Poll: 1``: they are answered within the
session as usual, but never renew it, so the session still ends ``SESSION_COOKIE_AGE`` after the last thing a
person did. The header can only shorten a session, so it needs no trust.
"""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

POLL_HEADER = "X-Wangge-Poll"


def is_poll(request: HttpRequest) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


class IdleSessionMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if is_poll(request) and not request.session.modified:
            return response  # neither saved nor re-sent: the idle timer runs on
        return super().process_response(request, response)
