"""/metrics: Prometheus text with the request latency, the queue, intake per channel and 超期; refused to strangers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client, override_settings

from wangge.ops import metrics
from wangge.workorders.choices import Channel
from wangge.workorders.tests.conftest import new_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    metrics.reset_caches()


def test_metrics_has_the_request_latency_by_route_name_never_by_path(client: Client) -> None:
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'wangge_http_request_duration_seconds_count{method="GET",route="healthz",status="2xx"}' in text
    client.get("/no-such-page/zzqx-case-path")
    text = client.get("/metrics").content.decode()
    assert 'route="unmatched"' in text
    assert "zzqx-case-path" not in text and "no-such-page" not in text
    client.get("/static/no-such-file-zzqy.js")
    text = client.get("/metrics").content.decode()
    assert 'route="static"' in text and "no-such-file-zzqy" not in text


def test_metrics_counts_intake_per_channel_and_overdue_cases(client: Client, world: SimpleNamespace) -> None:
    new_case(world)
    new_case(world)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f'wangge_cases_received_total{{channel="{Channel.HOTLINE}"}} 2.0' in text
    assert "wangge_cases_overdue 0.0" in text
    assert "wangge_task_queue_depth 0.0" in text
    assert "wangge_task_queue_oldest_age_seconds 0.0" in text


def test_metrics_is_404_from_an_address_not_allowed(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    with override_settings(WANGGE_METRICS_ALLOWED_IPS=["203.0.113.0/24"]):
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
        assert client.get("/metrics").status_code == 404  # loopback is no longer listed


def test_metrics_admits_the_bearer_token_from_anywhere(client: Client) -> None:
    with override_settings(WANGGE_METRICS_TOKEN="s3cret-token"):
        ok = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")
        wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer guess")
    assert ok.status_code == 200 and wrong.status_code == 404


def test_metrics_trusts_x_forwarded_for_only_behind_a_trusted_proxy(client: Client) -> None:
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **forwarded).status_code == 200  # type: ignore[arg-type]
    with override_settings(WANGGE_TRUSTED_PROXIES=1):
        assert client.get("/metrics", **forwarded).status_code == 404  # type: ignore[arg-type]


def test_overdue_count_is_cached(world: SimpleNamespace, django_assert_num_queries: object) -> None:
    metrics.overdue_count()
    with django_assert_num_queries(0):  # type: ignore[operator]
        metrics.overdue_count()
