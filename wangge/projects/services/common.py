"""What the project services share: who keeps a project, locking one in scope, the history row, refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.projects.errors import ErrorCode
from wangge.projects.models import Project, ProjectEvent


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": str(error), "reason": reason, "message": reason}


def refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def may_keep(actor: ActorLike, project: Project) -> bool:
    """Whether ``actor`` keeps ``project``: edits it, reports its weekly progress, raises its problems — staff
    with the ``change`` action over its territory, or a member of its lead unit."""
    if is_system(actor):
        return True
    if permissions.in_unit(actor, project.lead_unit_id):
        return True
    return Project.objects.restrict(actor, CHANGE).filter(pk=project.pk).exists()


def lock(actor: ActorLike, project: Project | int) -> Project:
    """The project row locked for update, within the actor's ``view`` scope (else NotFound)."""
    pk = project.pk if isinstance(project, Project) else int(project)
    qs = Project.objects.select_for_update(of=("self",))
    if not is_system(actor):
        qs = qs.restrict(actor)
    locked: Project | None = qs.select_related("territory", "lead_unit").filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("项目不存在"), code=ErrorCode.PROJECT_NOT_FOUND)
    return locked


def event(project: Project, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str = "") -> None:
    ProjectEvent.objects.create(
        project=project,
        action=action,
        from_status=from_status,
        to_status=project.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )
