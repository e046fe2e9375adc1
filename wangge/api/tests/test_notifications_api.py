"""In-app messages through the API: one's own only, marking read."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from wangge.notifications.models import Notification
from wangge.notifications.services import notify


def _messages(world: SimpleNamespace) -> None:
    notify(key="wo:1:overdue", subject="工单已超期", link="/cases/1/", recipients=[world.handler])
    notify(key="wo:2:warn", subject="工单即将到期", recipients=[world.handler])
    notify(key="wo:3:warn", subject="别人的消息", recipients=[world.dispatcher])


def test_the_list_holds_ones_own_messages_and_filters_unread(world: SimpleNamespace, client_for: Any) -> None:
    _messages(world)
    client = client_for(world.handler)

    body = client.get("/api/notifications/").json()

    assert [m["subject"] for m in body["results"]] == ["工单即将到期", "工单已超期"]
    assert all(m["unread"] for m in body["results"])
    theirs = Notification.objects.get(recipient=world.dispatcher)
    assert client.get(f"/api/notifications/{theirs.pk}/").status_code == 404


def test_marking_read_by_id_and_all(world: SimpleNamespace, client_for: Any) -> None:
    _messages(world)
    client = client_for(world.handler)
    first = Notification.objects.filter(recipient=world.handler).order_by("pk").first()
    theirs = Notification.objects.get(recipient=world.dispatcher)
    assert first is not None

    one = client.post("/api/notifications/read/", {"ids": [first.pk, theirs.pk]}, format="json")
    rest = client.post("/api/notifications/read/", {"all": True}, format="json")

    assert (one.json(), rest.json()) == ({"marked": 1}, {"marked": 1})
    assert client.get("/api/notifications/?unread=true").json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_ids_or_all(world: SimpleNamespace, client_for: Any) -> None:
    response = client_for(world.handler).post("/api/notifications/read/", {}, format="json")

    assert response.status_code == 400 and "ids" in response.content.decode()


def test_anonymous_gets_no_messages(world: SimpleNamespace, client_for: Any) -> None:
    assert client_for(None).get("/api/notifications/").status_code == 401
