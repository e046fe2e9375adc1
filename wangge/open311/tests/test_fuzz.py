"""Generated requests against Open311 (it is not in the OpenAPI schema, so schemathesis does not reach it):
whatever a client sends, the answer is a success or the spec's error body with a 4xx status, never a
server error, and a refused POST writes nothing. Bounded and derandomized, like the API's fuzzing run."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from wangge.open311.choices import Datatype
from wangge.open311.models import ServiceAttribute, Submission
from wangge.open311.tests.conftest import BASE, assert_error, json_body, valid_post
from wangge.workorders.models import Event, WorkOrder

pytestmark = pytest.mark.django_db

SETTINGS = hypothesis.settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)

# Any text a client can encode (surrogates cannot be sent as UTF-8), control characters and NUL included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=33.0, max_value=33.1).map(str),
    st.floats(min_value=113.0, max_value=113.1).map(str),
    TEXT,
)
DATE = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.sampled_from(["2025", "2025-06", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]),
    TEXT,
)
ERRORS = {400, 403, 404, 405, 413, 429}


def _written() -> tuple[int, int, int]:
    return WorkOrder.objects.count(), Event.objects.count(), Submission.objects.count()


# The arguments of POST requests, each with values a client might send, right or wrong (None: left out).
POST_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "api_key": st.one_of(st.none(), st.just("wg311_" + "x" * 40), TEXT),
    "jurisdiction_id": st.one_of(st.none(), st.just("410411"), TEXT),
    "service_code": st.one_of(st.none(), st.sampled_from(["E0102", "E01"]), TEXT),
    "lat": st.one_of(st.none(), NUMBER),
    "long": st.one_of(st.none(), NUMBER),
    "address_string": TEXT,
    "address_id": TEXT,
    "crs": st.one_of(st.sampled_from(["wgs84", "gcj02", "bd09"]), TEXT),
    "description": st.one_of(TEXT, st.text(min_size=3990, max_size=4010)),
    "media_url": st.one_of(st.just("https://img.example.com/a.jpg"), TEXT),
    "email": TEXT,
    "device_id": TEXT,
    "account_id": TEXT,
    "first_name": TEXT,
    "last_name": TEXT,
    "phone": TEXT,
    "appeal_type": st.one_of(st.just("consult"), TEXT),
    "attribute[size]": TEXT,
    "attribute[size][]": st.lists(TEXT, max_size=3),
}
# A valid request with up to three arguments changed, so that most examples reach the intake itself.
CHANGES = st.lists(st.one_of(*(st.tuples(st.just(k), v) for k, v in POST_FIELDS.items())), max_size=3).map(dict)


@SETTINGS
@hypothesis.given(changes=CHANGES, fmt=st.sampled_from(["json", "xml"]))
def test_post_requests_never_fails_on_the_server(api: SimpleNamespace, changes: dict[str, Any], fmt: str) -> None:
    # given a service with a numeric extra attribute, and a valid request with some arguments changed or left out
    ServiceAttribute.objects.get_or_create(
        category=api.world.category, code="size", defaults={"datatype": Datatype.NUMBER, "description": "面积"}
    )
    body = {k: v for k, v in {**valid_post(api), **changes}.items() if v is not None}
    before = _written()

    # when it is posted
    response = api.client.post(f"{BASE}requests.{fmt}", body)

    # then it is taken, or refused with the spec's error body and nothing written
    if response.status_code == 200:
        assert _written()[0] == before[0] + 1
        if fmt == "json":
            assert json_body(response)[0]["service_request_id"] == str(WorkOrder.objects.latest("pk").pk)
    else:
        assert response.status_code in ERRORS
        assert_error(response, response.status_code, fmt)
        assert _written() == before


GET_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "jurisdiction_id": st.one_of(st.none(), TEXT),
    "service_request_id": st.one_of(st.lists(st.integers(0, 10**20).map(str)).map(",".join), TEXT),
    "service_code": st.one_of(st.just("E0101,E0102"), TEXT),
    "start_date": DATE,
    "end_date": DATE,
    "status": st.one_of(st.sampled_from(["open", "closed", "open,closed"]), TEXT),
}


@SETTINGS
@hypothesis.given(
    changes=st.lists(st.one_of(*(st.tuples(st.just(k), v) for k, v in GET_FIELDS.items())), max_size=3).map(dict),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_get_requests_never_fails_on_the_server(api: SimpleNamespace, changes: dict[str, Any], fmt: str) -> None:
    params = {k: v for k, v in {"jurisdiction_id": "410403", **changes}.items() if v is not None}
    response = api.client.get(f"{BASE}requests.{fmt}", params)
    if response.status_code != 200:
        assert response.status_code in ERRORS
        assert_error(response, response.status_code, fmt)


@SETTINGS
@hypothesis.given(
    segment=st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1, max_size=20),
    resource=st.sampled_from(["services", "requests", "tokens"]),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_resource_by_id_never_fails_on_the_server(api: SimpleNamespace, segment: str, resource: str, fmt: str) -> None:
    response = api.client.get(f"{BASE}{resource}/{segment}.{fmt}", {"jurisdiction_id": "410403"})
    if response.status_code != 200:
        assert response.status_code in ERRORS
        assert_error(response, response.status_code, fmt)
