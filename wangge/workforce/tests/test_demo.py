"""The demo's workforce step: profiles for every grid worker, 五长一员 on 华西社区's grids, 下沉 staff, special tasks
(one overdue), eighteen settled months with their awards, rewards and penalties; once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from wangge.demo import workforce as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.workforce import rules, selectors
from wangge.workforce.choices import RecordKind
from wangge.workforce.models import (
    LadderChange,
    RoleAssignment,
    SpecialTask,
    SunkStaff,
    WorkerProfile,
    WorkerRecord,
)


def test_the_demo_seeds_the_workforce_once(w: SimpleNamespace, monkeypatch: Any) -> None:
    # given the test district under 卫东区's code, its grid workers without profiles
    monkeypatch.setattr(demo, "SHARE", demo.Decimal("0.5"))
    WorkerProfile.objects.all().delete()
    # when the step runs
    created, _unchanged = demo.workforce_seed(actor=DEMO_ACTOR, options=None)
    # then every grid worker has a profile with a route, and eighteen settled months
    profiles = WorkerProfile.objects.all()
    assert profiles.count() == 4 and all(p.route and p.is_synthetic for p in profiles)
    assert LadderChange.objects.count() == 4 * demo.MONTHS
    promoted = LadderChange.objects.filter(promoted=True).count()
    assert promoted > 0
    assert WorkerRecord.objects.filter(kind=RecordKind.AWARD, title="优秀网格员").count() == promoted
    for p in profiles:
        last = selectors.ladder_history(p).first()
        assert last is not None and last.to_level == p.ladder_level
    # 五长一员 on the grids of 华西社区 (the test tree's community A), 下沉 staff, tasks with one overdue
    assert set(RoleAssignment.objects.values_list("grid__code", flat=True)) == {w.grid_a1.code, w.grid_a2.code}
    assert SunkStaff.objects.filter(unit=w.dept).exists()
    tasks = SpecialTask.objects.all()
    assert tasks.count() == len(demo.TASKS) and tasks.filter(rules.overdue_q()).count() >= 1
    assert created > 0
    # and a second run creates nothing
    again, unchanged = demo.workforce_seed(actor=DEMO_ACTOR, options=None)
    assert again == 0 and unchanged > 0
