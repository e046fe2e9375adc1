"""Training the classifier from the platform's own closed cases, and the demo's classifier step."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.core.actors import SYSTEM
from wangge.demo.history import generate_history
from wangge.demo.services import DemoOptions, demo_classifier_seed
from wangge.intel import services
from wangge.intel.models import ClassifierModel
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world: SimpleNamespace) -> SimpleNamespace:
    generate_history(district=world.district, count=80, seed=3)
    return world


def test_the_table_holds_closed_categorised_cases_labelled_by_code(history: SimpleNamespace) -> None:
    table = services.training_table_from_cases(district=history.district, min_per_class=1)

    closed = WorkOrder.objects.filter(status="closed", category__isnull=False, parent__isnull=True)
    assert len(table.texts) == closed.count() > 0
    assert table.labels is not None and set(table.labels) == set(closed.values_list("category__code", flat=True))
    first = closed.order_by("pk").first()
    assert first is not None and table.texts[0] == (first.title, first.description)


def test_rare_categories_are_left_out(history: SimpleNamespace) -> None:
    table = services.training_table_from_cases(district=history.district, min_per_class=5)

    assert table.labels is not None
    assert all(table.labels.count(code) >= 5 for code in set(table.labels))


def test_the_command_trains_and_activates_a_model_from_cases(history: SimpleNamespace, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "classifier", "train", "--from-cases", "--district", "410403", "--out", str(tmp_path / "m.joblib"),
        "--activate", "--jobs", "1", stdout=out,
    )  # fmt: skip

    assert "closed cases in" in out.getvalue() and (tmp_path / "m.joblib").exists()
    active = ClassifierModel.objects.get(is_active=True)
    assert set(active.labels) <= set(WorkOrder.objects.values_list("category__code", flat=True))


def test_the_command_wants_exactly_one_source(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="二选一"):
        call_command("classifier", "train", "--out", str(tmp_path / "m.joblib"))


def test_the_command_refuses_without_enough_cases(world: SimpleNamespace, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不足"):
        call_command("classifier", "train", "--from-cases", "--out", str(tmp_path / "m.joblib"))
    assert not ClassifierModel.objects.exists()


def test_the_demo_step_activates_one_model_and_leaves_it_on_rerun(history: SimpleNamespace) -> None:
    services.forget_active_model()
    first = demo_classifier_seed(actor=SYSTEM, options=DemoOptions())
    second = demo_classifier_seed(actor=SYSTEM, options=DemoOptions())

    assert (first.created, second.created, second.unchanged) == (1, 0, 1)
    assert ClassifierModel.objects.filter(is_active=True).count() == ClassifierModel.objects.count() == 1
    assert services.active_model() is not None
    services.forget_active_model()


def test_the_demo_classifier_is_judged_on_the_dispatches_it_never_saw(history: SimpleNamespace) -> None:
    from wangge.intel import selectors
    from wangge.intel.models import SuggestionRecord

    services.forget_active_model()
    result = demo_classifier_seed(actor=SYSTEM, options=DemoOptions())

    active = ClassifierModel.objects.get(is_active=True)
    cutoff = dt.datetime.fromisoformat(active.metrics["trained_until"])
    rows = SuggestionRecord.objects.filter(step="dispatch")
    assert rows.exists() and any("judged" in note for note in result.notes), result.notes
    assert all(r.at >= cutoff and r.classifier == active for r in rows)
    assert rows.count() == WorkOrder.objects.filter(dispatched_at__gte=cutoff, parent__isnull=True).count()
    months = selectors.monthly_accuracy(selectors.records_for(history.leader))
    assert sum(m.changed for m in months) == rows.filter(top1_hit=False).count() > 0  # changed categories counted
    services.forget_active_model()
