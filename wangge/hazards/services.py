"""Writes on the hazard ledger (治安隐患排查整治台账): reporting a finding and taking the steps of its
rectification.

- :func:`hazard_report` registers a finding at a point, a building, a merchant, a grid or a position (the
  grid is always derived from the place, never trusted apart from it); the reporter must keep the ledgers of
  that grid (the ``record`` action); the deadline is counted in working days on the editable calendar; the
  before photos pass the one upload sanitiser.
- :func:`hazard_transition` takes one declared step of ``hazards.workflow`` — the only code that changes a
  finding's status. ``open_case`` opens a work order through the one intake service
  (``workorders.services.intake.work_order_create``) and links it.

Every write is atomic, writes one history row (``HazardEvent``) and one audit entry; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.accounts.permissions import ActorLike
from wangge.accounts.roles import RECORD
from wangge.core import audit, uploads
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.validators import normalise_phone, validate_phone
from wangge.core.workflow import FILES
from wangge.hazards.choices import HazardStatus, PhotoStage
from wangge.hazards.errors import ErrorCode
from wangge.hazards.models import HazardEvent, HazardFinding, HazardPhoto, HazardType
from wangge.hazards.workflow import WORKFLOW
from wangge.ledgers.models import Building, Merchant
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.locator import grid_of, locate
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

__all__ = ["due_at_for", "hazard_report", "hazard_transition", "new_code"]

MAX_DEADLINE_DAYS = 365
CODE_PREFIX = "YH"
PLACE_LABELS = {
    "building": "楼栋",
    "merchant": "商户/单位",
    "point": "点位",
    "location": "定位位置",
    "grid": "所选网格",
}


def due_at_for(found_at: dt.datetime, deadline_days: int) -> dt.datetime:
    """The rectification deadline: the end of office hours of the ``deadline_days``-th working day after the
    day the hazard was found (the day itself not counted, as every day-based limit of the platform)."""
    due: dt.datetime = get_calendar().add_working_days(found_at, deadline_days).value
    return due


def new_code(at: dt.datetime) -> str:
    """The next finding code of the local day of ``at``: ``YH`` + date + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = HazardFinding.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


# --- reporting ----------------------------------------------------------------------------------------


def _problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def _refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def _place_grid(
    *,
    grid: Territory | None,
    point: Point | None,
    building: Building | None,
    merchant: Merchant | None,
    lng: float | None,
    lat: float | None,
) -> Territory:
    """The grid the finding lies in: that of the building, merchant or point given, else the grid the
    position falls in, else the grid named. Places that disagree are refused."""
    grids: list[tuple[str, Territory | None]] = []
    for name, place in (("building", building), ("merchant", merchant), ("point", point)):
        if place is None:
            continue
        if place.grid is None:
            raise ValidationFailed(
                _("所选地点没有所属网格"),
                code=ErrorCode.PLACE_REQUIRED,
                details=[_problem(name, ErrorCode.PLACE_REQUIRED, _("所选地点没有所属网格"))],
            )
        grids.append((name, place.grid))
    if lng is not None and lat is not None:
        located = grid_of(locate(float(lng), float(lat)))
        if located is None:
            raise ValidationFailed(
                _("该位置不在本平台任何网格内"),
                code=ErrorCode.OUTSIDE_TERRITORY,
                details=[_problem("location", ErrorCode.OUTSIDE_TERRITORY, _("该位置不在本平台任何网格内"))],
            )
        grids.append(("location", located))
    if grid is not None:
        if grid.kind != TerritoryKind.GRID:
            raise ValidationFailed(
                _("所在网格须为网格一级"),
                code=ErrorCode.PLACE_REQUIRED,
                details=[_problem("grid", ErrorCode.PLACE_REQUIRED, _("所在网格须为网格一级"))],
            )
        grids.append(("grid", grid))
    found = [(name, g) for name, g in grids if g is not None]
    if not found:
        raise ValidationFailed(
            _("请选择隐患所在的点位、楼栋、商户或网格，或提供位置"),
            code=ErrorCode.PLACE_REQUIRED,
            details=[_problem("place", ErrorCode.PLACE_REQUIRED, _("缺少隐患位置"))],
        )
    first_name, first = found[0]
    for name, g in found[1:]:
        if g.pk != first.pk:
            reason = _("%(a)s与%(b)s不在同一网格") % {"a": PLACE_LABELS[first_name], "b": PLACE_LABELS[name]}
            raise ValidationFailed(
                reason, code=ErrorCode.PLACE_MISMATCH, details=[_problem(name, ErrorCode.PLACE_MISMATCH, reason)]
            )
    return first


def _check_recorder(actor: ActorLike, grid: Territory) -> None:
    """The actor keeps the ledgers of ``grid``: the ``record`` action over it (the system always)."""
    if is_system(actor):
        return
    if not Territory.objects.restrict(actor, RECORD).filter(pk=grid.pk).exists():
        raise PermissionDenied(
            _("该位置不在您负责登记的网格内"),
            code=ErrorCode.PLACE_OUT_OF_SCOPE,
            details=[_problem("place", ErrorCode.PLACE_OUT_OF_SCOPE, _("不在登记范围内"))],
        )


