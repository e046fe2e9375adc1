"""QR codes (segno) that open the citizen appeal page pre-filled with a point or a service window, and the
staff page that makes a window's code."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from wangge.places.models import Point
from wangge.web.views.registry import REGISTRIES

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
    # RFC 6266 with an ASCII fallback: a window is often named in Chinese (综合窗口3).
    response["Content-Disposition"] = content_disposition_header(False, f"{filename}.{fmt}") or "inline"
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


class WindowForm(forms.Form):
    window = forms.RegexField(
        label=_("窗口编号或名称"),
        regex=r"^[\w-]{1,60}$",
        max_length=60,
        error_messages={"invalid": _("只能使用文字、字母、数字、下划线和连字符，不超过 60 个字")},
        widget=forms.TextInput(attrs={"placeholder": _("如 A03 或 综合窗口3")}),
    )


@login_required
def qr_codes(request: HttpRequest) -> HttpResponse:
    """二维码: the code of a service window to print and put on the counter (a point's code is in the point
    registry). The code opens the appeal page, which notes the window."""
    form = WindowForm(request.GET or None)
    window = form.cleaned_data["window"] if form.is_bound and form.is_valid() else ""
    context = {"form": form, "window": window, "registries": REGISTRIES.values()}
    return render(request, "web/qr_codes.html", context)
