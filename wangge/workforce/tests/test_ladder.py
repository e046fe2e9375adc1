"""阶梯晋级: the persistent ladder level moves once per settled month, idempotently, and the pay formula."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import PermissionDenied
from wangge.core.models import AuditEntry
from wangge.workforce import selectors
from wangge.workforce.choices import LadderMove, RecordKind
from wangge.workforce.models import LadderChange, WorkerProfile, WorkerRecord
from wangge.workforce.services import MonthOutcome, ladder_settle
from wangge.workforce.tests.factories import WorkerRecordFactory

JUNE = dt.date(2025, 6, 1)


def outcome(w: SimpleNamespace, worker: Any, *, total: str = "90", promoted: bool = False, **kw: Any) -> MonthOutcome:
    grade = "unqualified" if Decimal(total) <= 70 else "reward" if Decimal(total) >= 80 else "qualified"
    return MonthOutcome(
        worker_id=worker.pk,
        grid_id=w.grid_a1.pk,
        assessment_id=kw.pop("assessment_id", 100 + worker.pk),
        total=Decimal(total),
        grade=grade,
        grade_label={"reward": "积分定优", "qualified": "合格", "unqualified": "不合格"}[grade],
        unqualified=grade == "unqualified",
        promoted=promoted,
        street_rank=kw.pop("street_rank", 1),
    )


def test_a_promoted_worker_goes_up_a_level_and_the_history_shows_it(w: SimpleNamespace) -> None:
    result = ladder_settle(
        actor=w.street_staff,
        street=w.street_a,
        month=JUNE,
        outcomes=[outcome(w, w.worker, promoted=True), outcome(w, w.peer, total="75", street_rank=2)],
    )
    assert (result.created, result.revised, result.unchanged) == (2, 0, 0)
    w.profile.refresh_from_db()
    w.peer_profile.refresh_from_db()
    assert (w.profile.ladder_level, w.peer_profile.ladder_level) == (2, 1)
    row = selectors.ladder_history(w.profile).get()
    assert (row.month, row.from_level, row.to_level, row.move, row.score) == (
        JUNE,
        1,
        2,
        LadderMove.PROMOTED,
        Decimal("90"),
    )
    assert row.assessment_id == 100 + w.worker.pk and row.settled_by == w.street_staff
    award = WorkerRecord.objects.get(ladder_change=row)
    assert (award.kind, award.title, award.date) == (RecordKind.AWARD, "优秀网格员", JUNE)
    assert selectors.ladder_history(w.peer_profile).get().move == LadderMove.KEPT
    assert AuditEntry.objects.filter(action="workforce.ladder_settle").count() == 2


def test_settling_the_same_month_again_changes_nothing(w: SimpleNamespace) -> None:
    outcomes = [outcome(w, w.worker, promoted=True)]
    ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=outcomes)
    again = ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=outcomes)
    assert (again.created, again.revised, again.unchanged) == (0, 0, 1)
    w.profile.refresh_from_db()
    assert w.profile.ladder_level == 2
    assert LadderChange.objects.count() == 1 and WorkerRecord.objects.count() == 1


def test_a_re_ranked_month_is_revised_not_added(w: SimpleNamespace) -> None:
    ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, promoted=True)])
    result = ladder_settle(
        actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, promoted=False)]
    )
    assert result.revised == 1
    w.profile.refresh_from_db()
    row = LadderChange.objects.get()
    assert (w.profile.ladder_level, row.from_level, row.to_level, row.move) == (1, 1, 1, LadderMove.KEPT)
    assert not WorkerRecord.objects.exists()  # the award went with the promotion


def test_months_build_on_each_other_up_to_the_top_level(w: SimpleNamespace) -> None:
    for month in range(1, 8):
        ladder_settle(
            actor=w.street_staff,
            street=w.street_a,
            month=dt.date(2025, month, 1),
            outcomes=[outcome(w, w.worker, promoted=True)],
        )
    w.profile.refresh_from_db()
    assert w.profile.ladder_level == 5
    last = selectors.ladder_history(w.profile).first()
    assert last is not None and (last.from_level, last.to_level, last.move) == (5, 5, LadderMove.KEPT)


@pytest.mark.parametrize(("demote", "level"), [(False, 3), (True, 2)])
def test_an_unqualified_month_demotes_only_when_configured(
    w: SimpleNamespace, settings: Any, demote: bool, level: int
) -> None:
    settings.WANGGE_WORKFORCE_DEMOTE_UNQUALIFIED = demote
    WorkerProfile.objects.filter(pk=w.profile.pk).update(ladder_level=3)
    ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, total="65")])
    w.profile.refresh_from_db()
    assert w.profile.ladder_level == level


def test_level_names_are_configurable(w: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_WORKFORCE_LADDER_LEVELS = [
        {"name": "见习", "coefficient": "1"},
        {"name": "骨干", "coefficient": "1.2"},
    ]
    for month in (5, 6, 7):
        ladder_settle(
            actor=w.street_staff,
            street=w.street_a,
            month=dt.date(2025, month, 1),
            outcomes=[outcome(w, w.worker, promoted=True)],
        )
    w.profile.refresh_from_db()
    assert (w.profile.ladder_level, selectors.level_label(w.profile.ladder_level)) == (2, "骨干")


@pytest.mark.parametrize("who", ["community_staff", "worker", "other_street", "stranger"])
def test_only_the_streets_staff_settle_its_ladder(w: SimpleNamespace, who: str) -> None:
    with pytest.raises(PermissionDenied):
        ladder_settle(
            actor=getattr(w, who), street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, promoted=True)]
        )
    w.profile.refresh_from_db()
    assert w.profile.ladder_level == 1 and not LadderChange.objects.exists()


def test_a_worker_without_a_profile_gets_one(w: SimpleNamespace) -> None:
    w.profile.delete()
    ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, promoted=True)])
    p = WorkerProfile.objects.get(user=w.worker)
    assert (p.ladder_level, p.grid, p.route) == (2, w.grid_a1, "")


# --- 绩效工资 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "kind", "score", "expected"),
    [
        # 1500 × 1.00 × 1 + 1000 × (90 − 60) / 40 × 1 = 1500 + 750
        (1, "full_time", "90", ("1500.00", "750.00", "2250.00")),
        # 1500 × 1.20 × 0.5 + 1000 × 1 × 0.5
        (3, "part_time", "100", ("900.00", "500.00", "1400.00")),
        # at or below the floor: no score part
        (2, "full_time", "55", ("1650.00", "0.00", "1650.00")),
        (1, "full_time", None, (None, None, None)),
    ],
)
def test_the_pay_formula(db: Any, level: int, kind: str, score: str | None, expected: tuple[Any, ...]) -> None:
    got = selectors.pay_amount(level=level, kind=kind, score=Decimal(score) if score else None)
    assert got == tuple(Decimal(x) if x is not None else None for x in expected)


def test_the_pay_formula_is_configurable(db: Any, settings: Any) -> None:
    settings.WANGGE_WORKFORCE_PAY = {"base": "2000", "score_part": "500", "score_floor": "80"}
    assert selectors.pay_amount(level=1, kind="full_time", score=Decimal("90")) == (
        Decimal("2000.00"),
        Decimal("250.00"),
        Decimal("2250.00"),
    )


def test_the_months_pay_reads_the_settled_score_the_level_held_and_the_records(w: SimpleNamespace) -> None:
    ladder_settle(actor=w.street_staff, street=w.street_a, month=JUNE, outcomes=[outcome(w, w.worker, promoted=True)])
    WorkerRecordFactory.create(worker=w.worker, grid=w.grid_a1, amount=Decimal("200"), date=dt.date(2025, 6, 10))
    WorkerRecordFactory.create(worker=w.worker, grid=w.grid_a1, amount=Decimal("999"), date=dt.date(2025, 7, 1))
    lines = {
        line.profile.user_id: line for line in selectors.monthly_pay(WorkerProfile.objects.filter(grid=w.grid_a1), JUNE)
    }
    mine = lines[w.worker.pk]
    # the level held during June (1, before the promotion), the settled 90, the June reward of 200
    assert (mine.level, mine.score, mine.records_part, mine.total) == (
        1,
        Decimal("90"),
        Decimal("200"),
        Decimal("2450.00"),
    )
    assert lines[w.peer.pk].total is None  # no settled score: 待评定
