"""周进度: one progress entry per project and ISO week, updated in place within the week.

Rules: only a project 在建 takes entries; not for a week that has not begun; progress and investment to date do
not go below the previous week's entry unless a reason is given (a correction, say); the keepers of the project
(staff who may change its territory, members of its lead unit) report. The project's progress and investment to
date follow its latest week's entry. Photos pass the one upload sanitiser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, uploads
from wangge.core.actors import label_of, require, user_of
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.projects.choices import REPORTING_STATUSES
from wangge.projects.errors import ErrorCode
from wangge.projects.models import EntryPhoto, Project, WeeklyEntry
from wangge.projects.schedule import week_start_of
from wangge.projects.services.common import lock, may_keep, problem, refuse

__all__ = ["weekly_entry_save"]

TEXT_LIMIT = 5000


def _text(value: Any, field: str, problems: list[dict[str, Any]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(problem(field, ErrorCode.INVALID_PROJECT, _("请填写此项")))
    elif len(text) > TEXT_LIMIT:
        problems.append(problem(field, ErrorCode.INVALID_PROJECT, _("不能超过 %(n)s 个字") % {"n": TEXT_LIMIT}))
    return text


def weekly_entry_save(
    *,
    actor: ActorLike,
    project: Project | int,
    week: dt.date,
    progress: int,
    invested: Any,
    work_done: str,
    next_plan: str = "",
    problems: str = "",
    decrease_reason: str = "",
    photos: Iterable[Any] = (),
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> tuple[WeeklyEntry, bool]:
    """Save the entry of the ISO week ``week`` falls in: create it, or update the week's entry in place.
    Returns ``(entry, created)``. Raises NotFound, PermissionDenied, InvalidTransition-like ValidationFailed
    (``not_under_construction``, ``future_week``, ``progress_decrease``) and ValidationFailed for bad fields."""
    require(actor)
    at = now or timezone.now()
    monday = week_start_of(week)
    found: list[dict[str, Any]] = []
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        found.append(problem("progress", ErrorCode.INVALID_PROJECT, _("形象进度须为 0-100 的整数")))
    try:
        amount = Decimal(str(invested)).quantize(Decimal("0.01"))
        if amount < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        found.append(problem("invested", ErrorCode.INVALID_PROJECT, _("累计完成投资须为非负数")))
        amount = Decimal(0)
    work_done = _text(work_done, "work_done", found, required=True)
    next_plan = _text(next_plan, "next_plan", found)
    problems_text = _text(problems, "problems", found)
    reason = _text(decrease_reason, "decrease_reason", found)
    if monday > week_start_of(timezone.localdate(at)):
        found.append(problem("week", ErrorCode.FUTURE_WEEK, _("不能填报尚未开始的周")))
    if found:
        raise refuse(found)
    cleaned = uploads.sanitise_all(photos, accept=uploads.IMAGES)
    with transaction.atomic():
        locked = lock(actor, project)
        if not may_keep(actor, locked):
            raise PermissionDenied(_("您不是该项目的填报人"), code=ErrorCode.NOT_A_REPORTER)
        if locked.status not in REPORTING_STATUSES:
            raise ValidationFailed(
                _("项目当前为“%(s)s”，只有在建项目填报周进度") % {"s": locked.get_status_display()},
                code=ErrorCode.NOT_UNDER_CONSTRUCTION,
            )
        previous = WeeklyEntry.objects.filter(project=locked, week_start__lt=monday).order_by("-week_start").first()
        if previous is not None and not reason:
            lower = []
            if progress < previous.progress:
                lower.append(
                    problem(
                        "progress",
                        ErrorCode.PROGRESS_DECREASE,
                        _("形象进度低于上周（%(p)s%%），请说明原因") % {"p": previous.progress},
                    )
                )
            if amount < previous.invested:
                lower.append(
                    problem(
                        "invested",
                        ErrorCode.PROGRESS_DECREASE,
                        _("累计投资低于上周（%(v)s 万元），请说明原因") % {"v": previous.invested},
                    )
                )
            if lower:
                lower.append(problem("decrease_reason", ErrorCode.PROGRESS_DECREASE, _("进度回调须说明原因")))
                raise refuse(lower)
        entry = WeeklyEntry.objects.filter(project=locked, week_start=monday).first()
        created = entry is None
        before = None if entry is None else audit.snapshot(entry)
        if entry is None:
            year, number, _day = monday.isocalendar()
            entry = WeeklyEntry(
                project=locked,
                week_start=monday,
                iso_year=year,
                iso_week=number,
                reported_at=at,
                reported_by=user_of(actor),
                reported_by_name=label_of(actor)[:150],
                is_synthetic=is_synthetic,
            )
        entry.progress = progress
        entry.invested = amount
        entry.work_done = work_done
        entry.next_plan = next_plan
        entry.problems = problems_text
        entry.decrease_reason = reason
        entry.updated_at = at
        entry.save()
        stored = [
            EntryPhoto.objects.create(entry=entry, file=c.as_file(), content_type=c.content_type) for c in cleaned
        ]
        latest = WeeklyEntry.objects.filter(project=locked).order_by("-week_start").first()
        if latest is not None and latest.pk == entry.pk:
            project_before = {"progress": locked.progress, "invested": str(locked.invested)}
            locked.progress = progress
            locked.invested = amount
            locked.save(update_fields=["progress", "invested", "updated_at"])
        else:
            project_before = None
        after = audit.snapshot(entry) or {}
        if stored:
            after["photos"] = [p.pk for p in stored]
        if project_before is not None:
            after["project"] = {"progress": locked.progress, "invested": str(locked.invested), "was": project_before}
        audit.record(
            actor=actor,
            action="projects.entry_create" if created else "projects.entry_update",
            obj=entry,
            before=before,
            after=after,
            only_changes=not created,
        )
    return entry, created