def _text(value: Any, field: str, limit: int, problems: list[dict[str, Any]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(_problem(field, ErrorCode.INVALID_HAZARD, _("请填写此项")))
    elif len(text) > limit:
        problems.append(
            _problem(field, ErrorCode.INVALID_HAZARD, _("不能超过 %(n)s 个字") % {"n": limit}),
        )
    return text


def _store_photos(
    finding: HazardFinding, cleaned: Iterable[uploads.CleanFile], stage: str, actor: ActorLike
) -> list[HazardPhoto]:
    return [
        HazardPhoto.objects.create(
            finding=finding,
            stage=stage,
            file=clean.as_file(),
            content_type=clean.content_type,
            uploaded_by=user_of(actor),
        )
        for clean in cleaned
    ]


def _event(
    finding: HazardFinding, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str = ""
) -> HazardEvent:
    return HazardEvent.objects.create(
        finding=finding,
        action=action,
        from_status=from_status,
        to_status=finding.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )


def hazard_report(
    *,
    actor: ActorLike,
    type: HazardType,
    title: str,
    owner_name: str,
    grid: Territory | None = None,
    point: Point | None = None,
    building: Building | None = None,
    merchant: Merchant | None = None,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    description: str = "",
    owner_phone: str = "",
    owner_unit: Unit | None = None,
    deadline_days: int = 5,
    found_at: dt.datetime | None = None,
    photos: Iterable[Any] = (),
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> HazardFinding:
    """Register a hazard finding (排查登记) with its before photos; returns it.

    ``lng``/``lat`` are WGS-84. Without a position the finding takes that of its building, merchant or point.
    Raises ValidationFailed (a missing or bad field, a place in no grid, places in different grids, a photo that
    is not an image) and PermissionDenied (the grid is not one the actor keeps the ledgers of)."""
    require(actor)
    at = now or timezone.now()
    found = found_at or at
    problems: list[dict[str, Any]] = []
    if not isinstance(type, HazardType) or not type.is_active:
        problems.append(_problem("type", ErrorCode.UNKNOWN_HAZARD_TYPE, _("隐患类型不存在或已停用")))
    title = _text(title, "title", 200, problems, required=True)
    owner_name = _text(owner_name, "owner_name", 50, problems, required=True)
    address = _text(address, "address", 200, problems)
    description = str(description or "").strip()
    phone = normalise_phone(owner_phone) if owner_phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            problems.append(_problem("owner_phone", ErrorCode.INVALID_PHONE, _("电话号码格式不正确")))
    if (
        isinstance(deadline_days, bool)
        or not isinstance(deadline_days, int)
        or not 1 <= deadline_days <= MAX_DEADLINE_DAYS
    ):
        problems.append(
            _problem("deadline_days", ErrorCode.INVALID_DEADLINE, _("整改时限须为 1-365 个工作日")),
        )
    if found > at:
        problems.append(_problem("found_at", ErrorCode.FOUND_IN_FUTURE, _("发现时间不能晚于当前时间")))
    if problems:
        raise _refuse(problems)
    if lng is None or lat is None:
        lng = lat = None
        for place in (building, merchant, point):
            if place is not None and place.lng is not None and place.lat is not None:
                lng, lat = place.lng, place.lat
                break
    if not address:
        for place in (building, merchant, point):
            if place is not None and place.address:
                address = str(place.address)[:200]
                break
    cleaned = uploads.sanitise_all(photos, accept=uploads.IMAGES)  # every photo checked before anything is kept
    with transaction.atomic():
        place_grid = _place_grid(grid=grid, point=point, building=building, merchant=merchant, lng=lng, lat=lat)
        _check_recorder(actor, place_grid)
        finding = HazardFinding(
            type=type,
            title=title,
            description=description,
            grid=place_grid,
            point=point,
            building=building,
            merchant=merchant,
            address=address,
            lng=lng,
            lat=lat,
            found_by=user_of(actor),
            found_by_name=label_of(actor)[:150],
            found_at=found,
            owner_name=owner_name,
            owner_phone=phone,
            owner_phone_index=blind_index(phone),
            owner_unit=owner_unit,
            deadline_days=deadline_days,
            due_at=due_at_for(found, deadline_days),
            status=HazardStatus.OPEN,
            is_synthetic=is_synthetic,
        )
        _insert_with_code(finding, at)
        stored = _store_photos(finding, cleaned, PhotoStage.BEFORE, actor)
        _event(finding, "report", actor, at, "", note=title)
        audit.record(
            actor=actor,
            action="hazards.report",
            obj=finding,
            after={**(audit.snapshot(finding) or {}), "photos": [p.pk for p in stored]},
        )
    return finding


def _insert_with_code(finding: HazardFinding, at: dt.datetime) -> None:
    """Insert ``finding`` under the next code of the day; a code taken meanwhile by another writer is
    retried with the following one."""
    for _attempt in range(5):
        finding.code = new_code(at)
        try:
            with transaction.atomic():
                finding.save()
            return
        except IntegrityError:
            if not HazardFinding.objects.filter(code=finding.code).exists():
                raise
    finding.code = f"{new_code(at)[:-4]}{timezone.localtime(at):%H%M%S%f}"[:32]
    finding.save()


# --- the steps ------------------------------------------------------------------------------------------

Handler = Callable[[HazardFinding, ActorLike, dt.datetime, Mapping[str, Any]], str]


def _submit_rectification(finding: HazardFinding, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    finding.rectification = str(p["rectification"]).strip()
    finding.rectified_at = at
    return finding.rectification


def _verify(finding: HazardFinding, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    finding.closed_at = at
    finding.closed_by = user_of(actor)
    return str(p.get("note") or "")


def _reject(finding: HazardFinding, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    finding.rectified_at = None
    return str(p["reason"]).strip()


def _cancel(finding: HazardFinding, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    return str(p["reason"]).strip()


def _district_of(grid: Territory) -> Territory | None:
    step = Territory.steplen
    prefixes = [grid.path[:i] for i in range(step, len(grid.path) + 1, step)]
    district: Territory | None = (
        Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).order_by("-depth").first()
    )
    return district


def _copy(photo: HazardPhoto) -> ContentFile:  # type: ignore[type-arg]
    """A stored photo as an upload for the work order (the intake sanitises it again, as any upload)."""
    with photo.file.open("rb") as stored:
        data = stored.read()
    return ContentFile(data, name=photo.file.name.rsplit("/", 1)[-1])


def _open_case(finding: HazardFinding, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> str:
    """Open a work order for the finding through the one intake, with its place, its type's category (when
    the code names an active category of the current dictionary) and its before photos."""
    from wangge.workorders.choices import AppealType, Channel
    from wangge.workorders.models import Category
    from wangge.workorders.services.intake import work_order_create

    hazard_type = finding.type
    category = None
    if hazard_type.category_code:
        category = Category.objects.filter(
            code=hazard_type.category_code, is_active=True, category_set__is_active=True
        ).first()
    note = str(p.get("note") or "").strip()
    lines = [
        finding.description or finding.title,
        _("隐患编号：%(code)s（%(type)s）") % {"code": finding.code, "type": hazard_type.name},
        _("整改责任人：%(name)s；整改期限：%(due)s")
        % {"name": finding.owner_name, "due": f"{timezone.localtime(finding.due_at):%Y-%m-%d %H:%M}"},
    ]
    if note:
        lines.append(note)
    photos = [
        _copy(photo) for photo in finding.photos.filter(stage=PhotoStage.BEFORE).order_by("id")[: uploads.max_files()]
    ]
    wo = work_order_create(
        actor=actor,
        channel=Channel.INSPECTION,
        appeal_type=AppealType.REPORT,
        title=f"{hazard_type.name}隐患：{finding.title}"[:200],
        description="\n".join(lines),
        category=category,
        lng=finding.lng,
        lat=finding.lat,
        address=finding.address,
        district=_district_of(finding.grid),
        point=finding.point,
        photos=photos,
        now=at,
    )
    finding.work_order = wo
    return _("已转立工单 %(code)s") % {"code": wo.tracking_code} + (f"\n{note}" if note else "")


HANDLERS: dict[str, Handler] = {
    "submit_rectification": _submit_rectification,
    "verify": _verify,
    "reject": _reject,
    "cancel": _cancel,
    "open_case": _open_case,
}
PHOTO_STAGES: dict[str, str] = {"after_photos": PhotoStage.AFTER}


def hazard_transition(
    *,
    actor: ActorLike,
    finding: HazardFinding | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> HazardFinding:
    """Take step ``name`` of the declared workflow on a finding. Locks the row in the actor's scope, checks the
    state (409), who acts (403), the guard (409) and the required inputs (400), runs the step, settles the status
    among the declared targets, stores the step's photos and writes the history row and the audit entry.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = finding.pk if isinstance(finding, HazardFinding) else int(finding)
    at = now or timezone.now()
    with transaction.atomic():
        qs = HazardFinding.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("grid", "type").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("隐患不存在"), code=ErrorCode.HAZARD_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        files = {i.name: [f for f in (inputs.get(i.name) or ()) if f] for i in t.inputs if i.kind == FILES}
        cleaned = {k: uploads.sanitise_all(v, accept=uploads.IMAGES) for k, v in files.items()}
        before = audit.snapshot(locked)
        from_status = locked.status
        note = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        stored = [
            photo for key, batch in cleaned.items() for photo in _store_photos(locked, batch, PHOTO_STAGES[key], actor)
        ]
        _event(locked, name, actor, at, from_status, note=note)
        after = audit.snapshot(locked) or {}
        if stored:
            after["photos"] = [p.pk for p in stored]
        audit.record(actor=actor, action=f"hazards.{name}", obj=locked, before=before, after=after)
    return locked
