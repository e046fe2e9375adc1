"""API tokens: hashed at rest, expiring, revoked on logout, password change, lock and deactivation; the token
endpoint keeps its URL, documents the expiry, and is under the login-failure limits of every login path."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from freezegun import freeze_time
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from wangge.accounts import services
from wangge.core.actors import SYSTEM
from wangge.core.models import AuditEntry

PASSWORD = "x-Passw0rd-long"
TOKEN_URL = "/api/auth/token/"


def obtain(username: str = "dispatcher", password: str = PASSWORD, address: str = "10.0.0.7") -> Any:
    return APIClient(REMOTE_ADDR=address).post(TOKEN_URL, {"username": username, "password": password}, format="json")


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def _throttles_read_the_frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """REST framework's throttles keep ``time.time`` as a class attribute, which freezegun turns into a method."""
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: time.time())


@pytest.mark.usefixtures("_throttles_read_the_frozen_clock")
def test_a_token_expires_after_its_lifetime(world: SimpleNamespace, settings: Any) -> None:
    # given tokens valid ten hours
    issued = timezone.now()
    with freeze_time(issued):
        response = obtain()
    token = response.json()["token"]

    # then the answer says when it ends, and it works until then, not after
    expiry = parse_datetime(response.json()["expiry"])
    assert expiry is not None and abs((expiry - issued) - dt.timedelta(hours=10)) < dt.timedelta(seconds=5)
    with freeze_time(issued + dt.timedelta(hours=9, minutes=59)):
        assert with_token(token).get("/api/me/").status_code == 200
    with freeze_time(issued + dt.timedelta(hours=10, seconds=1)):
        assert with_token(token).get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(user=world.dispatcher).exists()  # the expired row is gone


def test_only_a_hash_of_the_token_is_stored(world: SimpleNamespace) -> None:
    token = obtain().json()["token"]

    row = AuthToken.objects.get(user=world.dispatcher)
    assert token not in (row.digest, row.token_key) and len(row.digest) == 128
    assert token not in str(list(AuditEntry.objects.values_list("before", "after", "note")))


def test_delete_revokes_the_token_it_carries(world: SimpleNamespace) -> None:
    first, second = obtain().json()["token"], obtain().json()["token"]

    assert with_token(first).delete(TOKEN_URL).status_code == 204

    assert with_token(first).get("/api/me/").status_code == 401
    assert with_token(second).get("/api/me/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.token_revoke").count() == 1


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            lambda w: services.staff_set_password(actor=w.dispatcher, user=w.dispatcher, password="Fresh-Pass-2026"),
            id="own password change",
        ),
        pytest.param(
            lambda w: services.staff_set_password(actor=SYSTEM, user=w.dispatcher, password="Fresh-Pass-2026"),
            id="password reset",
        ),
        pytest.param(lambda w: services.staff_lock(actor=SYSTEM, user=w.dispatcher), id="lock"),
        pytest.param(
            lambda w: services.staff_update(actor=SYSTEM, user=w.dispatcher, is_active=False), id="deactivation"
        ),
    ],
)
def test_tokens_end_with_the_password_and_the_account(world: SimpleNamespace, event: Any) -> None:
    token = obtain().json()["token"]

    event(world)

    assert with_token(token).get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(user=world.dispatcher).exists()


def test_a_token_of_an_account_locked_by_hand_in_the_database_is_refused(world: SimpleNamespace) -> None:
    token = obtain().json()["token"]
    type(world.dispatcher).objects.filter(pk=world.dispatcher.pk).update(
        locked_until=timezone.now() + dt.timedelta(hours=1)
    )

    assert with_token(token).get("/api/me/").status_code == 401


def test_an_account_holds_a_bounded_number_of_tokens(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_API_TOKENS_PER_USER = 3
    tokens = [obtain().json()["token"] for _ in range(4)]

    assert AuthToken.objects.filter(user=world.dispatcher).count() == 3
    assert with_token(tokens[0]).get("/api/me/").status_code == 401
    assert with_token(tokens[-1]).get("/api/me/").status_code == 200


def test_a_stale_token_in_the_request_does_not_stop_a_new_exchange(world: SimpleNamespace) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token expired-or-revoked")

    response = client.post(TOKEN_URL, {"username": "dispatcher", "password": PASSWORD}, format="json")

    assert response.status_code == 200


def test_the_token_endpoint_is_under_the_login_failure_limits(world: SimpleNamespace, settings: Any) -> None:
    # given five failures in a row from one address
    settings.WANGGE_LOCKOUT_ATTEMPTS = 5
    for _ in range(5):
        assert obtain(password="wrong-Pass-1", address="203.0.113.9").status_code == 400

    # then the right password from that address gets the same answer, from another it works
    refused = obtain(address="203.0.113.9")
    assert refused.status_code == 400 and refused.json() == obtain(password="wrong", address="10.9.9.9").json()
    assert obtain(address="10.0.0.8").status_code == 200


def test_the_schema_documents_the_expiry(db: Any) -> None:
    schema = APIClient().get("/api/schema/?format=json").json()

    token = schema["components"]["schemas"]["Token"]
    assert {"token", "expiry"} <= set(token["required"]) and token["properties"]["expiry"]["format"] == "date-time"
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert "10 小时后失效" in scheme["description"]
    post = schema["paths"]["/api/auth/token/"]["post"]
    assert "10 小时后失效" in post["description"]
    assert "delete" in schema["paths"]["/api/auth/token/"]
