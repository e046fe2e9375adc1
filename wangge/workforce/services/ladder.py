"""阶梯晋级: the persistent ladder level of each grid worker, moved once per settled month.

The monthly assessment (一考评, ``wangge.reports``) ranks a street's confirmed assessments and marks the promoted
share; when the street settles that ladder, ``reports`` hands each worker's outcome to :func:`ladder_settle`:

- a promoted worker goes up one level (not above the top level of ``conf.levels()``) and gets the 优秀网格员
  award (a 表彰 record tied to the month's ladder row);
- with ``WANGGE_WORKFORCE_DEMOTE_UNQUALIFIED`` on, a month graded 不合格 moves the worker one level down (not
  below the first); otherwise the level is kept;
- every settled month writes one ladder row per worker (from, to, why, the assessment's id, score and grade).

Idempotent per month: settling the same month again with the same outcome changes nothing; with a different
outcome (a street re-ranked) the month's row is revised, and the level with it when that month is still the
worker's latest settled one. Levels move in the order months are settled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import PermissionDenied
from wangge.territory.models import Territory
from wangge.workforce import conf
from wangge.workforce.choices import LadderMove, RecordKind, WorkerKind
from wangge.workforce.errors import ErrorCode
from wangge.workforce.models import LadderChange, WorkerProfile, WorkerRecord

SETTLERS = frozenset({Role.STREET_STAFF, Role.ADMIN})
AWARD_TITLE = "优秀网格员"


@dataclass(frozen=True)
class MonthOutcome:
    """One worker's settled month, as the assessment hands it over."""

    worker_id: int
    grid_id: int
    assessment_id: int | None
    total: Decimal
    grade: str
    grade_label: str
    unqualified: bool
    promoted: bool
    street_rank: int | None = None


@dataclass
class Settlement:
    created: int = 0
    revised: int = 0
    unchanged: int = 0


def next_level(level: int, outcome: MonthOutcome) -> tuple[int, str, str]:
    """(new level, move, reason) after a month's outcome."""
    top = conf.top_level()
    if outcome.promoted:
        if level >= top:
            return level, LadderMove.KEPT, _("阶梯晋级（已是最高等级）")
        return (
            level + 1,
            LadderMove.PROMOTED,
            _("阶梯晋级：街道排名第 %(rank)s 名") % {"rank": outcome.street_rank or "—"},
        )
    if outcome.unqualified and conf.demote_unqualified():
        if level <= 1:
            return level, LadderMove.KEPT, _("考评不合格（已是最低等级）")
        return level - 1, LadderMove.DEMOTED, _("考评不合格，降一级")
    return level, LadderMove.KEPT, _("本月未晋级")


def _same(row: LadderChange, o: MonthOutcome) -> bool:
    return (
        row.assessment_id == o.assessment_id
        and row.score == o.total
        and row.grade == o.grade
        and row.street_rank == o.street_rank
        and row.promoted == o.promoted
    )


def _award(row: LadderChange, actor: ActorLike, profile: WorkerProfile) -> None:
    if row.promoted:
        WorkerRecord.objects.update_or_create(
            ladder_change=row,
            defaults={
                "worker_id": row.worker_id,
                "grid_id": profile.grid_id,
                "date": row.month,
                "kind": RecordKind.AWARD,
                "title": AWARD_TITLE,
                "reason": _("%(month)s 阶梯晋级") % {"month": f"{row.month:%Y年%m月}"},
                "recorded_by": user_of(actor),
            },
        )
    else:
        WorkerRecord.objects.filter(ladder_change=row).delete()


def ladder_settle(
    *,
    actor: ActorLike,
    street: Territory,
    month: dt.date,
    outcomes: Sequence[MonthOutcome],
    now: dt.datetime | None = None,
) -> Settlement:
    """Apply a street's settled month to its grid workers' ladder levels (see the module docstring). Street staff
    over the street (or the system). A worker without a profile gets one (专职, level 1, route 未登记)."""
    require(actor)
    if not permissions.has_role_over(actor, SETTLERS, street.path):
        raise PermissionDenied(_("无权评定该街道的阶梯晋级"), code=ErrorCode.LADDER_FORBIDDEN)
    first = month.replace(day=1)
    at = now or timezone.now()
    result = Settlement()
    with transaction.atomic():
        for o in sorted(outcomes, key=lambda x: x.worker_id):
            profile = WorkerProfile.objects.select_for_update().filter(user_id=o.worker_id).first()
            if profile is None:
                profile = WorkerProfile.objects.create(
                    user_id=o.worker_id, grid_id=o.grid_id, kind=WorkerKind.FULL_TIME, ladder_level=1
                )
            row = LadderChange.objects.select_for_update().filter(worker_id=o.worker_id, month=first).first()
            if row is not None and _same(row, o):
                result.unchanged += 1
                continue
            if row is None:
                level, move, reason = next_level(profile.ladder_level, o)
                row = LadderChange(profile=profile, worker_id=o.worker_id, month=first, from_level=profile.ladder_level)
                result.created += 1
                before = None
            else:
                before = audit.snapshot(row)
                latest = not LadderChange.objects.filter(worker_id=o.worker_id, month__gt=first).exists()
                level, move, reason = next_level(row.from_level, o)
                if not latest:  # a later month already built on this one: record the outcome, keep the levels
                    level, move = row.to_level, row.move
                result.revised += 1
            row.to_level, row.move, row.reason = level, move, reason
            row.assessment_id, row.score, row.grade = o.assessment_id, o.total, o.grade
            row.grade_label, row.street_rank, row.promoted = o.grade_label[:20], o.street_rank, o.promoted
            row.settled_at, row.settled_by = at, user_of(actor)
            row.save()
            if (
                profile.ladder_level != level
                and not LadderChange.objects.filter(worker_id=o.worker_id, month__gt=first).exists()
            ):
                profile.ladder_level = level
                profile.save(update_fields=["ladder_level", "updated_at"])
            _award(row, actor, profile)
            audit.record(
                actor=actor,
                action="workforce.ladder_settle",
                obj=row,
                before=before,
                after=audit.snapshot(row),
                only_changes=before is not None,
            )
    return result
