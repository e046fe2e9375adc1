"""Every request has an id (the trusted proxy's or a new one), sent back and written into JSON log lines."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from wangge.ops.logging import logging_config


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The production logging configuration, writing into a buffer."""
    stream = io.StringIO()
    config = logging_config(json=True)
    config["handlers"]["console"]["stream"] = stream  # type: ignore[index]
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(logging_config(json=False))


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_request_id_is_generated_and_sent_back(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept_only_behind_a_trusted_proxy(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-abc.123")["X-Request-ID"] != "lb-abc.123"
    with override_settings(WANGGE_TRUSTED_PROXIES=1):
        assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-abc.123")["X-Request-ID"] == "lb-abc.123"
        assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_json_log_line_carries_the_request_id_route_status_and_duration(client: Client, json_log: io.StringIO) -> None:
    request_id = client.get("/healthz")["X-Request-ID"]
    records = [r for r in lines(json_log) if r.get("logger") == "wangge.request"]
    assert len(records) == 1
    record = records[0]
    assert record["request_id"] == request_id
    assert record["method"] == "GET" and record["route"] == "healthz" and record["status"] == 200
    assert isinstance(record["duration_ms"], float)
    assert record["user_id"] is None and record["level"] == "INFO"


@pytest.mark.django_db
def test_records_logged_inside_a_view_carry_the_request_id(
    client: Client, json_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wangge.ops import views

    def down() -> dict[str, object]:
        raise ConnectionError("down")

    monkeypatch.setitem(views.CHECKS, "redis", down)
    request_id = client.get("/readyz")["X-Request-ID"]
    warning = next(r for r in lines(json_log) if r.get("logger") == "wangge.ops.views")
    assert warning["request_id"] == request_id and warning["route"] == "readyz"


def test_plain_text_stays_the_default() -> None:
    config = logging_config(json=False)
    assert "()" not in config["formatters"]["main"]  # type: ignore[index]
