"""The staff pages as an installable app that keeps working in a basement: the web app manifest, the service
worker (served from the site root so that its scope is the whole site), the outbox page, and what the
outbox's script talks to when the phone is back online.

The forms that work offline say so with ``data-offline`` (``web/offline.js``): 上报事件 (``web:case_report``)
and 巡查签到 (``reports:patrol``, sent here to ``web:offline_checkin``). Filled without a network they wait in
the browser (IndexedDB, photos already shrunk to JPEG on the phone) and are sent when the network is back,
each with the id the phone gave it, so that a sending repeated after a lost answer makes nothing twice
(``web.outbox``)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wangge.core.errors import DomainError
from wangge.web import outbox
from wangge.web.views.common import client_ip

# The pages kept in the phone for use without a network (each refreshed whenever it is opened online), and
# the static files they need. The map's outlines are public and kept too, so the report page's map still
# shows the districts in a basement (without a network no tiles come).
OFFLINE_PAGES = ("web:home", "web:case_report", "reports:patrol", "web:outbox")
OFFLINE_DATA = ("web:public_outlines",)
OFFLINE_STATIC = (
    "web/app.css",
    "web/app.js",
    "web/offline.js",
    "web/maps.js",
    "web/patrol.js",
    "web/favicon.svg",
    "web/icons/icon-192.png",
    "vendor/htmx/htmx.min.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
)
ICONS = (("web/icons/icon-192.png", "192x192"), ("web/icons/icon-512.png", "512x512"))
# A check-in sent later keeps the time it was made, within this window; older or future times become now.
CHECKIN_DELAY_KEPT = dt.timedelta(hours=24)


def _source(name: str) -> bytes:
    """A static file's content: from the sources (development, tests), else from the collected files."""
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found).read_bytes()
    with staticfiles_storage.open(name) as fh:
        return bytes(fh.read())


def worker_config() -> dict[str, Any]:
    """What the service worker is told: its version (a new one whenever a file it keeps changes) and the
    addresses of what it keeps."""
    assets = [static(name) for name in OFFLINE_STATIC]
    pages = [reverse(name) for name in OFFLINE_PAGES]
    data = [reverse(name) for name in OFFLINE_DATA]
    digest = hashlib.sha256(json.dumps([assets, pages, data]).encode())
    for name in ("web/sw.js", *OFFLINE_STATIC):
        digest.update(_source(name))
    return {
        "version": digest.hexdigest()[:12],
        "assets": assets,
        "pages": pages,
        "data": data,
        "static": static(""),
        "fallback": reverse("web:outbox"),
        "logout": reverse("web:logout"),
    }


@functools.lru_cache(maxsize=4)
def _worker_script(stamp: tuple[tuple[str, int], ...]) -> tuple[bytes, str]:
    """The service worker's text and version, made again only when one of the files it keeps changes."""
    config = worker_config()
    return f"self.WANGGE_SW = {json.dumps(config)};\n".encode() + _source("web/sw.js"), config["version"]


def _stamp() -> tuple[tuple[str, int], ...]:
    """When the files the service worker keeps were last changed (their sources, or the collected files)."""
    out = []
    for name in ("web/sw.js", *OFFLINE_STATIC):
        found = finders.find(name)
        out.append((name, Path(found).stat().st_mtime_ns if isinstance(found, str) else 0))
    return tuple(out)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: the service worker, from the site root so that it serves every page; revalidated on every
    check by the browser (an unchanged one answers 304)."""
    body, version = _worker_script(_stamp())
    etag = f'"{version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """``/manifest.webmanifest``: installs the staff pages as an app opening on the home page."""
    body = {
        "name": _("网格化服务管理平台"),
        "short_name": _("网格通"),
        "description": _("网格员上报、签到和待办，没有网络时也能填写"),
        "lang": "zh-CN",
        "start_url": reverse("web:home"),
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f7fa",
        "theme_color": "#14325c",
        "icons": [
            {"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            *({"src": static(name), "sizes": size, "type": "image/png", "purpose": "any"} for name, size in ICONS),
            {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_required
@require_GET
def outbox_page(request: HttpRequest) -> HttpResponse:
    """待发送: the forms waiting in this phone (listed by the script from the browser's storage)."""
    return render(request, "web/outbox.html", {})


@never_cache
@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    """Whether the network is back and who is signed in, with a fresh CSRF token for the outbox's sendings (a
    page kept in the phone may carry an old one)."""
    if not request.user.is_authenticated:
        return JsonResponse({"user": None}, status=401)
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})


def answer(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """What a form sent once (or again) answers: JSON to the outbox's script, a redirect to the form."""
    messages.success(request, message)
    if outbox.from_outbox(request):
        return JsonResponse({"ok": True, "url": url, "message": message}, json_dumps_params={"ensure_ascii": False})
    return redirect(url)


def refused(form: Any, status: int = 400) -> JsonResponse:
    """A sending the platform does not take, with the form's messages (the outbox shows them)."""
    errors = [str(e) for e in form.non_field_errors()]
    errors += [f"{form[name].label}：{e}" for name, errs in form.errors.items() if name != "__all__" for e in errs]
    return JsonResponse({"ok": False, "errors": errors}, status=status, json_dumps_params={"ensure_ascii": False})


def _taken_at(raw: str | None) -> dt.datetime | None:
    """The time the phone says a check-in was made, if it is a plausible one (the last 24 hours)."""
    at = parse_datetime(raw or "")
    if at is None or timezone.is_naive(at):
        return None
    now = timezone.now()
    return at if now - CHECKIN_DELAY_KEPT <= at <= now else None


@login_required
@require_POST
def checkin(request: HttpRequest) -> HttpResponse:
    """巡查签到 from the outbox: as the check-in form of ``reports:patrol``, once per client id, at the time
    the phone made it."""
    from wangge.reports import services
    from wangge.reports.forms import CheckinForm

    sent = outbox.client_id(request)
    done = reverse("reports:patrol")
    if outbox.earlier(actor=request.user, client_id=sent, kind=outbox.CHECKIN) is not None:
        return answer(request, done, _("该签到已提交过"))
    form = CheckinForm(request.POST, request.FILES)
    if not form.is_valid():
        return refused(form)
    d = form.cleaned_data
    try:
        outbox.submit_once(
            actor=request.user,
            client_id=sent,
            kind=outbox.CHECKIN,
            create=lambda: services.patrol_checkin(
                actor=request.user,
                lng=d["lng"],
                lat=d["lat"],
                crs=d["crs"],
                note=d["note"],
                photo=d["photo"],
                at=_taken_at(request.POST.get("taken_at")),
                ip=client_ip(request),
            ),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return refused(form, status=exc.http_status if exc.http_status >= 400 else 400)
    return answer(request, done, _("离线签到已送达"))


routes = [
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("offline/", outbox_page, name="outbox"),
    path("offline/ping.json", ping, name="offline_ping"),
    path("offline/checkin/", checkin, name="offline_checkin"),
]
