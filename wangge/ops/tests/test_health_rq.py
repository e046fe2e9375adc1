"""Under the RQ backend /readyz reads the queue and the scheduler's tick from Redis (skipped without Redis)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from wangge.ops import metrics
from wangge.workorders.tasks import sweep_deadlines

REDIS_URL = os.environ.get("WANGGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def rq_queue() -> Iterator[None]:
    redis = pytest.importorskip("redis")
    pytest.importorskip("django_tasks_rq")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    client.flushdb()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}},
    ):
        yield
    client.flushdb()
    client.close()


@pytest.mark.django_db
def test_readyz_reads_depth_age_and_tick_from_rq(client: Client, rq_queue: None) -> None:
    assert metrics.uses_rq()
    sweep_deadlines.enqueue()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": True, "configured": True}
    assert checks["queue"]["depth"] == 1
    assert checks["scheduler"]["last_tick_age_seconds"] is not None
    assert "wangge_task_queue_depth 1.0" in client.get("/metrics").content.decode()
