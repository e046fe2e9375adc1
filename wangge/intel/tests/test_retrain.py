"""The monthly retrain: a challenger trained on the closed cases before the month, with the category tree as
taxonomy, replaces the active classifier only when it scores higher on the month's closed cases; both figures
and the decision are kept with the model version. Also the schedule entry and the command."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from wangge.core.actors import SYSTEM
from wangge.intel import retrain, services, textclf
from wangge.intel.choices import RetrainDecision
from wangge.intel.models import ClassifierModel, ClassifierRetrain
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.tests.conftest import local, new_case

pytestmark = pytest.mark.django_db

FAST = textclf.Params(embedding_dim=8, calibration_folds=3, min_df=2, pseudo_ratio=0.0)
AS_CODES = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
WRONG = {"环境保护": "S0301", "交通运输": "S0501", "教育文体": "S0201"}
JUNE = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    services.forget_active_model()
    yield
    services.forget_active_model()


def _closed(w: SimpleNamespace, texts: list[tuple[str, str]], labels: list[str], closed_at: dt.datetime) -> None:
    categories = {c.code: c for c in Category.objects.filter(code__in=AS_CODES.values(), category_set__is_active=True)}
    for (title, body), label in zip(texts, labels, strict=True):
        wo = new_case(w, category=categories[AS_CODES[label]], title=title, description=body, at=closed_at)
        WorkOrder.objects.filter(pk=wo.pk).update(status="closed", closed_at=closed_at)


@pytest.fixture
def history(world: SimpleNamespace) -> SimpleNamespace:
    """Eight closed cases per category in May, four in June (the month neither model trained on)."""
    texts, labels = dataset(8, seed=11)
    _closed(world, texts, labels, local(2025, 5, 12, 10, 0))
    texts, labels = dataset(4, seed=12)
    _closed(world, texts, labels, local(2025, 6, 10, 10, 0))
    return world


def _champion(mapping: dict[str, str]) -> ClassifierModel:
    texts, labels = dataset(20, seed=7)
    model = textclf.train(texts, [mapping[label] for label in labels], params=FAST)
    return services.classifier_register(actor=SYSTEM, path_or_model=model, activate=True, name="champion")


def test_a_better_champion_is_kept_and_both_figures_are_stored(history: SimpleNamespace) -> None:
    champion = _champion(AS_CODES)

    row = retrain.retrain(actor=SYSTEM, month=JUNE, params=FAST, min_test=6)

    assert row.decision == RetrainDecision.KEPT
    assert (row.n_train, row.n_test) == (24, 12)
    assert row.champion_macro_f1 is not None and row.challenger_macro_f1 is not None
    assert row.champion_macro_f1 >= row.challenger_macro_f1 and row.champion_macro_f1 > 0.9
    assert ClassifierModel.objects.get(is_active=True) == champion
    challenger = row.challenger
    assert challenger is not None and not challenger.is_active and challenger.version == row.challenger_version
    assert challenger.metrics["retrain"]["decision"] == "kept"
    assert challenger.metrics["retrain"]["champion_macro_f1"] == round(row.champion_macro_f1, 4)
    assert challenger.metrics["trained_until"].startswith("2025-06-01T00:00:00")
    assert challenger.metrics["taxonomy_classes"] == 3  # the category tree gave each class its keywords


def test_a_worse_champion_is_replaced_by_the_challenger(history: SimpleNamespace) -> None:
    champion = _champion(WRONG)  # every class learnt under another's code

    row = retrain.retrain(actor=SYSTEM, month=JUNE, params=FAST, min_test=6)

    assert row.decision == RetrainDecision.REPLACED
    assert row.champion_version == champion.version and row.champion_macro_f1 == 0.0
    assert row.challenger_macro_f1 is not None and row.challenger_macro_f1 > 0.6
    active = ClassifierModel.objects.get(is_active=True)
    assert active == row.challenger and active.metrics["retrain"]["decision"] == "replaced"
    assert services.active_model() is not None and services.active_model().version == active.version  # type: ignore[union-attr]


def test_a_champion_that_trained_on_the_month_is_not_compared_and_stays(history: SimpleNamespace) -> None:
    champion = _champion(WRONG)
    champion.metrics = {**champion.metrics, "trained_until": local(2025, 6, 20).isoformat()}
    champion.save(update_fields=["metrics"])

    row = retrain.retrain(actor=SYSTEM, month=JUNE, params=FAST, min_test=6)

    assert row.decision == RetrainDecision.KEPT and row.champion_macro_f1 is None and row.note
    assert ClassifierModel.objects.get(is_active=True) == champion


def test_a_month_is_retrained_once_and_too_little_data_trains_nothing(history: SimpleNamespace) -> None:
    first = retrain.retrain(actor=SYSTEM, month=JUNE, params=FAST, min_test=6)
    again = retrain.retrain(actor=SYSTEM, month=JUNE, params=FAST, min_test=6)
    july = retrain.retrain(actor=SYSTEM, month=dt.date(2025, 7, 1), params=FAST, min_test=6)

    assert first.decision == RetrainDecision.NO_CHAMPION and again.pk == first.pk
    assert first.challenger is not None and first.challenger.is_active
    assert july.decision == RetrainDecision.TOO_FEW and july.challenger is None and july.n_test == 0
    assert ClassifierRetrain.objects.count() == 2 and ClassifierModel.objects.count() == 1


def test_the_last_complete_month_is_the_default(db: None) -> None:
    assert retrain.previous_month(local(2025, 7, 1, 0, 30)) == JUNE
    assert retrain.previous_month(local(2025, 1, 15)) == dt.date(2024, 12, 1)


def test_the_command_and_the_schedule_run_the_retrain(world: SimpleNamespace) -> None:
    from wangge.intel.tasks import retrain_classifier

    out = io.StringIO()
    call_command("classifier", "retrain", "--month", "2025-06", stdout=out)
    done = retrain_classifier.call()  # the scheduled task: the last complete month, once

    assert "retrain 2025-06: too_few" in out.getvalue()
    assert done == {"month": retrain.previous_month().isoformat(), "decision": "too_few"}
    assert retrain_classifier.call() == done and ClassifierRetrain.objects.count() == 2
