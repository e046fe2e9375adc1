"""Taking a step of the project's declared workflow (``projects.workflow``): the only code that changes a
project's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import ValidationFailed
from wangge.projects.choices import ProjectStatus
from wangge.projects.errors import ErrorCode
from wangge.projects.models import Project
from wangge.projects.services.common import event, lock
from wangge.projects.workflow import WORKFLOW

__all__ = ["project_transition"]

Handler = Callable[[Project, ActorLike, dt.datetime, Mapping[str, Any]], str]


def _note(p: Mapping[str, Any]) -> str:
    return str(p.get("note") or "").strip()


def _start(project: Project, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    if project.actual_start is None:
        project.actual_start = timezone.localdate(at)
    return _note(p)


def _complete(project: Project, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    project.actual_end = timezone.localdate(at)
    project.progress = 100
    return _note(p)


def _accept(project: Project, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    project.accepted_at = timezone.localdate(at)
    return _note(p)


def _suspend(project: Project, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    project.suspended_from = project.status
    project.suspend_reason = str(p["reason"]).strip()
    project.status = ProjectStatus.SUSPENDED
    return project.suspend_reason


def _resume(project: Project, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    back = project.suspended_from if project.suspended_from in (ProjectStatus.PLANNING, ProjectStatus.BUILDING) else ""
    project.status = back or (ProjectStatus.BUILDING if project.actual_start else ProjectStatus.PLANNING)
    project.suspended_from = ""
    project.suspend_reason = ""
    return _note(p)


HANDLERS: dict[str, Handler] = {
    "start": _start,
    "complete": _complete,
    "accept": _accept,
    "suspend": _suspend,
    "resume": _resume,
}


def project_transition(
    *, actor: ActorLike, project: Project | int, name: str, now: dt.datetime | None = None, **inputs: Any
) -> Project:
    """Take step ``name`` on a project: lock it in the actor's scope, check the state (409), who acts (403) and
    the required inputs (400), run the step, settle the status among the declared targets, write the history row
    and the audit entry. Raises NotFound, InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    at = now or timezone.now()
    with transaction.atomic():
        locked = lock(actor, project)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(locked, name, actor, at, from_status, note=note)
        audit.record(actor=actor, action=f"projects.{name}", obj=locked, before=before, after=audit.snapshot(locked))
    return locked
