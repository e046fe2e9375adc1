"""The OpenAPI schema: generated without warnings, served with offline docs, and fuzzed against the app.

The fuzzing run is schemathesis's pytest integration against the WSGI application, in-process, with a
small number of examples per operation: no 5xx, responses (and their status codes and content types)
as the schema documents them. It authenticates as the district dispatcher over a world with cases in
several states, points and attachments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wangge.api.tests.conftest import act, local, make_point, new_case, to_closed, to_handling
from wangge.core.actors import SYSTEM
from wangge.core.tests.images import PNG
from wangge.places.services import point_types_seed
from wangge.workorders.services import attachment_add


def test_schema_generates_without_warnings(tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/work-orders/{id}/transitions/", "/api/measures/", "/api/locate/", "/api/points/geojson/"):
        assert f"  {path}:" in text


def test_docs_pages_load_no_asset_from_outside(db: Any) -> None:
    client = APIClient()
    for url in ("/api/docs/",):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        # every script and stylesheet is served by the platform itself, from an installed package
        assert not re.findall(r'(?:src|href)="(?:https?:)?//', html), url
        for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
            assert finders.find(asset), asset


def test_schema_documents_the_error_body(db: Any) -> None:
    schema = APIClient().get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/work-orders/{id}/transitions/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "413", "429"} <= set(post["responses"])
    error = post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/Error")


# --- fuzzing ------------------------------------------------------------------------------------


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """The application is called in-process through WSGI, so Django's request signals fire and would close
    the connection holding the test's transaction (PostgreSQL); Django's own test client detaches the same
    handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, _keep_test_connection: None) -> SimpleNamespace:
    """Data in every shape the API answers: cases registered, handling, closed and supervised, points,
    an attachment; throttles lifted so hundreds of generated requests are not cut short."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "100000/min", "anon": "100000/min", "login": "100000/min"}
    )
    point_types_seed()
    make_point(world, "P001", 113.02, 33.02, responsible_unit=world.dept)
    make_point(world, "P002", 113.07, 33.02, type="river")
    registered = new_case(world)
    handling = to_handling(world, new_case(world, lng=113.07, lat=33.02), local(2025, 6, 3, 10))
    act(world, handling, "supervise", "leader", local(2025, 6, 3, 11), level="yellow", note="督办")
    to_closed(world, new_case(world, at=local(2025, 6, 4, 9)), local(2025, 6, 4, 10), rating=2)
    png = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    attachment_add(actor=SYSTEM, work_order=registered, upload=png, kind="photo")
    _ledger_rows(world)
    world.token = AuthToken.objects.create(user=world.dispatcher)[1]
    return world


def _ledger_rows(world: SimpleNamespace) -> None:
    """One row of each ledger in 一网格, so lists and serializers answer with data: a building, a household with
    its head, a merchant, a hazard finding and a filled 入户排查 form."""
    from wangge.hazards.models import HazardType
    from wangge.hazards.services import hazard_report
    from wangge.ledgers import services as ledgers
    from wangge.ledgers.choices import Relation
    from wangge.surveys.models import FormTemplate
    from wangge.surveys.services import submission_create

    building = ledgers.building_create(
        actor=SYSTEM, grid=world.grid1, name="1号楼", lng=113.01, lat=33.01, head_name="楼长", head_phone="13800001111"
    )
    household = ledgers.household_create(actor=SYSTEM, building=building, unit_no="1", room="101")
    ledgers.resident_create(
        actor=SYSTEM,
        name="张测试",
        id_number="410403198001010010",
        phone="13800002222",
        household=household,
        relation=Relation.HEAD,
    )
    ledgers.merchant_create(actor=SYSTEM, grid=world.grid1, name="测试便民店", credit_code="91410403MA0000001Q")
    hazard_report(
        actor=SYSTEM,
        type=HazardType.objects.get(key="fire"),
        title="楼道堆放杂物",
        owner_name="物业",
        owner_phone="13800003333",
        building=building,
    )
    submission_create(
        actor=SYSTEM,
        template=FormTemplate.objects.get(key="household_check"),
        household=household,
        answers={"entered": "是", "occupants": 3, "use": "自住", "has_problem": "否"},
    )


def _load_schema() -> Any:
    """The schema as the running application serves it (no database needed to render it)."""
    from config.wsgi import application

    # Schema examples and random (fuzzing) cases; the exhaustive boundary phase ("coverage") would take
    # minutes over ~30 operations and belongs in a separate, longer run.
    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)
    # The token exchange is exercised in test_auth_and_limits; fuzzing it would only count login failures.
    return schema.exclude(path="/api/auth/token/")


# Loaded at collection, so each operation is a test of its own (pytest 9 has no lazy per-operation ids).
fuzzed = _load_schema()


@fuzzed.parametrize()
@hypothesis.settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, fuzz_world: SimpleNamespace) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_world.token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
