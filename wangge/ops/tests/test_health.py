"""/healthz answers without the database; /readyz checks the database, Redis, the queue, the scheduler, the 日通报."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wangge.ops import views
from wangge.workorders.tasks import sweep_deadlines

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No django_db mark: any query would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_reports_every_check_when_ready(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "queue", "scheduler", "bulletin"}
    assert body["checks"]["queue"]["depth"] == 0
    assert body["checks"]["bulletin"]["last_bulletin_age_seconds"] is None


@pytest.mark.django_db
def test_readyz_is_503_naming_the_failing_check(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def down() -> dict[str, Any]:
        raise ConnectionError("redis://secret@host refused")

    monkeypatch.setitem(views.CHECKS, "redis", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"] == {"ok": False}
    assert "secret" not in response.content.decode()  # the reason goes to the log, not to the prober


@pytest.mark.django_db
def test_readyz_checks_redis_when_configured(client: Client) -> None:
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=caches):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@pytest.mark.django_db
def test_readyz_reports_queue_depth_and_tick_and_fails_above_the_queue_age_limit(client: Client) -> None:
    with override_settings(TASKS=DB_QUEUE):
        result = sweep_deadlines.enqueue()
        DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
        body = client.get("/readyz").json()
        assert body["checks"]["queue"]["depth"] == 1
        assert body["checks"]["queue"]["oldest_age_seconds"] >= 600
        assert 600 <= body["checks"]["scheduler"]["last_tick_age_seconds"] < 700  # sweep_deadlines is periodic
        assert body["status"] == "ok"
        with override_settings(WANGGE_READY_MAX_QUEUE_AGE_SECONDS=300):
            response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue"]


@pytest.mark.django_db
def test_readyz_fails_without_a_scheduler_tick_when_a_limit_is_set(client: Client) -> None:
    with override_settings(TASKS=DB_QUEUE, WANGGE_READY_MAX_TICK_AGE_SECONDS=120):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["scheduler"]
