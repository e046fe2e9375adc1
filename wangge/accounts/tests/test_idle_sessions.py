"""The 大屏's poll answers within the session but never renews it; people's requests do."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from wangge.accounts.tests.factories import UserFactory


@pytest.fixture
def client_in(db: Any) -> tuple[Client, str]:
    user = UserFactory.create()
    client = Client()
    client.force_login(user)
    return client, client.session.session_key or ""


def _expiry(key: str) -> Any:
    return Session.objects.get(session_key=key).expire_date


def test_a_poll_does_not_renew_the_session(client_in: tuple[Client, str]) -> None:
    client, key = client_in
    Session.objects.filter(session_key=key).update(expire_date=_expiry(key).replace(microsecond=0) - _minutes(10))
    before = _expiry(key)

    response = client.get("/reports/dashboard/data.json", HTTP_X_WANGGE_POLL="1")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert _expiry(key) == before


def test_a_persons_request_renews_it(client_in: tuple[Client, str]) -> None:
    client, key = client_in
    Session.objects.filter(session_key=key).update(expire_date=_expiry(key) - _minutes(10))
    before = _expiry(key)

    response = client.get("/reports/dashboard/data.json")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert _expiry(key) > before


def _minutes(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(minutes=n)
