"""Under DEBUG (make run), visitors get the public error pages; Django's technical pages (tracebacks with the
environment, the URL patterns) only when WANGGE_DEBUG_PAGES asks for them, whoever is logged in."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = [pytest.mark.urls("wangge.core.tests.errorpages_urls"), pytest.mark.django_db]

SECRET = "a detail only the log should hold"


@pytest.fixture
def debug(settings: Any) -> Any:
    settings.DEBUG = True  # as under config.settings.local
    settings.WANGGE_DEBUG_PAGES = False
    return settings


def visitor() -> Client:
    return Client(raise_request_exception=False)


def superuser() -> Client:
    user = get_user_model().objects.create_superuser(username="root", password="x-Passw0rd-long")
    client = visitor()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", [visitor, superuser])
def test_a_server_error_under_debug_shows_the_public_page(debug: Any, who: Any, caplog: Any) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = who().get("/test-errors/boom/")

    body = response.content.decode()
    assert response.status_code == 500 and "系统繁忙" in body
    assert SECRET not in body and "Traceback" not in body and "SECRET_KEY" not in body and "META" not in body
    # the error is still logged with its traceback
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in caplog.records)


def test_a_plain_text_client_gets_no_traceback_either(debug: Any) -> None:
    response = visitor().get("/test-errors/boom/", HTTP_ACCEPT="text/plain")
    assert response.status_code == 500 and SECRET not in response.content.decode()


def test_a_suspicious_request_under_debug_shows_the_public_400_page(debug: Any) -> None:
    response = visitor().get("/test-errors/suspicious/")
    body = response.content.decode()
    assert response.status_code == 400 and "请求无法处理" in body and SECRET not in body


@pytest.mark.parametrize("path", ["/test-errors/missing/", "/no-such-page/"])
def test_a_missing_page_under_debug_shows_the_public_404_page(debug: Any, path: str) -> None:
    response = visitor().get(path)
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body
    assert SECRET not in body and "URLconf" not in body and "URL patterns" not in body


def test_a_missing_slash_is_still_added_under_debug(debug: Any) -> None:
    response = visitor().get("/track")
    assert response.status_code == 301 and response["Location"] == "/track/"


def test_the_technical_pages_when_an_operator_asks_for_them(debug: Any) -> None:
    debug.WANGGE_DEBUG_PAGES = True
    assert SECRET in visitor().get("/test-errors/boom/").content.decode()
    assert "URLconf" in visitor().get("/no-such-page/").content.decode()


def test_production_shows_the_public_pages(settings: Any) -> None:
    settings.DEBUG = False
    settings.WANGGE_DEBUG_PAGES = True  # ignored without DEBUG
    response = visitor().get("/test-errors/boom/")
    assert response.status_code == 500 and SECRET not in response.content.decode()
