"""The ``demo`` command is all or nothing: a step failing late leaves the database as it was, and a re-run builds."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command

from wangge.demo import services
from wangge.intel.models import ClassifierModel
from wangge.reports.models import PatrolCheckin
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

CASES = "120"  # enough closed cases for the classifier step (12 are calls awaiting dispatch), few enough to be quick


class InjectedFailure(Exception):
    pass


def database() -> dict[str, Any]:
    """Every managed table's row count, and the latest change of the tables that record one."""
    state: dict[str, Any] = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        rows = model._base_manager.order_by()
        state[model._meta.label] = rows.count()
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            state[f"{model._meta.label}.updated_at"] = sorted(rows.values_list("updated_at", flat=True))
    return state


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--cases", CASES, stdout=out)
    return out.getvalue()


@pytest.fixture
def quick_patrols(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patrol records over a few days rather than weeks (the step is the same)."""
    monkeypatch.setattr(services, "DEMO_PATROL_DAYS", 4)


def fail_supervision(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, services.Step]]:
    """Make the last step fail, after every other step has written its rows (and the classifier its file);
    returns the steps as they were."""

    def fail(**_kwargs: Any) -> services.StepResult:
        raise InjectedFailure("supervision")

    steps = list(services.DEMO_STEPS)
    assert steps[-1][0] == "supervision"
    monkeypatch.setattr(services, "DEMO_STEPS", [*steps[:-1], ("supervision", fail)])
    return steps


def step_row(output: str, name: str) -> list[str]:
    """The command's table row of one step: name, created, updated, unchanged, seconds, notes."""
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [name])


def stored_files() -> set[str]:
    try:
        return set(default_storage.listdir("classifiers")[1])
    except FileNotFoundError:
        return set()


@pytest.mark.usefixtures("quick_patrols")
def test_a_late_failure_leaves_the_database_as_it_was_and_a_rerun_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a database with the demo's first steps built (a run without cases), and its state
    call_command("demo", stdout=io.StringIO())
    assert not PatrolCheckin.objects.exists()
    raised = WorkOrder.objects.filter(district__code="410403").count()  # by the field modules' demo steps
    before, files_before = database(), stored_files()

    # when a run with cases fails in its last step, after the cases, the classifier and the patrols
    steps = fail_supervision(monkeypatch)
    with pytest.raises(InjectedFailure):
        run_demo()

    # then nothing it wrote is kept: no row added, removed or changed, and no classifier file left behind
    assert database() == before
    assert not PatrolCheckin.objects.exists()
    assert stored_files() == files_before

    # and when the failure is gone, the same run builds everything
    monkeypatch.setattr(services, "DEMO_STEPS", steps)
    output = run_demo()
    # the history brings 卫东区 up to CASES cases, counting those the field modules' demo raised in the first run
    assert int(step_row(output, "cases")[1]) == int(CASES) - raised, output
    assert PatrolCheckin.objects.exists()
    assert ClassifierModel.objects.filter(is_active=True).count() == 1, output
    assert step_row(output, "supervision")


@pytest.mark.usefixtures("quick_patrols")
def test_a_failure_on_an_empty_database_leaves_it_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    before = database()
    fail_supervision(monkeypatch)

    with pytest.raises(InjectedFailure):
        run_demo()

    assert database() == before
