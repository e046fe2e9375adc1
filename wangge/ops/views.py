"""Health and metrics for load balancers and monitoring: ``/healthz``, ``/readyz`` and ``/metrics``.

* ``/healthz`` — the process answers: 200 ``{"status": "ok"}``; touches neither the database nor Redis.
* ``/readyz`` — the platform can serve: the database answers a trivial query, Redis answers PING when it is
  configured (``REDIS_URL`` cache or the RQ task backend); and it reports the task queue's depth and oldest wait,
  the scheduler's last tick and the last 日通报's time. 200 when every check passes, 503 naming the failing ones.
  The queue, tick and bulletin ages fail the check only above a limit set in the settings
  (``WANGGE_READY_MAX_QUEUE_AGE_SECONDS``, ``WANGGE_READY_MAX_TICK_AGE_SECONDS``,
  ``WANGGE_READY_MAX_BULLETIN_AGE_SECONDS``; 0, the default, only reports): a stopped worker or scheduler should
  alert, not take every web server out of the load balancer.
* ``/metrics`` — Prometheus text (``ops.metrics``), from the addresses in ``WANGGE_METRICS_ALLOWED_IPS`` (addresses
  or networks, default loopback; the client address by ``core.clientaddr``) or with
  ``Authorization: Bearer <WANGGE_METRICS_TOKEN>``; 404 to anyone else.

None needs a login or a session; they show counts and times only.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from wangge.core.clientaddr import client_ip
from wangge.ops import metrics

log = logging.getLogger(__name__)


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _redis_urls() -> list[str]:
    urls = []
    cache = settings.CACHES.get("default", {})
    if "redis" in str(cache.get("BACKEND", "")).lower():
        location = cache.get("LOCATION")
        urls += [location] if isinstance(location, str) else list(location or [])
    if metrics.uses_rq():
        urls += [queue["URL"] for queue in settings.RQ_QUEUES.values() if queue.get("URL")]
    return list(dict.fromkeys(urls))


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def check_redis() -> dict[str, Any]:
    urls = _redis_urls()
    if not urls:
        return {"ok": True, "configured": False}
    import redis

    for url in urls:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    return {"ok": True, "configured": True}


def _age(at: dt.datetime | None, now: dt.datetime) -> float | None:
    return round(max(0.0, (now - at).total_seconds()), 1) if at is not None else None


def _limit(name: str) -> int:
    return int(getattr(settings, name, 0) or 0)


def _within(age: float | None, setting: str) -> bool:
    limit = _limit(setting)
    return not limit or (age is not None and age <= limit)


def check_queue() -> dict[str, Any]:
    state = metrics.queue_state()
    age = state.oldest_age_seconds(timezone.now()) if state.depth else 0.0
    return {"ok": _within(age, "WANGGE_READY_MAX_QUEUE_AGE_SECONDS"), "depth": state.depth, "oldest_age_seconds": age}


def check_scheduler() -> dict[str, Any]:
    age = _age(metrics.last_scheduler_tick(), timezone.now())
    return {"ok": _within(age, "WANGGE_READY_MAX_TICK_AGE_SECONDS"), "last_tick_age_seconds": age}


def check_bulletin() -> dict[str, Any]:
    age = _age(metrics.last_bulletin_at(), timezone.now())
    return {"ok": _within(age, "WANGGE_READY_MAX_BULLETIN_AGE_SECONDS"), "last_bulletin_age_seconds": age}


# In order: the later ones read the database, so they are skipped (failed) when it does not answer.
CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "redis": check_redis,
    "queue": check_queue,
    "scheduler": check_scheduler,
    "bulletin": check_bulletin,
}


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a check that cannot run has failed; the reason goes to the log only
            log.warning("readiness check %s failed: %s", name, exc.__class__.__name__, exc_info=True)
            results[name] = {"ok": False}
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)


def metrics_allowed(request: HttpRequest) -> bool:
    token = str(getattr(settings, "WANGGE_METRICS_TOKEN", "") or "")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in getattr(settings, "WANGGE_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"]):
        try:
            if ip in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@csrf_exempt
@require_safe
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)
