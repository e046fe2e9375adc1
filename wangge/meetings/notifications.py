"""Who hears of a task: the unit's handlers when it is assigned (or reassigned, or its report is rejected), near
its deadline and once overdue; the coordinators over the meeting's node when a unit returns a task or reports
it done. Delivered through the one notification service (``notify``: once per recipient and key)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from wangge.accounts.choices import Role
from wangge.accounts.models import Unit, User
from wangge.meetings.models import Task
from wangge.meetings.workflow import (
    TASK_WORKFLOW,
    TERRITORIAL_UNIT_KINDS,
    TERRITORIAL_UNIT_STAFF,
    TO_COORDINATORS,
    TO_UNIT,
)
from wangge.notifications.services import notify

STEP = 4  # territory path segment length


def unit_handlers(unit: Unit) -> QuerySet[User]:
    """The active members of ``unit``: its staff, its 部门办理人, and for a street office or community committee the
    street or community staff granted on its node."""
    q = Q(unit=unit) | Q(grants__role=Role.DEPT_HANDLER, grants__unit=unit)
    if unit.kind in TERRITORIAL_UNIT_KINDS:
        q |= Q(grants__role__in=sorted(TERRITORIAL_UNIT_STAFF), grants__territory_id=unit.territory_id)
    return User.objects.filter(q, is_active=True).distinct()


def coordinators_over(path: str) -> QuerySet[User]:
    """The dispatchers and street staff granted on a node whose subtree holds ``path``."""
    prefixes = [path[:i] for i in range(STEP, len(path) + 1, STEP)]
    return User.objects.filter(
        is_active=True,
        grants__role__in=[Role.DISPATCHER, Role.STREET_STAFF],
        grants__territory__path__in=prefixes,
    ).distinct()


def _link(task: Task) -> str:
    return f"/meetings/tasks/{task.pk}/"


def _send(task: Task, key: str, subject: str, recipients: Iterable[User]) -> int:
    return len(
        notify(
            key=key,
            subject=subject,
            body=task.requirement[:500],
            link=_link(task),
            recipients=recipients,
            territory_path=task.scope_path,
            unit_id=task.unit_id,
        )
    )


def on_assigned(task: Task) -> int:
    """The unit hears of a new task (once per task and unit)."""
    subject = _("新交办事项 %(code)s：%(title)s（%(due)s前办结）") % {
        "code": task.code,
        "title": task.issue.title,
        "due": f"{task.deadline:%m-%d}",
    }
    return _send(task, f"meetings:task:{task.pk}:assigned:{task.unit_id}", subject, unit_handlers(task.unit))


def on_step(task: Task, name: str, at_key: str) -> int:
    """The notice step ``name`` declares, if any, to its recipient groups."""
    notice = TASK_WORKFLOW.notices(TASK_WORKFLOW[name], task)
    if notice is None:
        return 0
    if name == "reassign":
        return on_assigned(task)
    recipients: dict[int, User] = {}
    for group in notice.to:
        users = unit_handlers(task.unit) if group == TO_UNIT else coordinators_over(task.meeting.territory.path)
        recipients.update({u.pk: u for u in users} if group in (TO_UNIT, TO_COORDINATORS) else {})
    subject = str(notice.subject).format(code=task.code, title=task.issue.title, unit=task.unit.name)
    return _send(task, f"meetings:task:{task.pk}:{name}:{at_key}", subject, recipients.values())


def on_deadline(task: Task, what: str) -> int:
    """``what`` is "due" (the deadline is near) or "overdue"; once per task, deadline and kind."""
    if what == "due":
        subject = _("交办事项 %(code)s 将于 %(due)s 到期，请按时办结") % {"code": task.code, "due": task.deadline}
    else:
        subject = _("交办事项 %(code)s 已超期（时限 %(due)s），请尽快办结") % {"code": task.code, "due": task.deadline}
    key = f"meetings:task:{task.pk}:{what}:{task.deadline.isoformat()}:{task.unit_id}"
    return _send(task, key, subject, unit_handlers(task.unit))
