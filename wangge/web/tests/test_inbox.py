"""站内消息: one's own messages on a page, with the unread badge; marking read; nobody sees another's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.notifications.models import Notification
from wangge.notifications.services import notify

pytestmark = pytest.mark.django_db


def _messages(world: Any) -> list[Notification]:
    first = notify(
        key="wo:1:overdue", subject="工单 WG1 已超期", body="请尽快办理", link="/cases/1/", recipients=[world.handler]
    )
    second = notify(key="wo:2:warn", subject="工单 WG2 即将到期", recipients=[world.handler])
    notify(key="wo:3:warn", subject="别人的消息", recipients=[world.dispatcher])
    return first + second


def test_the_inbox_lists_ones_own_messages_newest_first_with_the_unread_count(client: Client, world: Any) -> None:
    _messages(world)
    client.force_login(world.handler)

    response = client.get(reverse("web:inbox"))

    html = response.content.decode()
    assert response.status_code == 200 and response.context["unread"] == 2
    assert html.index("工单 WG2 即将到期") < html.index("工单 WG1 已超期")
    assert "别人的消息" not in html
    assert '<span class="count"' in client.get(reverse("web:home")).content.decode()  # the badge in the nav


def test_opening_a_message_marks_it_read_and_follows_its_link(client: Client, world: Any) -> None:
    overdue, _warn = _messages(world)
    client.force_login(world.handler)

    response = client.post(reverse("web:inbox_read"), {"id": overdue.pk, "next": overdue.link})

    assert response.status_code == 302 and response["Location"] == "/cases/1/"
    overdue.refresh_from_db()
    assert overdue.read_at is not None
    assert Notification.objects.filter(recipient=world.handler, read_at__isnull=True).count() == 1


def test_an_outside_link_is_not_followed(client: Client, world: Any) -> None:
    overdue, _warn = _messages(world)
    client.force_login(world.handler)

    response = client.post(reverse("web:inbox_read"), {"id": overdue.pk, "next": "//evil.example/"})

    assert response["Location"] == reverse("web:inbox")


def test_all_can_be_marked_read_but_only_ones_own(client: Client, world: Any) -> None:
    _messages(world)
    client.force_login(world.handler)

    client.post(reverse("web:inbox_read"), {"all": "1"})

    assert not Notification.objects.filter(recipient=world.handler, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.dispatcher, read_at__isnull=True).count() == 1


def test_someone_elses_message_cannot_be_marked(client: Client, world: Any) -> None:
    _messages(world)
    theirs = Notification.objects.get(recipient=world.dispatcher)
    client.force_login(world.handler)

    client.post(reverse("web:inbox_read"), {"id": theirs.pk})

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_filter_and_the_empty_state(client: Client, world: Any) -> None:
    client.force_login(world.handler)

    assert "还没有消息" in client.get(reverse("web:inbox")).content.decode()
    _messages(world)
    client.post(reverse("web:inbox_read"), {"all": "1"})
    assert "没有未读消息" in client.get(reverse("web:inbox") + "?unread=1").content.decode()
