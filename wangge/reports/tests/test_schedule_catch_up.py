"""Scheduled bulletins catch up: a day the runner missed is generated afterwards, once, as of the day's end."""

from __future__ import annotations

from types import SimpleNamespace

from wangge.reports.models import Bulletin
from wangge.reports.tasks import due_bulletin_runs, run_due_bulletins
from wangge.workorders.tests.conftest import local

SCOPES = ["410403", "410403001", "410411"]


def test_days_the_runner_missed_are_generated_the_next_time_it_runs(world: SimpleNamespace) -> None:
    run_due_bulletins(local(2025, 6, 9, 17, 31))  # the schedule ran on the 9th, then the runner was down

    runs = due_bulletin_runs(local(2025, 6, 12, 8, 0))  # the 12th, before the bulletin time

    assert [(r.date.isoformat(), r.scope_code) for r in runs] == [
        (day, code) for day in ("2025-06-10", "2025-06-11") for code in SCOPES
    ]
    assert run_due_bulletins(local(2025, 6, 12, 8, 0)) == {"generated": 6, "failed": 0}
    missed = Bulletin.objects.get(date=local(2025, 6, 11).date(), scope_code="410403")
    assert missed.data["as_of"].startswith("2025-06-12T00:00")  # the whole day, as of its end
    assert due_bulletin_runs(local(2025, 6, 12, 8, 1)) == []  # once


def test_a_new_installation_owes_no_past_days(world: SimpleNamespace) -> None:
    assert due_bulletin_runs(local(2025, 6, 12, 8, 0)) == []


def test_catching_up_is_limited_to_the_configured_days(world: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_BULLETIN_CATCH_UP_DAYS = 1
    run_due_bulletins(local(2025, 6, 1, 17, 31))

    runs = due_bulletin_runs(local(2025, 6, 12, 8, 0))

    assert {r.date.isoformat() for r in runs} == {"2025-06-11"}
