"""Learning from dispatchers: what intake and dispatch suggested and what the person chose is recorded, and the
monthly top-1 / top-3 accuracy, the unit taken and the acceptance per category are reported on the page and in
the API, within the user's territory."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from wangge.core.actors import SYSTEM
from wangge.intel import feedback, selectors, services, textclf
from wangge.intel.choices import SuggestionStep
from wangge.intel.models import SuggestionRecord
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.workorders.models import Category
from wangge.workorders.tests.conftest import act, local, new_case

pytestmark = pytest.mark.django_db

FAST = textclf.Params(embedding_dim=8, calibration_folds=3, min_df=2)
AS_CODES = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
NOISE = "小区东门外有人长期排放废水，河道有异味，严重影响居民生活，请环保局尽快处理。"
PASSWORD = "x-Passw0rd-long"


@pytest.fixture(scope="module")
def by_code() -> textclf.TrainedModel:
    texts, labels = dataset(20, seed=7)
    return textclf.train(texts, [AS_CODES[label] for label in labels], params=FAST)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    services.forget_active_model()
    yield
    services.forget_active_model()


@pytest.fixture
def active(world: SimpleNamespace, by_code: textclf.TrainedModel) -> SimpleNamespace:
    services.classifier_register(actor=SYSTEM, path_or_model=by_code, activate=True)
    world.noise = Category.objects.get(code="S0201", category_set__is_active=True)
    return world


def _dispatch(w: SimpleNamespace, at: dt.datetime, **payload: Any) -> Any:
    wo = new_case(w, category=None, title="河道排放废水", description=NOISE, at=at)
    return act(w, wo, "dispatch", "dispatcher", at + dt.timedelta(minutes=5), **payload)


def test_nothing_is_recorded_without_an_active_classifier(world: SimpleNamespace) -> None:
    wo = new_case(world)
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)

    assert not SuggestionRecord.objects.exists()


def test_intake_records_the_three_guesses_and_the_category_the_call_taker_chose(active: SimpleNamespace) -> None:
    wo = new_case(active, category=active.noise, title="河道排放废水", description=NOISE)

    row = SuggestionRecord.objects.get(work_order=wo)
    assert row.step == SuggestionStep.INTAKE and row.actor == active.caller
    assert row.suggested[0]["label"] == "S0201" and len(row.suggested) == 3
    assert row.suggested[0]["score"] >= row.suggested[1]["score"]
    assert row.suggested_category == active.noise and row.confident
    assert row.suggested_unit == active.dept2  # 噪声污染 routes to 生态环境分局
    assert row.chosen_category == active.noise and row.top1_hit is True and row.top3_hit is True
    assert row.chosen_unit is None and row.unit_hit is None  # nobody chose a unit at intake
    assert row.at == wo.received_at and row.scope_path == wo.scope_path


def test_a_dispatcher_who_changes_the_suggested_category_is_counted(active: SimpleNamespace) -> None:
    # given: one case dispatched as suggested, one with another category and unit (私搭乱建 → 城管)
    kept = _dispatch(active, local(2025, 6, 3, 9, 0), unit=active.dept2, category=active.noise)
    changed = _dispatch(active, local(2025, 6, 4, 9, 0), unit=active.dept, category=active.category)

    # then
    rows = {r.work_order_id: r for r in SuggestionRecord.objects.filter(step=SuggestionStep.DISPATCH)}
    assert (rows[kept.pk].top1_hit, rows[kept.pk].unit_hit) == (True, True)
    assert rows[changed.pk].top1_hit is False and rows[changed.pk].chosen_category == active.category
    assert rows[changed.pk].unit_hit is False and rows[changed.pk].chosen_unit == active.dept
    # the intake rows of the same cases had no category chosen: not judged
    assert set(SuggestionRecord.objects.filter(step="intake").values_list("top1_hit", flat=True)) == {None}

    month = selectors.monthly_accuracy(selectors.records_for(active.leader).filter(step="dispatch"))
    assert len(month) == 1 and month[0].month == dt.date(2025, 6, 1)
    assert (month[0].records, month[0].judged, month[0].top1, month[0].changed) == (2, 2, 1, 1)
    assert month[0].top1_rate == 0.5 and month[0].unit_rate == 0.5
    by_category = selectors.category_acceptance(selectors.records_for(active.leader))
    assert [(c.code, c.suggested, c.accepted, c.changed) for c in by_category] == [("S0201", 2, 1, 1)]


def test_a_guess_above_the_chosen_category_counts_as_right(active: SimpleNamespace) -> None:
    parent = active.noise.parent

    assert feedback.hits([parent.pk], active.noise.pk) == (True, True)
    assert feedback.hits([active.category.pk, None, parent.pk], active.noise.pk) == (False, True)
    assert feedback.hits([], active.noise.pk) == (None, None)
    assert feedback.hits([parent.pk], None) == (None, None)


def test_a_failing_record_never_stops_the_dispatch(active: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(feedback, "record", broken)

    wo = _dispatch(active, local(2025, 6, 3, 9, 0), unit=active.dept2)

    assert wo.status == "dispatched" and not SuggestionRecord.objects.exists()


def test_the_page_and_the_api_report_the_month_within_the_users_territory(active: SimpleNamespace) -> None:
    _dispatch(active, local(2025, 6, 3, 9, 0), unit=active.dept2, category=active.noise)
    _dispatch(active, local(2025, 6, 4, 9, 0), unit=active.dept, category=active.category)

    page = Client()
    page.login(username="leader", password=PASSWORD)
    response = page.get("/intel/suggestions/", {"months": "3", "step": "dispatch", "until": "2025-06"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025-06" in html and "50.0%" in html and "噪声污染" in html

    api = APIClient()
    api.force_authenticate(active.leader)
    body = api.get("/api/intel/suggestion-accuracy/", {"months": "3", "step": "dispatch", "until": "2025-06"}).json()
    assert body["months"][0]["month"] == "2025-06-01"
    assert (body["months"][0]["judged"], body["months"][0]["top1"], body["months"][0]["changed"]) == (2, 1, 1)
    assert body["categories"][0]["code"] == "S0201" and body["categories"][0]["rate"] == 0.5

    api.force_authenticate(active.stranger)  # a dispatcher of the other district sees none of it
    body = api.get("/api/intel/suggestion-accuracy/", {"months": "3", "until": "2025-06"}).json()
    assert body["months"] == [] and body["categories"] == []


def test_the_report_is_for_the_command_centre_and_leaders(active: SimpleNamespace) -> None:
    page = Client()
    page.login(username="worker", password=PASSWORD)
    assert page.get("/intel/suggestions/").status_code == 403

    api = APIClient()
    api.force_authenticate(active.worker)
    assert api.get("/api/intel/suggestion-accuracy/").status_code == 403


def test_the_report_is_linked_from_the_supervision_pages_for_those_who_may_read_it(active: SimpleNamespace) -> None:
    leader, worker = Client(), Client()
    leader.login(username="leader", password=PASSWORD)
    worker.login(username="worker", password=PASSWORD)
    assert 'href="/intel/suggestions/"' in leader.get("/reports/bulletins/").content.decode()
    assert 'href="/intel/suggestions/"' not in worker.get("/reports/bulletins/").content.decode()
