"""Inbox, e-mail and group-robot deliveries; the robot is a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from wangge.accounts.models import User
from wangge.notifications.choices import DeliveryState, WebhookKind
from wangge.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from wangge.notifications.services import notify
from wangge.notifications.tasks import deliver_webhook, retry_failed_deliveries, send_notification_email
from wangge.territory.models import Territory


class Robot(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append({"type": self.headers["Content-Type"], "json": json.loads(body)})
        payload = json.dumps(Robot.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def robot() -> Iterator[str]:
    Robot.received = []
    Robot.answer = {"errcode": 0, "errmsg": "ok"}
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send?key=test"
    server.shutdown()


@pytest.fixture
def grid(db: Any) -> Territory:
    root = Territory.objects.add_root({"code": "410403", "name": "卫东区", "kind": "district"})
    return Territory.objects.add_child(root, {"code": "410403001", "name": "街道", "kind": "street"})


def test_robot_receives_markdown_once(django_capture_on_commit_callbacks, robot: str, grid: Territory) -> None:  # type: ignore[no-untyped-def]
    district = Territory.objects.get_parent(grid)
    WebhookEndpoint.objects.create(name="一网", kind=WebhookKind.WECOM, url=robot, territory=district)
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k1", subject="新工单", body="东门私搭乱建", territory_path=grid.path)
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k1", subject="新工单", body="东门私搭乱建", territory_path=grid.path)
    assert len(Robot.received) == 1
    sent = Robot.received[0]
    assert sent["type"].startswith("application/json")
    assert sent["json"]["msgtype"] == "markdown" and "东门私搭乱建" in sent["json"]["markdown"]["content"]
    assert WebhookDelivery.objects.get().state == DeliveryState.SENT


def test_robot_refusal_is_recorded_as_failed(django_capture_on_commit_callbacks, robot: str, grid: Territory) -> None:  # type: ignore[no-untyped-def]
    Robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    WebhookEndpoint.objects.create(name="钉钉", kind=WebhookKind.DINGTALK, url=robot, territory=grid)
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k2", subject="超期", territory_path=grid.path + "0001")
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and "93000" in delivery.last_error
    assert Robot.received[0]["json"]["msgtype"] == "markdown"
    Robot.answer = {"errcode": 0}
    deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 2


def test_robot_outside_the_subtree_gets_nothing(
    django_capture_on_commit_callbacks, robot: str, grid: Territory
) -> None:  # type: ignore[no-untyped-def]
    other = Territory.objects.add_root({"code": "410411", "name": "湛河区", "kind": "district"})
    WebhookEndpoint.objects.create(name="别区", url=robot, territory=other)
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k3", subject="x", territory_path=grid.path)
    assert Robot.received == [] and not WebhookDelivery.objects.exists()


def test_inbox_and_email_once_per_key(django_capture_on_commit_callbacks, db: Any) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(username="h", email="h@example.org", password="x-Passw0rd-long")
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="same", subject="请签收", recipients=[user])
        notify(key="same", subject="请签收", recipients=[user])
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "请签收"


def test_nothing_is_sent_before_the_commit(django_capture_on_commit_callbacks, robot: str, grid: Territory) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(username="h", email="h@example.org", password="x-Passw0rd-long")
    WebhookEndpoint.objects.create(name="一网", kind=WebhookKind.GENERIC, url=robot, territory=grid)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            key="k4",
            subject="新工单",
            body="东门私搭乱建",
            link="/cases/1/",
            recipients=[user],
            territory_path=grid.path,
        )
        # the rows exist in the transaction, but neither the robot nor the mailbox has heard anything
        assert Notification.objects.filter(recipient=user).exists() and WebhookDelivery.objects.exists()
        assert Robot.received == [] and mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert Robot.received[0]["json"] == {"title": "新工单", "text": "东门私搭乱建", "link": "/cases/1/"}
    assert len(mail.outbox) == 1 and "/cases/1/" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(robot: str) -> None:
    root = Territory.objects.add_root({"code": "410403", "name": "卫东区", "kind": "district"})
    user = User.objects.create_user(username="h", email="h@example.org", password="x-Passw0rd-long")
    WebhookEndpoint.objects.create(name="一网", url=robot, territory=root)
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(key="k5", subject="新工单", recipients=[user], territory_path=root.path)
        raise RuntimeError("the transition failed after notifying")
    assert not Notification.objects.exists() and not WebhookDelivery.objects.exists()
    assert Robot.received == [] and mail.outbox == []


def test_dingtalk_gets_its_markdown_shape(django_capture_on_commit_callbacks, robot: str, grid: Territory) -> None:  # type: ignore[no-untyped-def]
    WebhookEndpoint.objects.create(name="钉钉", kind=WebhookKind.DINGTALK, url=robot, territory=grid)
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="k6", subject="工单超期", body="请尽快办理", link="/cases/9/", territory_path=grid.path)
    sent = Robot.received[0]["json"]
    assert sent["msgtype"] == "markdown" and sent["markdown"]["title"] == "工单超期"
    assert sent["markdown"]["text"] == "**工单超期**\n请尽快办理\n[查看详情](/cases/9/)"


def test_an_unreachable_robot_is_recorded_and_retried_up_to_the_limit(db: Any) -> None:
    from wangge.notifications.tasks import MAX_ATTEMPTS

    root = Territory.objects.add_root({"code": "410403", "name": "卫东区", "kind": "district"})
    # nothing listens on port 9 of loopback
    WebhookEndpoint.objects.create(name="断线", url="http://127.0.0.1:9/hook", territory=root)
    notify(key="k7", subject="x", territory_path=root.path)
    delivery = WebhookDelivery.objects.get()
    for _ in range(MAX_ATTEMPTS + 2):
        deliver_webhook.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == MAX_ATTEMPTS and delivery.last_error
    assert retry_failed_deliveries.call() == 0  # given up


def test_a_failed_email_is_retried_by_the_periodic_sweep(db: Any, settings: Any) -> None:
    user = User.objects.create_user(username="h", email="h@example.org", password="x-Passw0rd-long")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    [n] = notify(key="k8", subject="请签收", recipients=[user])
    assert send_notification_email.call(n.pk).startswith("failed")
    n.refresh_from_db()
    assert (n.emailed, n.email_attempts) == (DeliveryState.FAILED, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed_deliveries.call() == 1  # the test task backend runs the enqueued send at once
    n.refresh_from_db()
    assert (n.emailed, n.email_attempts) == (DeliveryState.SENT, 2) and len(mail.outbox) == 1
    assert send_notification_email.call(n.pk) == "skipped"  # never twice
