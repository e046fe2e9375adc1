"""The key-person endpoints, fuzzed as their officer (the API-wide fuzz test signs in as a dispatcher, who only
ever gets 404 here): no server error, and every answer as the OpenAPI schema documents it."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


def _load_schema() -> Any:
    from config.wsgi import application

    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
    return schema.include(path_regex="^/api/key-person")


fuzzed = _load_schema()


@pytest.fixture
def officer_token(kp_world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The officer's token; throttles lifted, and the test's connection kept open across the in-process WSGI
    calls (their request signals would close it: PostgreSQL)."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "100000/min", "anon": "100000/min", "login": "100000/min"}
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield str(AuthToken.objects.create(user=kp_world.officer)[1])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@fuzzed.parametrize()
@hypothesis.settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_key_person_api_conforms_to_its_schema(case: Any, officer_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {officer_token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
