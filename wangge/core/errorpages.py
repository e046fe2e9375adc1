"""Error pages: the public ones everywhere; Django's technical pages only when an operator asks for them.

``make run`` keeps DEBUG on for development (templates reread, SQL kept for inspection), and the demo it
serves is open to anyone: Django's technical pages — a 500's or a 400's traceback with the request's
environment and the settings, a 404's list of URL patterns — would be shown to every visitor. They are
shown only when ``WANGGE_DEBUG_PAGES`` is set (environment variable, off by default), and then to every
request; never on the strength of an account, since the demo's administrator password is published.
Otherwise the public pages answer (``400.html``, ``404.html``, ``500.html``) as in production, and the
error is logged with its traceback as before.

Wiring (``config/settings/base.py``)::

    DEFAULT_EXCEPTION_REPORTER = "wangge.core.errorpages.PublicExceptionReporter"   # 500 and 400 under DEBUG
    MIDDLEWARE = [..., "wangge.core.errorpages.DebugPagesMiddleware"]              # 404 under DEBUG, last
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.views.debug import ExceptionReporter
from django.views.defaults import page_not_found


def technical_pages() -> bool:
    """Whether Django's technical error pages may be shown: DEBUG and ``WANGGE_DEBUG_PAGES``."""
    return bool(settings.DEBUG) and bool(getattr(settings, "WANGGE_DEBUG_PAGES", False))


def public_pages_under_debug() -> bool:
    """DEBUG is on but the technical pages are not wanted: the public pages stand in for them."""
    return bool(settings.DEBUG) and not technical_pages()


def public_page(status: int, message: str = "") -> str:
    """The public page of a refused request (400, 413) or of a server error (500), rendered without a request
    (it must work when the request is the problem)."""
    name = "500.html" if status >= 500 else "400.html"
    try:
        return loader.render_to_string(name, {"message": message, "status": status})
    except Exception:  # the page of an error must not fail in turn
        return "<h1>系统繁忙，请稍后再试</h1>" if status >= 500 else "<h1>请求不正确</h1>"


class PublicExceptionReporter(ExceptionReporter):
    """Under DEBUG without ``WANGGE_DEBUG_PAGES``, the technical 500 (and 400) response is the public page.
    Reports for e-mail, and everything when DEBUG is off (no technical page is shown then), keep every detail."""

    def _public(self) -> bool:
        return not self.is_email and public_pages_under_debug()

    def _status(self) -> int:
        return 400 if self.exc_type is not None and issubclass(self.exc_type, SuspiciousOperation | BadRequest) else 500

    def get_traceback_html(self) -> Any:
        if self._public():
            return public_page(self._status())
        return super().get_traceback_html()

    def get_traceback_text(self) -> Any:
        if self._public():
            return "请求不正确 (400)" if self._status() == 400 else "系统繁忙，请稍后再试 (500)"
        return super().get_traceback_text()


class DebugPagesMiddleware:
    """Under DEBUG without ``WANGGE_DEBUG_PAGES``, a 404 is the public page rather than the list of URL
    patterns: for a path no pattern matches, and for a view that raises Http404. Last in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if public_pages_under_debug():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404) and public_pages_under_debug():
            return page_not_found(request, exception)
        return None
