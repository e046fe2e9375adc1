"""What the writes of the service hall share: refusal details, the application's history row, the check that an
actor serves a hall."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import ValidationFailed
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Application, ApplicationEvent, Hall
from wangge.hall.workflow import RECEIVERS


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def serves(actor: ActorLike, hall: Hall) -> bool:
    """Whether the actor receives at this hall: the system, or a receiving role over the hall's territory."""
    if is_system(actor):
        return True
    return permissions.has_role_over(actor, RECEIVERS, hall.territory.path)


def event(
    a: Application,
    transition: str,
    actor: ActorLike,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=a,
        transition=transition,
        from_status=from_status,
        to_status=a.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )
