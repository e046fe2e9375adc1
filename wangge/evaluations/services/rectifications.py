"""差评整改: opening a rectification and ``rectification_transition`` — the only code that changes its status.

Why not a work order. The closed loop's one intake service (``workorders.services.intake.work_order_create``)
cannot express a 办件's rectification: it files a case at a place in the grid tree (located by a position or an
address, routed to a grid and dispatched by the command centre), starts the dispatch clock and takes the handling
limit from the category at dispatch; it has no way to say "due 15 working days from the rating" (the closed loop
keeps that only for its own callback's rectification, set outside the intake service), nor to link the 办件,
its window and staff, nor to be closed by an upheld appeal decided by the hall's leaders. So a rectification is
its own record with a declared workflow on ``wangge.core.workflow`` (``evaluations.workflow``: 核实 → 整改 → 反馈
→ 回访, and 撤销 on an upheld appeal), reusing what the closed loop shares: the five levels and the 差评 set
(``workorders.choices``), the working-day arithmetic (``workorders.deadlines.extend`` on the working calendar)
and the limit setting ``WANGGE_BAD_RATING_RECTIFY_DAYS``.

The deadline runs from the opening (the rating, or the callback that found the problem); whether it was met is
frozen when the rectification closes (``on_time``: closed no later than ``due_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require
from wangge.core.errors import NotFound, ValidationFailed
from wangge.evaluations import conf
from wangge.evaluations.choices import RectificationSource, RectificationStatus
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import CallbackTask, Evaluation, Rectification
from wangge.evaluations.services.common import event
from wangge.evaluations.workflow import RECTIFICATION_WORKFLOW as WORKFLOW
from wangge.hall.models import Application
from wangge.workorders import deadlines
from wangge.workorders.choices import DurationUnit

__all__ = ["rectification_open", "rectification_transition"]

Handler = Callable[[Rectification, ActorLike, dt.datetime, Mapping[str, Any]], tuple[str, dict[str, Any]]]
S = RectificationStatus


def due_for(at: dt.datetime) -> tuple[dt.datetime, bool]:
    """The rectification deadline of one opened at ``at``: the configured working days on the working calendar."""
    return deadlines.extend(at, conf.rectify_days(), DurationUnit.WORKING_DAYS)


def rectification_open(
    *,
    actor: ActorLike,
    application: Application,
    at: dt.datetime,
    evaluation: Evaluation | None = None,
    task: CallbackTask | None = None,
    problem: str = "",
) -> Rectification:
    """Open a rectification for a 差评 (``evaluation``) or a callback's problem (``task``); called inside the
    service that found it, in its transaction."""
    due_at, provisional = due_for(at)
    n = Rectification.objects.filter(application=application).count() + 1
    phone = bool(evaluation.rater_phone) if evaluation is not None else bool(application.applicant_phone)
    r = Rectification.objects.create(
        code=f"ZG{application.code}-{n}"[:32],
        source=RectificationSource.BAD_RATING if evaluation is not None else RectificationSource.CALLBACK,
        evaluation=evaluation,
        callback_task=task,
        application=application,
        hall_id=application.hall_id,
        window_id=application.window_id,
        staff_id=application.staff_id,
        item_id=application.item_id,
        department_id=application.department_id,
        problem=problem[:2000],
        status=S.VERIFYING,
        needs_callback=phone,
        opened_at=at,
        due_at=due_at,
        due_provisional=provisional,
    )
    event(r, "create", actor, at, "", data={"due_at": due_at.isoformat(), "source": r.source})
    audit.record(actor=actor, action="evaluations.rectification_create", obj=r, after=audit.snapshot(r))
    return r


def _close(r: Rectification, at: dt.datetime) -> None:
    r.status = S.CLOSED
    r.closed_at = at
    r.on_time = at <= r.due_at


def _verify(r: Rectification, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    r.finding = str(p["finding"]).strip()[:2000]
    r.verified_at = at
    return r.finding, {}


def _rectify(r: Rectification, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    r.measures = str(p["measures"]).strip()[:2000]
    r.rectified_at = at
    return r.measures, {}


def _feedback(r: Rectification, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    r.feedback = str(p["feedback"]).strip()[:2000]
    r.fed_back_at = at
    if r.needs_callback:
        r.status = S.CALLBACK
    else:
        _close(r, at)
    return r.feedback, {"on_time": r.on_time}


def _callback(r: Rectification, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    satisfied = p["satisfied"] is True or str(p["satisfied"]).lower() in {"true", "1", "yes", "是"}
    r.called_back_at = at
    r.callback_satisfied = satisfied
    if satisfied:
        _close(r, at)
    else:
        r.status = S.RECTIFYING
        r.rework_count += 1
    return str(p.get("note") or "").strip()[:2000], {"satisfied": satisfied, "on_time": r.on_time}


def _withdraw(r: Rectification, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    r.closed_at = at
    r.on_time = None
    return str(p.get("note") or "").strip()[:2000], {}


HANDLERS: dict[str, Handler] = {
    "verify": _verify,
    "rectify": _rectify,
    "feedback": _feedback,
    "callback": _callback,
    "withdraw": _withdraw,
}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every rectification step needs a handler"


def rectification_transition(
    *,
    actor: ActorLike,
    rectification: Rectification | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Rectification:
    """Take step ``name`` of the rectification workflow. Locks the row in the actor's scope, checks the state
    (409), who acts (403), the guard (409) and the required inputs (400), runs the step, settles the status and
    writes the history row and the audit entry, all in one transaction. Raises NotFound (missing or out of
    scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = rectification.pk if isinstance(rectification, Rectification) else int(rectification)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Rectification.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("hall__territory", "evaluation__appeal").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("整改记录不存在"), code=ErrorCode.RECTIFICATION_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note, data = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(locked, name, actor, at, from_status, note=note, data=data)
        audit.record(
            actor=actor,
            action=f"evaluations.{name}",
            obj=locked,
            before=before,
            after={**(audit.snapshot(locked) or {}), **data},
        )
    return locked
