"""One client address for every reader: REMOTE_ADDR unless trusted proxies say otherwise, and then the
right-most hop they did not write themselves; DRF's throttles agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from wangge.core.clientaddr import client_ip

PROXY = "10.0.0.2"


def request(forwarded: str | None = None, remote: str = PROXY) -> Any:
    req = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        req.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return req


def drf_ident(req: Any) -> str:
    return str(SimpleRateThrottle.get_ident(SimpleRateThrottle.__new__(SimpleRateThrottle), Request(req)))


def test_without_trusted_proxies_a_forged_header_changes_nothing(settings: Any) -> None:
    settings.WANGGE_TRUSTED_PROXIES = 0

    assert client_ip(request()) == PROXY
    assert client_ip(request("6.6.6.6")) == PROXY
    assert client_ip(request("6.6.6.6, 7.7.7.7")) == PROXY


def test_with_one_trusted_proxy_the_right_most_hop_counts(settings: Any) -> None:
    settings.WANGGE_TRUSTED_PROXIES = 1

    # the proxy appended the address it saw; what the client wrote before it is ignored
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("6.6.6.6,203.0.113.7")) == "203.0.113.7"
    # a request that reached the application without the proxy
    assert client_ip(request(None, remote="203.0.113.9")) == "203.0.113.9"


def test_with_two_trusted_proxies_the_outer_ones_view_counts(settings: Any) -> None:
    settings.WANGGE_TRUSTED_PROXIES = 2

    # client → outer proxy (appends client) → inner proxy (appends outer) → application
    assert client_ip(request("6.6.6.6, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"


def test_a_hop_that_is_not_an_address_falls_back_to_the_connection(settings: Any) -> None:
    settings.WANGGE_TRUSTED_PROXIES = 1

    assert client_ip(request("6.6.6.6, not-an-ip")) == PROXY
    assert client_ip(request("6.6.6.6, ")) == PROXY


def test_no_request_no_address() -> None:
    assert client_ip(None) is None


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize("forwarded", [None, "203.0.113.7", "6.6.6.6, 203.0.113.7", "6.6.6.6, 203.0.113.7, 10.0.0.1"])
def test_drf_throttles_count_the_same_address(settings: Any, proxies: int, forwarded: str | None) -> None:
    settings.WANGGE_TRUSTED_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    assert api_settings.NUM_PROXIES == settings.WANGGE_TRUSTED_PROXIES
    req = request(forwarded)

    assert drf_ident(req) == client_ip(req)


def test_the_settings_give_drf_the_same_number() -> None:
    from django.conf import settings

    assert api_settings.NUM_PROXIES == settings.WANGGE_TRUSTED_PROXIES == 0
