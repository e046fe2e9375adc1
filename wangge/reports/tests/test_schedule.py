"""Scheduled bulletins: nothing before the bulletin time, every scope once after it, idempotent re-runs."""

from __future__ import annotations

from types import SimpleNamespace

from freezegun import freeze_time

from wangge.core.actors import SYSTEM
from wangge.reports.models import Bulletin
from wangge.reports.services import bulletin_generate
from wangge.reports.tasks import (
    BulletinRun,
    due_bulletin_runs,
    generate_daily_bulletins,
    generate_due_bulletins,
    run_due_bulletins,
)
from wangge.workorders.tests.conftest import local

SCOPES = ["410403", "410403001", "410411"]  # both districts and the street, in tree order


def test_nothing_is_due_before_the_bulletin_time(world: SimpleNamespace) -> None:
    assert due_bulletin_runs(local(2025, 6, 11, 17, 29)) == []
    assert run_due_bulletins(local(2025, 6, 11, 17, 29)) == {"generated": 0, "failed": 0}
    assert not Bulletin.objects.exists()


def test_every_scheduled_scope_is_due_after_the_time(world: SimpleNamespace) -> None:
    runs = due_bulletin_runs(local(2025, 6, 11, 17, 30))
    assert [(r.date.isoformat(), r.scope_code) for r in runs] == [("2025-06-11", code) for code in SCOPES]
    assert isinstance(runs[0], BulletinRun)


def test_runs_once_a_day_then_nothing_is_due(world: SimpleNamespace) -> None:
    assert run_due_bulletins(local(2025, 6, 11, 17, 31)) == {"generated": 3, "failed": 0}
    assert due_bulletin_runs(local(2025, 6, 11, 17, 32)) == []
    assert run_due_bulletins(local(2025, 6, 11, 23, 59)) == {"generated": 0, "failed": 0}
    assert Bulletin.objects.count() == 3
    assert len(due_bulletin_runs(local(2025, 6, 12, 17, 30))) == 3  # the next day is due again


def test_a_bulletin_made_in_the_morning_does_not_count(world: SimpleNamespace) -> None:
    bulletin_generate(actor=SYSTEM, date=local(2025, 6, 11).date(), scope_code="410403", now=local(2025, 6, 11, 10))
    assert [r.scope_code for r in due_bulletin_runs(local(2025, 6, 11, 17, 45))] == SCOPES
    run_due_bulletins(local(2025, 6, 11, 17, 45))
    assert Bulletin.objects.count() == 3  # the morning row was updated in place


def test_time_and_levels_are_configurable(world: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_BULLETIN_TIME = "08:00"
    settings.WANGGE_BULLETIN_KINDS = ["district"]
    assert [r.scope_code for r in due_bulletin_runs(local(2025, 6, 11, 8, 0))] == ["410403", "410411"]


def test_tasks_through_the_task_framework(world: SimpleNamespace) -> None:
    result = generate_daily_bulletins.enqueue("2025-06-11")
    assert result.return_value == {"generated": 3, "failed": 0}
    with freeze_time("2025-06-12 09:40:00"):  # 17:40 in Asia/Shanghai
        assert generate_due_bulletins.enqueue().return_value == {"generated": 3, "failed": 0}
        assert generate_due_bulletins.enqueue().return_value == {"generated": 0, "failed": 0}
    assert Bulletin.objects.count() == 6


def test_a_failing_scope_does_not_hold_up_the_others(world: SimpleNamespace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given the street's bulletin breaks on an unexpected error
    from wangge.reports import tasks

    real = tasks.bulletin_generate

    def flaky(**kw):  # type: ignore[no-untyped-def]
        if kw["scope_code"] == "410403001":
            raise RuntimeError("boom")
        return real(**kw)

    monkeypatch.setattr(tasks, "bulletin_generate", flaky)

    # when the schedule runs, the districts are still generated and the street is due again next time
    assert run_due_bulletins(local(2025, 6, 11, 17, 31)) == {"generated": 2, "failed": 1}
    assert sorted(Bulletin.objects.values_list("scope_code", flat=True)) == ["410403", "410411"]
    assert [r.scope_code for r in due_bulletin_runs(local(2025, 6, 11, 17, 32))] == ["410403001"]


def test_last_months_assessments_are_drafted_once_for_every_grid_worker(world: SimpleNamespace) -> None:
    from wangge.reports.models import Assessment
    from wangge.reports.tasks import run_monthly_assessment_drafts

    first = run_monthly_assessment_drafts(local(2025, 7, 1, 9, 0))
    again = run_monthly_assessment_drafts(local(2025, 7, 1, 10, 0))

    drafts = Assessment.objects.all()
    assert first == {"drafted": 2, "failed": 0} and again == {"drafted": 0, "failed": 0}
    assert {a.worker.username for a in drafts} == {"worker", "other_worker"}
    assert {(a.period.isoformat(), a.status) for a in drafts} == {("2025-06-01", "draft")}
