"""Text messages: the backends behind one interface, the outbox (once per key, numbers protected), retries."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from wangge.core import crypto
from wangge.notifications.choices import DeliveryState
from wangge.notifications.models import SmsMessage
from wangge.notifications.selectors import sms_subscribers
from wangge.notifications.services import sms_send, sms_subscribe
from wangge.notifications.sms import (
    ConsoleSmsBackend,
    FileSmsBackend,
    HttpSmsBackend,
    backend_for,
    can_receive_sms,
)
from wangge.notifications.tasks import MAX_ATTEMPTS, retry_failed_deliveries


class Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200
    answer: dict[str, Any] = {"ok": True, "id": "m-1"}

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.received.append({"headers": dict(self.headers), "json": json.loads(body)})
        payload = json.dumps(Gateway.answer).encode()
        self.send_response(Gateway.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def gateway() -> Iterator[str]:
    Gateway.received, Gateway.status, Gateway.answer = [], 200, {"ok": True, "id": "m-1"}
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms"
    server.shutdown()


@pytest.fixture(autouse=True)
def _console() -> None:
    ConsoleSmsBackend.sent.clear()


def test_the_setting_names_the_backend(tmp_path: Path) -> None:
    assert isinstance(backend_for("console"), ConsoleSmsBackend)
    file_backend = backend_for(f"file://{tmp_path}/sms.jsonl")
    assert isinstance(file_backend, FileSmsBackend) and file_backend.path == tmp_path / "sms.jsonl"
    http = backend_for("https://sms.example/send", token="t", timeout=3)
    assert isinstance(http, HttpSmsBackend) and http.token == "t" and http.timeout == 3
    with pytest.raises(ValueError):
        backend_for("smtp://nowhere")


def test_only_mobile_numbers_receive_texts() -> None:
    assert can_receive_sms("13812341234")
    assert not can_receive_sms("0375-1234567") and not can_receive_sms("12345") and not can_receive_sms("1381234")


def test_the_file_backend_appends_one_json_line_per_message(tmp_path: Path) -> None:
    backend = FileSmsBackend(tmp_path / "out" / "sms.jsonl")

    assert backend.send("13812341234", "您好", key="k1").ok
    assert backend.send("13912341234", "再见", key="k2").ok

    lines = [json.loads(line) for line in (tmp_path / "out" / "sms.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["phone"], x["text"], x["key"]) for x in lines] == [
        ("13812341234", "您好", "k1"),
        ("13912341234", "再见", "k2"),
    ]


def test_the_http_backend_posts_json_with_the_token(gateway: str) -> None:
    result = HttpSmsBackend(gateway, token="secret-token").send("13812341234", "已受理", key="sms:1")

    assert result.ok and result.provider_id == "m-1"
    [got] = Gateway.received
    assert got["json"] == {"phone": "13812341234", "text": "已受理", "key": "sms:1"}
    assert got["headers"]["Authorization"] == "Bearer secret-token"
    assert got["headers"]["Idempotency-Key"] == "sms:1"


@pytest.mark.parametrize(
    ("status", "answer"), [(500, {}), (200, {"ok": False, "message": "余额不足"}), (200, {"errcode": 40001})]
)
def test_the_http_backend_reports_a_refusal(gateway: str, status: int, answer: dict[str, Any]) -> None:
    Gateway.status, Gateway.answer = status, answer

    result = HttpSmsBackend(gateway).send("13812341234", "x", key="k")

    assert not result.ok and result.error


def test_a_message_is_recorded_protected_and_sent_once_per_key(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = sms_send(key="wo:1:dispatch", phone="138 1234 1234", text="已转交城管局处理", topic="work_order:1")
        again = sms_send(key="wo:1:dispatch", phone="13812341234", text="已转交城管局处理")

    assert first is not None and again is None
    assert ConsoleSmsBackend.sent == [{"phone": "13812341234", "text": "已转交城管局处理", "key": "wo:1:dispatch"}]
    msg = SmsMessage.objects.get()
    assert msg.state == DeliveryState.SENT and msg.attempts == 1 and msg.sent_at is not None
    assert msg.phone_index == crypto.blind_index("13812341234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM notifications_smsmessage")
        assert "13812341234" not in cursor.fetchone()[0]  # encrypted at rest


def test_a_landline_gets_no_text(db: Any) -> None:
    assert sms_send(key="k", phone="0375-1234567", text="x") is None
    assert not SmsMessage.objects.exists()


def test_nothing_is_sent_before_the_commit(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        sms_send(key="k", phone="13812341234", text="x")

    assert ConsoleSmsBackend.sent == []
    assert SmsMessage.objects.get().state == DeliveryState.PENDING


def test_a_failed_send_is_retried_by_the_sweep(
    db: Any, settings: Any, gateway: str, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WANGGE_SMS_BACKEND = gateway
    Gateway.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(key="k", phone="13812341234", text="x")
    msg = SmsMessage.objects.get()
    assert msg.state == DeliveryState.FAILED and msg.attempts == 1 and msg.last_error == "HTTP 503"

    Gateway.status = 200
    retry_failed_deliveries.call()

    msg.refresh_from_db()
    assert msg.state == DeliveryState.SENT and msg.attempts == 2 and len(Gateway.received) == 2


def test_a_secret_is_sent_at_once_and_never_stored(db: Any) -> None:
    sms_send(key="code:1", phone="13812341234", text="验证码 482913，10分钟内有效", secret="482913")

    assert ConsoleSmsBackend.sent[0]["text"] == "验证码 482913，10分钟内有效"
    msg = SmsMessage.objects.get()
    assert "482913" not in msg.text and msg.state == DeliveryState.SENT and msg.attempts == MAX_ATTEMPTS


def test_subscribing_twice_keeps_one_subscription(db: Any) -> None:
    assert sms_subscribe(topic="work_order:7", phone="13812341234")
    assert sms_subscribe(topic="work_order:7", phone="+86 138 1234 1234")
    assert not sms_subscribe(topic="work_order:7", phone="12345")

    assert sms_subscribers("work_order:7") == ["13812341234"]
