"""Open311 test helpers on top of the closed-loop test district (two districts, one street, two grids)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from wangge.core.actors import SYSTEM
from wangge.open311.services import apikey_create
from wangge.workorders.tests.conftest import world  # noqa: F401  (fixture)

BASE = "/open311/v2/"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttle counters live in Django's cache; every test starts afresh (process caches: the root conftest)."""
    cache.clear()


@pytest.fixture
def api(world: SimpleNamespace) -> SimpleNamespace:  # noqa: F811
    key, raw = apikey_create(actor=SYSTEM, name="市民通 App")
    return SimpleNamespace(world=world, key=key, raw=raw, client=Client())


def post(client: Client, fmt: str = "json", **data: Any) -> Any:
    return client.post(f"{BASE}requests.{fmt}", data)


def valid_post(api: SimpleNamespace, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": api.raw,
        "jurisdiction_id": "410403",
        "service_code": "E0101",
        "lat": "33.01",
        "long": "113.01",
        "description": "小区东门外有人私搭彩钢棚，占用人行道。",
        "first_name": "明",
        "last_name": "王",
        "phone": "13812341234",
        "email": "wang@example.com",
        "account_id": "acc-7",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def xml_root(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def json_body(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def assert_error(response: Any, status: int, fmt: str = "json") -> str:
    """The spec's error body: a list of {code, description}; returns the first description."""
    assert response.status_code == status, response.content.decode()
    if fmt == "json":
        body = json_body(response)
        assert isinstance(body, list) and body
        assert all(set(e) == {"code", "description"} and e["code"] == status and e["description"] for e in body)
        return str(body[0]["description"])
    root = xml_root(response)
    assert root.tag == "errors"
    errors = list(root)
    assert errors and all(e.tag == "error" for e in errors)
    assert [c.tag for c in errors[0]] == ["code", "description"]
    assert errors[0].findtext("code") == str(status)
    return errors[0].findtext("description") or ""
