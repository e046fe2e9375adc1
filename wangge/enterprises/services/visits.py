"""Visits (走访): a liaison cadre, or the grid's staff, record what they found at an enterprise; each problem the
enterprise raised becomes a work order of the closed loop (channel 助企包联, flagged 涉企) linked to the enterprise,
which its liaison cadres follow from the enterprise's page to the resolution and the enterprise's rating (the
enterprise's rating is an ``Issue`` record, taken by its liaison cadre once the case is closed: the case's own
回访 needs a reporter's phone, which a problem raised on a visit does not carry; the figures read the case's rating
when it has one and the enterprise's otherwise)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require, user_of
from wangge.core.errors import Conflict, PermissionDenied
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Cadre, Enterprise, Issue, Visit
from wangge.enterprises.services.common import (
    clean_problems,
    is_liaison,
    issue_raise,
    may_keep,
    may_visit,
    problem,
    refuse,
)
from wangge.workorders.choices import Rating, Status
from wangge.workorders.models import Category


def visit_record(
    *,
    actor: ActorLike,
    enterprise: Enterprise,
    visited_on: dt.date,
    findings: str,
    problems: Sequence[str] = (),
    cadre: Cadre | None = None,
    visitors: str = "",
    category: Category | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Record a visit; each of ``problems`` opens a case through the intake service (all or nothing). ``cadre``
    defaults to the actor's own roster entry. Raises PermissionDenied (neither a liaison of the enterprise nor its
    grid's staff), ValidationFailed (a date to come, no findings, a problem too long) and the intake's refusals."""
    require(actor)
    if not may_visit(actor, enterprise):
        raise PermissionDenied(_("您不是该企业的包联干部，也不负责其所在网格"), code=ErrorCode.NOT_VISITOR)
    texts = clean_problems(problems)
    found = str(findings or "").strip()
    issues: list[dict[str, Any]] = []
    if visited_on > timezone.localdate(now):
        issues.append(problem("visited_on", ErrorCode.INVALID_VISIT, _("走访日期不能晚于今天")))
    if not found or len(found) > 4000:
        issues.append(problem("findings", ErrorCode.INVALID_VISIT, _("请填写走访情况（不超过 4000 字）")))
    if issues:
        raise refuse(issues)
    user = user_of(actor)
    if cadre is None and user is not None:
        cadre = Cadre.objects.filter(user=user, is_active=True).first()
    with transaction.atomic():
        visit = Visit.objects.create(
            enterprise=enterprise,
            visited_on=visited_on,
            cadre=cadre,
            visitors=str(visitors or "").strip()[:200] or (str(cadre) if cadre else str(actor))[:200],
            findings=found,
            problem_count=len(texts),
            recorded_by=user,
        )
        opened = [
            issue_raise(
                actor=actor,
                enterprise=enterprise,
                text=text,
                raised_on=visited_on,
                visit=visit,
                category=category,
                now=now,
            )
            for text in texts
        ]
        audit.record(
            actor=actor,
            action="enterprises.visit_record",
            obj=visit,
            after={
                **(audit.snapshot(visit) or {}),
                "work_orders": [i.work_order.tracking_code for i in opened],
            },
            only_changes=False,
        )
    return visit


def issue_rate(
    *,
    actor: ActorLike,
    issue: Issue,
    rating: int,
    resolved: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> Issue:
    """The enterprise's verdict on its closed case (resolved or not, 1–5), taken by a liaison cadre of the
    enterprise or its keepers. Raises PermissionDenied, ValidationFailed and Conflict (the case is not closed, or
    already rated)."""
    require(actor)
    if not (is_liaison(actor, issue.enterprise) or may_keep(actor, issue.enterprise.grid.path)):
        raise PermissionDenied(_("您不是该企业的包联干部"), code=ErrorCode.NOT_RATER)
    if rating not in Rating.values:
        raise refuse([problem("rating", ErrorCode.INVALID_RATING, _("评价须为 1–5"))])
    with transaction.atomic():
        locked = Issue.objects.select_for_update().select_related("work_order").get(pk=issue.pk)
        if locked.work_order.status != Status.CLOSED or locked.rating is not None:
            raise Conflict(_("工单结案后才能评价，且只能评价一次"), code=ErrorCode.NOT_CLOSED)
        locked.rating, locked.resolved = int(rating), bool(resolved)
        locked.rating_note = str(note or "").strip()[:200]
        locked.rated_at = now or timezone.now()
        locked.rated_by = user_of(actor)
        locked.save(update_fields=["rating", "resolved", "rating_note", "rated_at", "rated_by"])
        audit.record(
            actor=actor,
            action="enterprises.issue_rate",
            obj=locked,
            after={"rating": locked.rating, "resolved": locked.resolved, "note": locked.rating_note},
            only_changes=False,
        )
    return locked
