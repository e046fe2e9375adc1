"""The settled 阶梯晋级 moves the grid workers' persistent ladder levels (``wangge.workforce``), once per month."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.accounts.choices import Role
from wangge.core.errors import NotFound
from wangge.reports import services
from wangge.reports.models import Assessment
from wangge.workforce.choices import LadderMove
from wangge.workforce.models import LadderChange, WorkerProfile
from wangge.workorders.tests.conftest import _user, local

JULY = local(2025, 7, 1, 9, 0)


@pytest.fixture
def staff(world: SimpleNamespace, settings: Any) -> SimpleNamespace:
    settings.WANGGE_ASSESSMENT_AUTO_ITEMS = {
        "on_time_verification": {"label": "按时核查回访", "points": 65, "target": 1.0, "when_empty": "full"}
    }
    settings.WANGGE_ASSESSMENT_MANUAL_ITEMS = [{"key": "work", "label": "日常工作", "points": 35}]
    settings.WANGGE_LADDER_PROPORTION = 0.5  # two grid workers in the street → one promotion
    world.community_staff = _user("sq", Role.COMMUNITY_STAFF, territory=world.community)
    world.street_staff = _user("jd", Role.STREET_STAFF, territory=world.street)
    return world


def _confirmed(w: SimpleNamespace, worker: Any, score: int) -> Assessment:
    a = services.assessment_prepare(actor=w.community_staff, worker=worker, year=2025, month=6, now=JULY)
    services.assessment_score(actor=w.community_staff, assessment_id=a.pk, manual={"work": score}, now=JULY)
    return services.assessment_confirm(actor=w.street_staff, assessment_id=a.pk, now=JULY)


def test_the_settled_ladder_moves_the_promoted_workers_level_once(staff: SimpleNamespace) -> None:
    # given two confirmed June assessments
    _confirmed(staff, staff.worker, 20)
    best = _confirmed(staff, staff.other_worker, 30)
    # when the street settles the ladder, twice
    services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    services.assessment_ladder(actor=staff.street_staff, street=staff.street, year=2025, month=6)
    # then the best worker is one level up, with the month in the history, and nobody moved twice
    levels = dict(WorkerProfile.objects.values_list("user__username", "ladder_level"))
    assert levels == {"other_worker": 2, "worker": 1}
    row = LadderChange.objects.get(worker=staff.other_worker)
    assert (row.month.isoformat(), row.from_level, row.to_level, row.move) == ("2025-06-01", 1, 2, LadderMove.PROMOTED)
    assert (row.assessment_id, row.score, row.street_rank) == (best.pk, best.total, 1)
    assert LadderChange.objects.count() == 2


def test_a_refused_ladder_moves_no_level(staff: SimpleNamespace) -> None:
    _confirmed(staff, staff.worker, 30)
    with pytest.raises(NotFound):  # community staff do not even see the street's ladder
        services.assessment_ladder(actor=staff.community_staff, street=staff.street, year=2025, month=6)
    assert not LadderChange.objects.exists() and not WorkerProfile.objects.exists()
