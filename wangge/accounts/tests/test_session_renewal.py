"""A person's requests keep the session alive without writing it on every request; the idle limit holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from wangge.accounts.sessions import RENEWED_KEY, renew_every
from wangge.accounts.tests.factories import UserFactory

PAGE = "/reports/dashboard/data.json"


@pytest.fixture
def signed_in(db: Any) -> tuple[Client, str]:
    user = UserFactory.create()
    client = Client()
    client.force_login(user)
    client.get(PAGE)  # the first request stamps the renewal time
    return client, client.session.session_key or ""


def _expiry(key: str) -> dt.datetime:
    return Session.objects.get(session_key=key).expire_date


def _session_writes(client: Client, path: str = PAGE, **extra: Any) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    return response, writes


def test_requests_within_the_interval_do_not_write_the_session(signed_in: tuple[Client, str]) -> None:
    client, key = signed_in
    before = _expiry(key)

    for _ in range(3):
        response, writes = _session_writes(client)
        assert response.status_code == 200
        assert writes == []
        assert settings.SESSION_COOKIE_NAME not in response.cookies

    assert _expiry(key) == before


def test_a_request_after_the_interval_renews_the_session(signed_in: tuple[Client, str]) -> None:
    client, key = signed_in
    before = _expiry(key)

    with freeze_time(timezone.now() + dt.timedelta(seconds=renew_every() + 1)):
        response, writes = _session_writes(client)

    assert response.status_code == 200
    assert len(writes) == 1
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert _expiry(key) > before
    assert client.session[RENEWED_KEY] > 0


def test_a_poll_never_renews_even_after_the_interval(signed_in: tuple[Client, str]) -> None:
    client, key = signed_in
    before = _expiry(key)

    with freeze_time(timezone.now() + dt.timedelta(seconds=renew_every() + 1)):
        response, writes = _session_writes(client, HTTP_X_WANGGE_POLL="1")

    assert response.status_code == 200
    assert writes == []
    assert _expiry(key) == before


def test_the_idle_limit_is_never_exceeded(signed_in: tuple[Client, str]) -> None:
    client, _key = signed_in
    start = timezone.now()
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # a request just inside the interval renews nothing: the session still ends the limit after its renewal
    with freeze_time(start + dt.timedelta(seconds=renew_every() - 5)):
        assert client.get(PAGE).status_code == 200
    with freeze_time(start + age + dt.timedelta(seconds=1)):
        assert client.get(PAGE).status_code in (302, 401, 403)


def test_a_person_who_keeps_working_keeps_the_session(signed_in: tuple[Client, str]) -> None:
    client, _key = signed_in
    start = timezone.now()
    age = settings.SESSION_COOKIE_AGE

    # a request every third of the limit, for three times the limit
    for step in range(1, 10):
        with freeze_time(start + dt.timedelta(seconds=step * age / 3)):
            assert client.get(PAGE).status_code == 200


def test_an_anonymous_request_starts_no_session(db: Any) -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0000000000000"

    response = client.get("/login/")

    assert Session.objects.count() == 0
    assert (
        response.cookies.get(settings.SESSION_COOKIE_NAME) is None
        or not response.cookies[settings.SESSION_COOKIE_NAME].value
    )


def test_the_interval_is_short_against_the_limit(settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.WANGGE_SESSION_RENEW_SECONDS = 3600

    assert renew_every() == 30 * 60 // 4
