"""What the writes of 巡查体检 share: refusal details and the round's history row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wangge.accounts.permissions import ActorLike
from wangge.core.actors import label_of, user_of
from wangge.core.errors import ValidationFailed
from wangge.inspections.errors import ErrorCode
from wangge.inspections.models import Round, RoundEvent


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def event(
    r: Round,
    action: str,
    actor: ActorLike,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> RoundEvent:
    return RoundEvent.objects.create(
        round=r,
        action=action,
        from_status=from_status,
        to_status=r.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )
