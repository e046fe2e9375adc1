"""QR codes (segno) that open the citizen appeal page pre-filled with a point or a service window."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from wangge.places.models import Point

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def qr_response(url: str, fmt: str, filename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if fmt == "png":
        code.save(out, kind="png", scale=8, border=2)
    else:
        code.save(out, kind="svg", scale=8, border=2, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


def point_qr(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Public: the code printed on a sign at the point. It carries only the point code."""
    point = get_object_or_404(Point, code=code)
    url = request.build_absolute_uri(reverse("web:appeal") + "?" + urlencode({"point": point.code}))
    return qr_response(url, fmt, f"point-{point.code}")


def window_qr(request: HttpRequest, window: str, fmt: str) -> HttpResponse:
    """A service window (办事窗口) code: the appeal page noting which window the citizen stood at."""
    url = request.build_absolute_uri(reverse("web:appeal") + "?" + urlencode({"window": window}))
    return qr_response(url, fmt, f"window-{window}")
