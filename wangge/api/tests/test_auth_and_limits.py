"""Token and session authentication, the one error body, throttling and request-size limits."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from wangge.api.tests.conftest import new_case
from wangge.workorders.models import Attachment, WorkOrder

PASSWORD = "x-Passw0rd-long"


def test_token_obtained_with_password_opens_the_api(world: SimpleNamespace) -> None:
    client = APIClient()

    # when the dispatcher exchanges username and password for a token
    response = client.post("/api/auth/token/", {"username": "dispatcher", "password": PASSWORD}, format="json")

    # then the token works, and only its hash is stored
    assert response.status_code == 200
    token = response.json()["token"]
    stored = AuthToken.objects.get(user=world.dispatcher)
    assert stored.digest != token and token not in str(vars(stored))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == "dispatcher"


def test_wrong_password_gives_no_token(world: SimpleNamespace) -> None:
    response = APIClient().post("/api/auth/token/", {"username": "dispatcher", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert not AuthToken.objects.filter(user=world.dispatcher).exists()


def test_bad_or_missing_token_is_401(world: SimpleNamespace) -> None:
    client = APIClient()
    assert client.get("/api/work-orders/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/work-orders/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_inactive_user_token_is_refused(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)
    world.dispatcher.is_active = False
    world.dispatcher.save(update_fields=["is_active"])
    assert client.get("/api/work-orders/").status_code == 401


def test_session_authentication(world: SimpleNamespace) -> None:
    # given a browser session of the dispatcher (the staff pages' login)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.dispatcher)
    wo = new_case(world)

    # then reading works, and a write without the CSRF token is refused and changes nothing
    assert client.get(f"/api/work-orders/{wo.pk}/").status_code == 200
    response = client.post(
        f"/api/work-orders/{wo.pk}/transitions/", {"name": "dispatch", "unit": world.dept.pk}, format="json"
    )
    assert response.status_code == 403
    wo.refresh_from_db()
    assert wo.status == "registered"


def test_throttling_answers_429(world: SimpleNamespace, client_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a limit of three requests a minute per user
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min", "login": "3/min"})
    client = client_for(world.worker)

    # when the user sends four
    statuses = [client.get("/api/me/").status_code for _ in range(4)]

    # then the fourth is throttled with the error body and a Retry-After
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/me/")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # another user has their own allowance
    assert client_for(world.dispatcher).get("/api/me/").status_code == 200


def test_token_requests_are_throttled_per_address(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "100/min", "anon": "100/min", "login": "2/min"})
    client = APIClient()
    statuses = [
        client.post("/api/auth/token/", {"username": "dispatcher", "password": "wrong"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_a_forged_forwarded_header_does_not_escape_the_token_throttle(
    world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given no trusted proxy (the default: DRF's NUM_PROXIES is 0) and two token requests a minute
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "100/min", "anon": "100/min", "login": "2/min"})
    client = APIClient()

    # when each request claims another address
    statuses = [
        client.post(
            "/api/auth/token/",
            {"username": "dispatcher", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{i}",
        ).status_code
        for i in range(3)
    ]

    # then they are counted as one address all the same
    assert statuses == [400, 400, 429]


@override_settings(WANGGE_API_MAX_BODY_BYTES=2048)
def test_oversized_json_body_is_413_before_parsing(world: SimpleNamespace, client_for: Any) -> None:
    wo = new_case(world)
    response = client_for(world.dispatcher).post(
        f"/api/work-orders/{wo.pk}/transitions/",
        {"name": "invalidate", "note": "长" * 4000},
        format="json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    wo.refresh_from_db()
    assert wo.status == "registered"


@override_settings(WANGGE_API_MAX_UPLOAD_BODY_BYTES=4096)
def test_oversized_upload_is_413(world: SimpleNamespace, client_for: Any) -> None:
    wo = new_case(world)
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8192, content_type="image/png")
    response = client_for(world.dispatcher).post(
        f"/api/work-orders/{wo.pk}/attachments/", {"file": big}, format="multipart"
    )
    assert response.status_code == 413
    assert not Attachment.objects.filter(work_order=wo).exists()


def test_not_found_and_method_errors_share_the_body(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)
    missing = client.get("/api/points/424242/")
    wrong_method = client.delete("/api/work-orders/1/")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message"}
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    assert WorkOrder.objects.count() == 0
