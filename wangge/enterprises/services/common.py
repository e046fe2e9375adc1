"""What the writes of 助企包联 share: who may keep, visit and organise, refusal details, and the one way a problem an
enterprise raised becomes a work order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.permissions import ActorLike
from wangge.core.actors import user_of
from wangge.core.errors import ValidationFailed
from wangge.core.masking import masked_excerpt
from wangge.enterprises.choices import Occasion
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Enterprise, Issue, Liaison, ServiceDay, Visit
from wangge.workorders.choices import AppealType, Channel
from wangge.workorders.models import Category
from wangge.workorders.services.intake import work_order_create

# Keep the enterprises of a territory and their 三级包联.
KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISPATCHER, Role.ADMIN})
# Record a visit to an enterprise of their territory (besides its own liaison cadres).
VISITORS = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.ADMIN})
# Organise service days and 政银企 matchmaking events.
ORGANISERS = frozenset({Role.STREET_STAFF, Role.DISPATCHER, Role.ADMIN})

MAX_PROBLEM = 2000


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def may_keep(actor: Any, path: str) -> bool:
    return permissions.has_role_over(actor, KEEPERS, path)


def may_organise(actor: Any, path: str) -> bool:
    return permissions.has_role_over(actor, ORGANISERS, path)


def is_liaison(actor: Any, enterprise: Enterprise) -> bool:
    """The actor's account is an active cadre on an active liaison of ``enterprise``."""
    user = user_of(actor)
    if user is None:
        return False
    return Liaison.objects.filter(
        enterprise=enterprise, is_active=True, cadre__user=user, cadre__is_active=True
    ).exists()


def may_visit(actor: Any, enterprise: Enterprise) -> bool:
    return permissions.has_role_over(actor, VISITORS, enterprise.grid.path) or is_liaison(actor, enterprise)


def clean_problems(problems: Any) -> list[str]:
    texts = [" ".join(str(p).split()) for p in problems or ()]
    texts = [t for t in texts if t]
    if any(len(t) > MAX_PROBLEM for t in texts):
        raise refuse([problem("problems", ErrorCode.INVALID_VISIT, _("每个问题不超过 2000 字"))])
    return texts


def issue_raise(
    *,
    actor: ActorLike,
    enterprise: Enterprise,
    text: str,
    raised_on: dt.date,
    visit: Visit | None = None,
    service_day: ServiceDay | None = None,
    category: Category | None = None,
    now: dt.datetime | None = None,
) -> Issue:
    """A problem the enterprise raised becomes a case through the one intake service (channel 助企包联, flagged 涉企),
    linked to the enterprise. Called inside the caller's transaction; the intake's refusals pass through."""
    place = enterprise.address or enterprise.name
    located = enterprise.lng is not None and enterprise.lat is not None
    wo = work_order_create(
        actor=actor,
        channel=Channel.ENTERPRISE,
        appeal_type=AppealType.HELP,
        title=f"{enterprise.name}：{masked_excerpt(text, 30)}"[:200],
        description=text,
        category=category,
        reporter_name=(enterprise.contact_name or enterprise.name)[:50],
        lng=enterprise.lng if located else None,
        lat=enterprise.lat if located else None,
        address=place[:200],
        district=enterprise.district,
        enterprise_related=True,
        now=now,
    )
    return Issue.objects.create(
        enterprise=enterprise,
        occasion=Occasion.SERVICE_DAY if service_day is not None else Occasion.VISIT,
        visit=visit,
        service_day=service_day,
        raised_on=raised_on,
        text=text,
        work_order=wo,
    )
