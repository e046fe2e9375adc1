"""Writes of supervision and assessment: bulletins, patrol check-ins, daily logs and monthly assessments."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.accounts.models import Unit, User
from wangge.core import audit, uploads
from wangge.core.actors import is_system
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.geo import CRS_CHOICES
from wangge.reports import assessment as scoring
from wangge.reports import bulletins, conf, weekly
from wangge.reports.choices import AssessmentGrade, AssessmentStatus, BulletinPeriod
from wangge.reports.errors import ErrorCode
from wangge.reports.models import Assessment, Bulletin, DailyLog, PatrolCheckin
from wangge.territory.models import Territory
from wangge.workforce import services as workforce

# --- 日通报 -------------------------------------------------------------------------------------------


def _require_scope(actor: Any, scope: bulletins.BulletinScope) -> None:
    """Out of the actor's scope answers like a missing scope."""
    if is_system(actor):
        return
    if scope.territory is not None:
        visible = Territory.objects.restrict(actor).filter(pk=scope.territory.pk).exists()
    else:
        assert scope.unit is not None
        visible = Unit.objects.restrict(actor).filter(pk=scope.unit.pk).exists()
    if not visible:
        raise NotFound(_("找不到编码为“%(code)s”的辖区或单位") % {"code": scope.code}, code=ErrorCode.SCOPE_NOT_FOUND)


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a bulletin that says something: everything but the time it was taken."""
    return {k: v for k, v in data.items() if k != "as_of"}


def bulletin_generate(
    *,
    actor: Any,
    date: dt.date,
    scope_code: str,
    now: dt.datetime | None = None,
    period: str = BulletinPeriod.DAY,
) -> Bulletin:
    """Compute the bulletin of ``date`` for a territory or unit and store it: the 日通报 of that day, or with
    ``period=BulletinPeriod.WEEK`` the 周通报 of the ISO week holding ``date`` (stored under its Monday).

    Idempotent: the same period, date and scope always lands on the same row. Regenerating updates the row in
    place; ``version`` goes up only when the figures changed. ``actor=SYSTEM`` is the scheduler.
    """
    scope = bulletins.resolve_scope(scope_code)
    _require_scope(actor, scope)
    at = now or timezone.now()
    if period == BulletinPeriod.WEEK:
        date = weekly.week_start(date)
        data = weekly.compute(scope, date, now=at)
    else:
        data = bulletins.compute(scope, date, now=at)
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        key = {"period": period, "date": date, "scope_kind": scope.kind, "scope_code": scope.code}
        bulletin = Bulletin.objects.select_for_update().filter(**key).first()
        if bulletin is None:
            try:
                with transaction.atomic():
                    bulletin = Bulletin.objects.create(
                        **key,
                        scope_name=scope.name,
                        territory=scope.territory,
                        unit=scope.unit,
                        scope_path=scope.path,
                        generated_at=at,
                        generated_by=user,
                        data=data,
                    )
                audit.record(
                    actor=actor, action="bulletin.generate", obj=bulletin, after={"version": 1}, only_changes=False
                )
                return bulletin
            except IntegrityError:
                # Another run created it a moment ago: update that row instead.
                bulletin = Bulletin.objects.select_for_update().get(**key)
        changed = _content(bulletin.data) != _content(data)
        before = {"version": bulletin.version, "generated_at": bulletin.generated_at.isoformat()}
        bulletin.data = data
        bulletin.scope_name = scope.name
        bulletin.scope_path = scope.path
        bulletin.generated_at = at
        bulletin.generated_by = user
        if changed:
            bulletin.version += 1
        bulletin.save()
        audit.record(
            actor=actor,
            action="bulletin.regenerate",
            obj=bulletin,
            before=before,
            after={"version": bulletin.version, "generated_at": at.isoformat()},
            note="" if changed else "内容无变化",
        )
    return bulletin


# --- 一日志 -------------------------------------------------------------------------------------------

PATROL_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})


def worker_grids(user: Any) -> list[Territory]:
    """The grids a grid worker (or 网格长) is responsible for."""
    return list(
        Territory.objects.filter(grants__user=user, grants__role__in=PATROL_ROLES, kind="grid").order_by("path")
    )


def _require_worker(actor: Any) -> list[Territory]:
    grids = worker_grids(actor) if getattr(actor, "pk", None) else []
    if not grids:
        raise PermissionDenied(_("仅网格员可以巡查签到和填写工作日志"), code=ErrorCode.NOT_GRID_WORKER)
    return grids


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _refresh_log_count(worker: Any, day: dt.date, scope_path: str) -> DailyLog:
    start, end = bulletins.day_bounds(day)
    count = PatrolCheckin.objects.filter(worker=worker, at__gte=start, at__lt=end).count()
    log, _created = DailyLog.objects.select_for_update().get_or_create(
        worker=worker, date=day, defaults={"scope_path": scope_path}
    )
    log.patrol_count = count
    log.save(update_fields=["patrol_count", "updated_at"])
    return log


def patrol_checkin(
    *,
    actor: Any,
    lng: float,
    lat: float,
    crs: str = "wgs84",
    note: str = "",
    photo: Any = None,
    at: dt.datetime | None = None,
    ip: str | None = None,
) -> PatrolCheckin:
    """巡查签到 from a phone: the position (in the phone's datum) is converted to WGS-84 and located in a grid.
    The audit entry names the stored photo (an upload) and the client's address ``ip``."""
    from wangge.core.geo import to_wgs84
    from wangge.territory import locator

    grids = _require_worker(actor)
    errors = []
    if crs not in CRS_CHOICES:
        errors.append({"field": "crs", "reason": "unknown_crs"})
    try:
        lng_f, lat_f = float(lng), float(lat)
        if not (-180 <= lng_f <= 180 and -90 <= lat_f <= 90):
            raise ValueError
    except (TypeError, ValueError):
        errors.append({"field": "location", "reason": "invalid_coordinates"})
    if len(note) > 500:
        errors.append({"field": "note", "reason": "too_long"})
    if errors:
        raise ValidationFailed(_("签到位置或内容不正确"), details=errors)
    wgs_lng, wgs_lat = to_wgs84(lng_f, lat_f, crs)
    node = locator.locate(wgs_lng, wgs_lat)
    if node is None:
        raise ValidationFailed(
            _("签到位置不在本平台任何辖区内"), code=ErrorCode.OUTSIDE_TERRITORY, details=[{"field": "location"}]
        )
    grid = locator.grid_of(node)
    when = at or timezone.now()
    with transaction.atomic():
        checkin = PatrolCheckin(
            worker=actor,
            at=when,
            lng=wgs_lng,
            lat=wgs_lat,
            source_crs=crs,
            territory_id=node.pk,
            grid_id=grid.pk if grid else None,
            in_own_grid=grid is not None and any(g.pk == grid.pk for g in grids),
            note=note.strip(),
            scope_path=(grid or node).path,
        )
        if photo is not None:
            clean = uploads.sanitise(photo)  # a real image, re-encoded without EXIF, under a generated name
            checkin.photo.save(clean.name, clean.as_file(), save=False)
        checkin.save()
        _refresh_log_count(actor, _local_date(when), grids[0].path)
        after = audit.snapshot(checkin) or {}
        after["photo"] = checkin.photo.name or ""
        audit.record(actor=actor, action="patrol.checkin", obj=checkin, after=after, only_changes=False, ip=ip)
    return checkin


LOG_GRACE_DAYS = 3


def daily_log_open(date: dt.date, today: dt.date) -> bool:
    """A log may be written or amended up to today, for the current month and the last few days before it."""
    same_month = (date.year, date.month) == (today.year, today.month)
    return date <= today and (same_month or date >= today - dt.timedelta(days=LOG_GRACE_DAYS))


def daily_log_save(*, actor: Any, date: dt.date, summary: str, now: dt.datetime | None = None) -> DailyLog:
    """Write or amend one's own daily log. Only today and the previous days of the current month are open."""
    grids = _require_worker(actor)
    at = now or timezone.now()
    today = _local_date(at)
    if date > today:
        raise ValidationFailed(_("不能填写未来日期的工作日志"), code=ErrorCode.FUTURE_DATE, details=[{"field": "date"}])
    if not daily_log_open(date, today):
        raise ValidationFailed(
            _("上月工作日志已归档，不能再修改"), code=ErrorCode.LOG_CLOSED, details=[{"field": "date"}]
        )
    text = summary.strip()
    if not text:
        raise ValidationFailed(_("请填写工作记录"), code=ErrorCode.SUMMARY_REQUIRED, details=[{"field": "summary"}])
    if len(text) > 5000:
        raise ValidationFailed(_("工作记录不能超过 5000 字"), code=ErrorCode.TOO_LONG, details=[{"field": "summary"}])
    with transaction.atomic():
        log = _refresh_log_count(actor, date, grids[0].path)
        before = audit.snapshot(log)
        log.summary = text
        log.submitted_at = at
        log.save(update_fields=["summary", "submitted_at", "updated_at"])
        audit.record(actor=actor, action="daily_log.save", obj=log, before=before, after=audit.snapshot(log))
    return log


# --- 一考评 -------------------------------------------------------------------------------------------

COMMUNITY_SCORERS = frozenset({Role.COMMUNITY_STAFF, Role.ADMIN})
STREET_CONFIRMERS = frozenset({Role.STREET_STAFF, Role.ADMIN})


def _month_start(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError as exc:
        raise ValidationFailed(
            _("考评月份不正确"), code=ErrorCode.INVALID_PERIOD, details=[{"field": "period"}]
        ) from exc


def _chain(grid: Territory) -> tuple[Territory, Territory]:
    """(community, street) of a grid."""
    step = Territory.steplen
    nodes = {t.path: t for t in Territory.objects.filter(path__in=[grid.path[:-step], grid.path[: -2 * step]])}
    community, street = nodes.get(grid.path[:-step]), nodes.get(grid.path[: -2 * step])
    if community is None or street is None:
        raise ValidationFailed(_("网格不在街道、社区之下"), code=ErrorCode.GRID_OUTSIDE_TREE)
    return community, street


def _apply_scores(a: Assessment, items: dict[str, Any], manual: dict[str, Any]) -> None:
    a.auto_items = items
    a.manual_items = manual
    result = scoring.outcome(items, manual)  # no grade while a manual item waits for scoring
    a.auto_score, a.manual_score, a.total, a.grade = result.auto_score, result.manual_score, result.total, result.grade


def _require_role_over(actor: Any, roles: frozenset[str], node: Territory, refusal: str) -> None:
    """``refusal`` is the message when the actor lacks the roles over ``node``."""
    if is_system(actor):
        return
    if not permissions.has_role_over(actor, roles, node.path):
        raise PermissionDenied(refusal, code=ErrorCode.ASSESSMENT_FORBIDDEN)


def assessment_prepare(
    *, actor: Any, worker: User, year: int, month: int, now: dt.datetime | None = None
) -> Assessment:
    """Draft (or refresh the draft of) a worker's month: the automatic items computed from the records.

    Community staff over the worker's grid, or the scheduler (``SYSTEM``). Only drafts are refreshed.
    """
    conf.check_assessment_points()
    period = _month_start(year, month)
    grids = worker_grids(worker)
    if not grids:
        raise ValidationFailed(_("该人员不是网格员"), code=ErrorCode.NOT_GRID_WORKER, details=[{"field": "worker"}])
    grid = grids[0]
    community, street = _chain(grid)
    if not is_system(actor) and not Territory.objects.restrict(actor).filter(pk=grid.pk).exists():
        raise NotFound(_("找不到该网格员"))
    _require_role_over(actor, COMMUNITY_SCORERS, community, _("无权生成该网格员的考评"))
    items = scoring.auto_items_for(worker, period, now=now)
    with transaction.atomic():
        a = Assessment.objects.select_for_update().filter(worker=worker, period=period).first()
        if a is not None and a.status != AssessmentStatus.DRAFT:
            raise Conflict(_("考评已评分或已确认，不能重新生成"), details={"status": a.status})
        before = audit.snapshot(a)
        if a is None:
            a = Assessment(worker=worker, period=period)
        a.grid, a.community, a.street, a.scope_path = grid, community, street, grid.path
        _apply_scores(a, items, a.manual_items or {})
        if a.pk:
            a.version += 1
        a.save()
        audit.record(actor=actor, action="assessment.prepare", obj=a, before=before, after=audit.snapshot(a))
    return a


def _load(actor: Any, assessment_id: int, expected_version: int | None) -> Assessment:
    qs = Assessment.objects.select_for_update()
    if not is_system(actor):
        qs = qs.restrict(actor)
    a = qs.filter(pk=assessment_id).first()
    if a is None:
        raise NotFound(_("考评不存在"))
    if expected_version is not None and a.version != expected_version:
        raise Conflict(_("考评已被他人修改，请刷新后重试"), details={"current_version": a.version})
    return a


def _clean_manual(manual: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    errors = []
    for item in conf.manual_items():
        key, points = item["key"], Decimal(str(item["points"]))
        raw = manual.get(key)
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            errors.append({"field": key, "reason": "required"})
            continue
        if not value.is_finite() or value < 0 or value > points:
            errors.append({"field": key, "reason": "out_of_range", "max": str(points)})
            continue
        out[key] = str(value)
    unknown = set(manual) - {i["key"] for i in conf.manual_items()}
    errors += [{"field": k, "reason": "unknown_item"} for k in sorted(unknown)]
    if errors:
        raise ValidationFailed(_("人工考评项填写不正确"), details=errors)
    return out


def assessment_score(
    *,
    actor: Any,
    assessment_id: int,
    manual: dict[str, Any],
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Assessment:
    """社区评分: community staff enter the manual items; the automatic items are refreshed. draft|scored → scored."""
    cleaned = _clean_manual(manual)
    at = now or timezone.now()
    with transaction.atomic():
        a = _load(actor, assessment_id, expected_version)
        _require_role_over(actor, COMMUNITY_SCORERS, a.community, _("无权为该网格员评分"))
        if a.status not in {AssessmentStatus.DRAFT, AssessmentStatus.SCORED}:
            raise Conflict(
                _("考评已由街道确认，不能再评分"), code=ErrorCode.ALREADY_CONFIRMED, details={"status": a.status}
            )
        before = audit.snapshot(a)
        items = scoring.auto_items_for(a.worker, a.period, now=at)
        _apply_scores(a, items, cleaned)
        a.note = note.strip()
        a.status = AssessmentStatus.SCORED
        a.scored_by = actor if getattr(actor, "pk", None) else None
        a.scored_at = at
        a.version += 1
        a.save()
        audit.record(actor=actor, action="assessment.score", obj=a, before=before, after=audit.snapshot(a))
    return a


def assessment_confirm(
    *, actor: Any, assessment_id: int, expected_version: int | None = None, now: dt.datetime | None = None
) -> Assessment:
    """街道确认: street staff confirm a scored assessment. scored → confirmed."""
    at = now or timezone.now()
    with transaction.atomic():
        a = _load(actor, assessment_id, expected_version)
        _require_role_over(actor, STREET_CONFIRMERS, a.street, _("无权确认该网格员的考评"))
        if a.status != AssessmentStatus.SCORED:
            raise Conflict(_("只有社区已评分的考评可以确认"), code=ErrorCode.NOT_SCORED, details={"status": a.status})
        before = audit.snapshot(a)
        a.status = AssessmentStatus.CONFIRMED
        a.confirmed_by = actor if getattr(actor, "pk", None) else None
        a.confirmed_at = at
        a.version += 1
        a.save()
        audit.record(actor=actor, action="assessment.confirm", obj=a, before=before, after=audit.snapshot(a))
    return a


def assessment_return(*, actor: Any, assessment_id: int, note: str, expected_version: int | None = None) -> Assessment:
    """街道退回: street staff send a scored assessment back to the community. scored → draft."""
    if not note.strip():
        raise ValidationFailed(_("请填写退回原因"), code=ErrorCode.NOTE_REQUIRED, details=[{"field": "note"}])
    with transaction.atomic():
        a = _load(actor, assessment_id, expected_version)
        _require_role_over(actor, STREET_CONFIRMERS, a.street, _("无权退回该网格员的考评"))
        if a.status != AssessmentStatus.SCORED:
            raise Conflict(_("只有社区已评分的考评可以退回"), code=ErrorCode.NOT_SCORED, details={"status": a.status})
        before = audit.snapshot(a)
        a.status = AssessmentStatus.DRAFT
        a.version += 1
        a.save()
        audit.record(
            actor=actor, action="assessment.return", obj=a, before=before, after=audit.snapshot(a), note=note.strip()
        )
    return a


def ladder_quota(workers: int) -> int:
    """Promotions for a street with ``workers`` grid workers: the configured share, rounded half up."""
    share = Decimal(str(conf.ladder_proportion())) * workers
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def street_grid_workers(street: Territory) -> int:
    """Grid workers of a street: the base of the ladder quota."""
    workers: QuerySet[User] = User.objects.filter(
        is_active=True,
        grants__role=Role.GRID_WORKER,
        grants__territory__path__startswith=street.path,
        grants__territory__kind="grid",
    )
    return workers.distinct().count()


def assessment_ladder(*, actor: Any, street: Territory, year: int, month: int) -> list[Assessment]:
    """阶梯晋级: rank a street's confirmed assessments of the month and promote the configured share of its
    grid workers, best first, among those at or above the ladder minimum. Every assessment must be confirmed.
    The settled month then moves the workers' persistent ladder levels (``workforce.services.ladder_settle``).

    Ties at the cut-off go to the higher automatic score, then to the earlier-confirmed assessment.
    """
    period = _month_start(year, month)
    if not is_system(actor) and not Territory.objects.restrict(actor).filter(pk=street.pk).exists():
        raise NotFound(_("找不到该街道"))
    _require_role_over(actor, STREET_CONFIRMERS, street, _("无权评定该街道的阶梯晋级"))
    with transaction.atomic():
        rows = list(Assessment.objects.select_for_update().filter(street=street, period=period))
        pending = [a for a in rows if a.status != AssessmentStatus.CONFIRMED]
        if pending:
            raise Conflict(
                _("尚有 %(n)d 份考评未经街道确认，不能评定阶梯晋级") % {"n": len(pending)},
                code=ErrorCode.ASSESSMENTS_PENDING,
                details={"pending": len(pending)},
            )
        if not rows:
            raise ValidationFailed(_("该街道本月没有考评"), code=ErrorCode.NO_ASSESSMENTS)
        quota = ladder_quota(street_grid_workers(street))
        ordered = sorted(rows, key=lambda a: (-a.total, -a.auto_score, a.confirmed_at or timezone.now(), a.pk))
        promoted = [a for a in ordered if scoring.ladder_eligible(a.total)][:quota]
        for rank, a in enumerate(ordered, start=1):
            before = audit.snapshot(a)
            a.street_rank = rank
            a.promoted = a in promoted
            a.version += 1
            a.save(update_fields=["street_rank", "promoted", "version", "updated_at"])
            audit.record(actor=actor, action="assessment.ladder", obj=a, before=before, after=audit.snapshot(a))
        workforce.ladder_settle(actor=actor, street=street, month=period, outcomes=[_outcome(a) for a in ordered])
    return ordered


def _outcome(a: Assessment) -> workforce.MonthOutcome:
    """What the grid workforce's ladder level needs of a settled assessment."""
    return workforce.MonthOutcome(
        worker_id=a.worker_id,
        grid_id=a.grid_id,
        assessment_id=a.pk,
        total=a.total,
        grade=a.grade,
        grade_label=str(a.get_grade_display()),
        unqualified=a.grade == AssessmentGrade.UNQUALIFIED,
        promoted=a.promoted,
        street_rank=a.street_rank,
    )


def month_of(value: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month)."""
    try:
        year, month = (int(x) for x in value.split("-"))
        _month_start(year, month)
    except ValueError as exc:
        raise ValidationFailed(_("月份格式应为 YYYY-MM"), code=ErrorCode.INVALID_PERIOD) from exc
    return year, month
