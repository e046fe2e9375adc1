"""Requests refused before a page's view sees them, answered 400 or 413 rather than a server error.

* **A NUL character** (U+0000) in the path, the query string, a form field or a cookie: no text column can
  store it or be compared with it (PostgreSQL refuses it), so a lookup such as ``/track/WG%00/`` failed with
  a 500. It is malformed input: 400.
* **A multipart body** (files) larger than ``WANGGE_MAX_UPLOAD_REQUEST_BYTES``, refused from its
  ``Content-Length`` before anything reads it: 413. The files of a submission are counted and checked again
  by ``wangge.core.uploads``.

The machine channels answer these in their own format and are left to them (:data:`CHANNELS`, by URL
namespace): the REST API, whose fields and filters refuse NUL and whose body limit answers 413 in its error
body, and Open311, which checks every parameter and its body size. Every page — the staff and citizen pages,
the admin — passes here. Form fields are read only where the CSRF check reads them anyway (a view exempt
from it keeps its body unread). Installed just before ``CsrfViewMiddleware``, so that its ``process_view``
runs before the CSRF check reads the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from wangge.core.errorpages import public_page

NUL = "\x00"
# URL namespaces of the machine channels (config/urls.py), which refuse malformed input in their own format.
CHANNELS = frozenset({"api", "open311"})


def max_request_bytes() -> int:
    return int(getattr(settings, "WANGGE_MAX_UPLOAD_REQUEST_BYTES", 31 * 1024 * 1024))


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _has_nul(pairs: Iterable[tuple[str, Any]]) -> bool:
    for name, values in pairs:
        if NUL in name:
            return True
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and NUL in value:
                return True
    return False


def refused(status: int, message: str) -> HttpResponse:
    return HttpResponse(public_page(status, message), status=status, content_type="text/html; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and CHANNELS.intersection(match.namespaces):
            return None
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/") and _content_length(request) > max_request_bytes():
            limit = max_request_bytes() // (1024 * 1024)
            return refused(413, _("上传的内容超过 %(mb)s MB，请减少照片后重试") % {"mb": limit})
        if (
            NUL in request.path
            or any(isinstance(value, str) and NUL in value for value in (*args, *kwargs.values()))
            or _has_nul(request.GET.lists())
            or _has_nul(request.COOKIES.items())
            or (request.method == "POST" and not getattr(view, "csrf_exempt", False) and _has_nul(request.POST.lists()))
        ):
            return refused(400, _("请求中含有不允许的空字符（NUL）"))
        return None
