"""Intake suggestions through the API: for a saved case and for an appeal not yet registered."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.api.tests.conftest import local, new_case
from wangge.core.actors import SYSTEM
from wangge.intel import services, textclf
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.workorders.models import WorkOrder

TEXT = "小区东门外有人长期排放废水，河道有异味，严重影响居民生活，请环保局尽快处理。"


@pytest.fixture
def active_classifier(db: Any) -> Any:
    texts, labels = dataset(20, seed=7)
    codes = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
    model = textclf.train(texts, [codes[x] for x in labels], params=textclf.Params(embedding_dim=8, min_df=2))
    services.forget_active_model()
    services.classifier_register(actor=SYSTEM, path_or_model=model, activate=True)
    yield model
    services.forget_active_model()


def test_a_case_answers_its_category_unit_and_duplicates(
    world: SimpleNamespace, client_for: Any, active_classifier: Any
) -> None:
    earlier = new_case(world, category=None, title="河道排放废水", description=TEXT, at=local(2025, 6, 2, 9))
    wo = new_case(world, category=None, title="河道排放废水", description=TEXT)

    response = client_for(world.dispatcher).get(f"/api/work-orders/{wo.pk}/suggestions/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["classifier"] is True and body["confident"] is True
    assert body["category"]["code"] == "S0201" and body["categories"][0]["label"] == "S0201"
    assert body["categories"][0]["confidence"] >= body["threshold"]
    assert body["unit"]["id"] == world.dept2.pk
    assert [d["tracking_code"] for d in body["duplicates"]] == [earlier.tracking_code]


def test_a_case_out_of_scope_answers_not_found(world: SimpleNamespace, client_for: Any) -> None:
    wo = new_case(world)

    response = client_for(world.stranger).get(f"/api/work-orders/{wo.pk}/suggestions/")

    assert response.status_code == 404


def test_an_appeal_before_registration_gets_suggestions_and_nothing_is_written(
    world: SimpleNamespace, client_for: Any, active_classifier: Any
) -> None:
    new_case(world, category=None, title="河道排放废水", description=TEXT, at=local(2025, 6, 2, 9))
    before = WorkOrder.objects.count()

    response = client_for(world.caller).post(
        "/api/intake/suggestions/",
        {"title": "河道排放废水", "description": TEXT, "district": "410403", "address": "测试街道测试社区二网格东门"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["category"]["code"] == "S0201" and body["unit"]["code"] == "sthj"
    assert body["address_match"]["territory"]["code"] == world.grid2.code
    assert WorkOrder.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x"}, "description"),
        ({"description": "河道排放废水", "lng": 113.01}, "lat"),
        ({"description": "河道排放废水"}, "district"),
    ],
)
def test_bad_suggestion_requests_are_rejected_with_the_field(
    world: SimpleNamespace, client_for: Any, payload: dict[str, Any], field: str
) -> None:
    response = client_for(world.caller).post("/api/intake/suggestions/", payload, format="json")

    assert response.status_code == 400
    assert field in response.content.decode()


def test_a_district_out_of_scope_reads_like_a_missing_one(world: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.stranger)

    outside = client.post(
        "/api/intake/suggestions/", {"description": "河道排放废水", "district": "410403"}, format="json"
    )
    missing = client.post(
        "/api/intake/suggestions/", {"description": "河道排放废水", "district": "999999"}, format="json"
    )

    assert outside.status_code == missing.status_code == 400
    same = outside.content.decode().replace("410403", "999999")
    assert same == missing.content.decode()


def test_anonymous_requests_are_refused(world: SimpleNamespace, client_for: Any) -> None:
    response = client_for(None).post(
        "/api/intake/suggestions/", {"description": "河道排放废水", "district": "410403"}, format="json"
    )

    assert response.status_code in (401, 403)
