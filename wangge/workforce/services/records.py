"""Rewards, penalties and awards of grid workers: recorded by the community or street staff over the worker's
grid, with the date, the amount or points and the reason; audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.workforce.choices import RecordKind
from wangge.workforce.errors import ErrorCode
from wangge.workforce.models import WorkerProfile, WorkerRecord
from wangge.workforce.services.common import require_keeper, text


def record_create(
    *,
    actor: ActorLike,
    worker: User,
    date: dt.date,
    kind: str,
    title: str,
    reason: str,
    amount: Any = 0,
    points: int = 0,
    is_synthetic: bool = False,
) -> WorkerRecord:
    """Record a reward (奖励), a penalty (处罚) or an award (表彰) of a grid worker. The amount is in yuan and never
    negative (a penalty's amount is deducted by its kind)."""
    require(actor)
    profile: WorkerProfile | None = (
        WorkerProfile.objects.restrict(actor).select_related("grid").filter(user=worker).first()
    )
    if profile is None:
        raise NotFound(_("找不到该网格员"), code=ErrorCode.NOT_FOUND)
    require_keeper(actor, profile.grid)
    code = ErrorCode.INVALID_RECORD
    if kind not in RecordKind.values:
        raise ValidationFailed(_("类别不正确"), code=ErrorCode(code), details=[{"field": "kind"}])
    try:
        money = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
        if not money.is_finite() or money < 0 or money >= Decimal("1e8"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("金额应为不小于 0 的数字"), code=ErrorCode(code), details=[{"field": "amount"}]
        ) from None
    try:
        score = int(points or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(_("积分应为整数"), code=ErrorCode(code), details=[{"field": "points"}]) from None
    with transaction.atomic():
        r = WorkerRecord.objects.create(
            worker=worker,
            grid=profile.grid,
            date=date,
            kind=kind,
            title=text(title, "title", 60, code, required=True),
            amount=money,
            points=score,
            reason=text(reason, "reason", 300, code, required=True),
            recorded_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="workforce.record_create", obj=r, after=audit.snapshot(r))
    return r
