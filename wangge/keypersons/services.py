"""Writes on the 重点人员 ledger: add a key person, change one, record a visit (走访), release (解除管控).

Each runs in one transaction, refuses bad input with a clear error and writes nothing, and writes both the
audit trail (``core.audit``: the change, with the person's notes and resident masked) and the ledger's own
access log (``keypersons.access``), naming the channel (``web``, ``api``, ``cli``). The actor is an account
holding the key-person role over the person's grid, or ``SYSTEM`` (seeds, the demo, operator commands); for
anyone else the person "does not exist". Release archives: nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.core import audit
from wangge.core.actors import is_system, label_of, user_of
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.keypersons import schedule
from wangge.keypersons.access import AccessChannel, log_access
from wangge.keypersons.choices import AccessAction, AttentionLevel, KeyPersonStatus, VisitMethod
from wangge.keypersons.errors import ErrorCode
from wangge.keypersons.models import KeyPerson, KeyPersonCategory, KeyPersonVisit
from wangge.keypersons.selectors import pickable_residents, visible_key_persons
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Resident

__all__ = ["key_person_create", "key_person_release", "key_person_update", "key_person_visit"]

# Never copied in clear into the general audit trail, which readers outside the ledger may see.
AUDIT_MASKED = {"resident", "notes", "helper_names"}
HELPER_NAMES_MAX = 200
SITUATION_MAX = 4000
NOTE_MAX = 500

_UNSET: Any = object()


def _problem(field: str, code: ErrorCode, reason: str) -> dict[str, str]:
    return {"field": field, "error": code, "reason": reason}


def _fail(field: str, code: ErrorCode, reason: str) -> ValidationFailed:
    return ValidationFailed(reason, code=ErrorCode(code), details=[_problem(field, code, reason)])


def _snapshot(key_person: KeyPerson) -> dict[str, Any] | None:
    return audit.snapshot(key_person, protected=AUDIT_MASKED)


def _require(actor: Any, key_person: KeyPerson) -> KeyPerson:
    """The key person, locked, if the actor may keep it; "not found" otherwise."""
    rows = KeyPerson.objects.all() if is_system(actor) else visible_key_persons(actor)
    locked = rows.select_for_update().filter(pk=key_person.pk).first()
    if locked is None:
        raise NotFound(_("重点人员不存在"), code=ErrorCode.KEY_PERSON_NOT_FOUND)
    return locked


def _require_active(key_person: KeyPerson) -> None:
    if key_person.status != KeyPersonStatus.ACTIVE:
        raise Conflict(_("该人员已解除管控，不能再修改或登记走访"), code=ErrorCode.RELEASED)


def _category(value: KeyPersonCategory | str) -> KeyPersonCategory:
    category = value if isinstance(value, KeyPersonCategory) else KeyPersonCategory.objects.filter(key=value).first()
    if category is None or not category.is_active:
        raise _fail("category", ErrorCode.CATEGORY_INACTIVE, _("人员类别不存在或已停用"))
    return category


def _level(value: str) -> str:
    if value not in AttentionLevel.values:
        raise _fail("level", ErrorCode.INVALID_CHOICE, _("请选择关注等级"))
    return value


def _interval(value: int | None) -> int | None:
    if value is None:
        return None
    if not schedule.MIN_INTERVAL_DAYS <= int(value) <= schedule.MAX_INTERVAL_DAYS:
        reason = _("走访周期须在 %(low)d 至 %(high)d 天之间") % {
            "low": schedule.MIN_INTERVAL_DAYS,
            "high": schedule.MAX_INTERVAL_DAYS,
        }
        raise _fail("visit_interval_days", ErrorCode.INVALID_INTERVAL, reason)
    return int(value)


def _helpers(values: Iterable[User | int]) -> list[User]:
    ids = {v.pk if isinstance(v, User) else int(v) for v in values}
    found = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(ids):
        raise _fail("helpers", ErrorCode.UNKNOWN_HELPER, _("帮扶责任人账号不存在或已停用"))
    return found


def _helper_names(value: str) -> str:
    text = (value or "").strip()
    if len(text) > HELPER_NAMES_MAX:
        raise _fail("helper_names", ErrorCode.TOO_LONG, _("帮扶人(其他)不能超过200字"))
    return text


def _unique_active(resident: Resident, category: KeyPersonCategory, *, exclude: int | None = None) -> None:
    clash = KeyPerson.objects.filter(resident=resident, category=category, status=KeyPersonStatus.ACTIVE)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(_("该居民已在此类别下管控"), code=ErrorCode.ALREADY_ACTIVE)


@transaction.atomic
def key_person_create(
    *,
    actor: Any,
    resident: Resident,
    category: KeyPersonCategory | str,
    level: str = AttentionLevel.NORMAL,
    helpers: Iterable[User | int] = (),
    helper_names: str = "",
    visit_interval_days: int | None = None,
    started_on: dt.date | None = None,
    notes: str = "",
    channel: AccessChannel | str = AccessChannel.CLI,
    is_synthetic: bool = False,
) -> KeyPerson:
    """Place a resident of the actor's grids under 管控 in a category. The first visit is due one interval
    after ``started_on`` (today by default)."""
    residents = Resident.objects.all() if is_system(actor) else pickable_residents(actor, current_only=False)
    found = residents.select_related("grid").filter(pk=resident.pk).first()
    if found is None:
        raise NotFound(_("居民不存在"), code=ErrorCode.RESIDENT_NOT_FOUND)
    if found.status != ResidentStatus.CURRENT:
        raise _fail("resident", ErrorCode.RESIDENT_ARCHIVED, _("该居民已迁出或死亡（已归档）"))
    the_category = _category(category)
    start = started_on or schedule.today()
    if start > schedule.today():
        raise _fail("started_on", ErrorCode.INVALID_DATE, _("纳入管控日期不能晚于今天"))
    key_person = KeyPerson(
        resident=found,
        category=the_category,
        grid=found.grid,
        level=_level(level),
        helper_names=_helper_names(helper_names),
        visit_interval_days=_interval(visit_interval_days),
        started_on=start,
        status=KeyPersonStatus.ACTIVE,
        notes=(notes or "").strip(),
        is_synthetic=is_synthetic,
    )
    the_helpers = _helpers(helpers)
    _unique_active(found, the_category)
    key_person.next_visit_due = schedule.due_after(key_person, the_category)
    try:
        with transaction.atomic():
            key_person.save()
    except IntegrityError as exc:  # a concurrent add of the same resident and category
        raise Conflict(_("该居民已在此类别下管控"), code=ErrorCode.ALREADY_ACTIVE) from exc
    key_person.helpers.set(the_helpers)
    audit.record(actor=actor, action="keypersons.create", obj=key_person, after=_snapshot(key_person))
    log_access(actor, AccessAction.CREATE, [key_person.pk], channel=channel)
    return key_person


@transaction.atomic
def key_person_update(
    *,
    actor: Any,
    key_person: KeyPerson,
    category: KeyPersonCategory | str = _UNSET,
    level: str = _UNSET,
    helpers: Iterable[User | int] = _UNSET,
    helper_names: str = _UNSET,
    visit_interval_days: int | None = _UNSET,
    notes: str = _UNSET,
    channel: AccessChannel | str = AccessChannel.CLI,
) -> KeyPerson:
    """Change the given fields of a key person under 管控. A new category or interval moves the next due day
    (from the latest visit, or from the start when never visited)."""
    kp = _require(actor, key_person)
    _require_active(kp)
    before = _snapshot(kp)
    helpers_before = sorted(kp.helpers.values_list("pk", flat=True))
    changed: list[str] = []
    if category is not _UNSET:
        the_category = _category(category)
        if the_category.pk != kp.category_id:
            _unique_active(kp.resident, the_category, exclude=kp.pk)
            kp.category = the_category
            changed.append("category")
    if level is not _UNSET and _level(level) != kp.level:
        kp.level = level
        changed.append("level")
    if helper_names is not _UNSET and _helper_names(helper_names) != kp.helper_names:
        kp.helper_names = _helper_names(helper_names)
        changed.append("helper_names")
    if visit_interval_days is not _UNSET and _interval(visit_interval_days) != kp.visit_interval_days:
        kp.visit_interval_days = _interval(visit_interval_days)
        changed.append("visit_interval_days")
    if notes is not _UNSET and (notes or "").strip() != kp.notes:
        kp.notes = (notes or "").strip()
        changed.append("notes")
    new_helpers: list[User] | None = None
    if helpers is not _UNSET:
        new_helpers = _helpers(helpers)
        if sorted(h.pk for h in new_helpers) != helpers_before:
            changed.append("helpers")
    kp.next_visit_due = schedule.due_after(kp)
    kp.save()
    if new_helpers is not None:
        kp.helpers.set(new_helpers)
    after = _snapshot(kp)
    if before is not None and after is not None:
        before["helpers"], after["helpers"] = helpers_before, sorted(kp.helpers.values_list("pk", flat=True))
    audit.record(actor=actor, action="keypersons.update", obj=kp, before=before, after=after)
    log_access(actor, AccessAction.UPDATE, [kp.pk], query={"fields": changed}, channel=channel)
    return kp


def _coordinates(lng: float | None, lat: float | None) -> tuple[float | None, float | None]:
    if lng is None and lat is None:
        return None, None
    if lng is None or lat is None:
        raise _fail("lat", ErrorCode.INVALID_COORDINATES, _("经度和纬度须同时填写"))
    if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
        raise _fail("lng", ErrorCode.INVALID_COORDINATES, _("经纬度超出范围"))
    return float(lng), float(lat)


@transaction.atomic
def key_person_visit(
    *,
    actor: Any,
    key_person: KeyPerson,
    visited_at: dt.datetime,
    method: str,
    situation: str,
    lng: float | None = None,
    lat: float | None = None,
    channel: AccessChannel | str = AccessChannel.CLI,
) -> KeyPersonVisit:
    """Record a visit (走访). The latest visit sets ``last_visit_at`` and moves the next due day to its date
    plus the interval; a visit recorded late (older than the latest) is kept but moves nothing."""
    kp = _require(actor, key_person)
    _require_active(kp)
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise _fail("visited_at", ErrorCode.INVALID_DATE, _("走访时间不能晚于现在"))
    if timezone.localdate(visited_at) < kp.started_on:
        raise _fail("visited_at", ErrorCode.INVALID_DATE, _("走访时间不能早于纳入管控日期"))
    if method not in VisitMethod.values:
        raise _fail("method", ErrorCode.INVALID_CHOICE, _("请选择走访方式"))
    text = (situation or "").strip()
    if not text:
        raise _fail("situation", ErrorCode.REQUIRED, _("请填写走访情况"))
    if len(text) > SITUATION_MAX:
        raise _fail("situation", ErrorCode.TOO_LONG, _("走访情况不能超过4000字"))
    v_lng, v_lat = _coordinates(lng, lat)
    before = _snapshot(kp)
    account = user_of(actor)
    visit = KeyPersonVisit.objects.create(
        key_person=kp,
        visited_at=visited_at,
        method=method,
        visitor=account,
        visitor_name=label_of(actor)[:150],
        situation=text,
        lng=v_lng,
        lat=v_lat,
    )
    if kp.last_visit_at is None or visited_at > kp.last_visit_at:
        kp.last_visit_at = visited_at
    kp.next_visit_due = schedule.due_after(kp)
    kp.save(update_fields=["last_visit_at", "next_visit_due", "updated_at"])
    audit.record(
        actor=actor,
        action="keypersons.visit",
        obj=kp,
        before=before,
        after=_snapshot(kp),
        note=f"visit:{visit.pk}",
    )
    log_access(actor, AccessAction.VISIT, [kp.pk], query={"visit": visit.pk}, channel=channel)
    return visit


@transaction.atomic
def key_person_release(
    *,
    actor: Any,
    key_person: KeyPerson,
    ended_on: dt.date,
    note: str,
    channel: AccessChannel | str = AccessChannel.CLI,
) -> KeyPerson:
    """Release (解除管控): the key person is archived as released on ``ended_on`` with the reason appended to
    its notes; its visits stay. It is no longer due for visits. Nothing is deleted."""
    kp = _require(actor, key_person)
    _require_active(kp)
    reason = (note or "").strip()
    if not reason:
        raise _fail("note", ErrorCode.REQUIRED, _("请填写解除原因"))
    if len(reason) > NOTE_MAX:
        raise _fail("note", ErrorCode.TOO_LONG, _("解除原因不能超过500字"))
    if ended_on > schedule.today():
        raise _fail("ended_on", ErrorCode.INVALID_DATE, _("解除日期不能晚于今天"))
    if ended_on < kp.started_on:
        raise _fail("ended_on", ErrorCode.INVALID_DATE, _("解除日期不能早于纳入管控日期"))
    before = _snapshot(kp)
    kp.status = KeyPersonStatus.RELEASED
    kp.ended_on = ended_on
    line = _("%(date)s 解除管控：%(reason)s") % {"date": ended_on.isoformat(), "reason": reason}
    kp.notes = f"{kp.notes}\n{line}" if kp.notes else line
    kp.next_visit_due = schedule.due_after(kp)
    kp.save()
    audit.record(actor=actor, action="keypersons.release", obj=kp, before=before, after=_snapshot(kp))
    log_access(actor, AccessAction.RELEASE, [kp.pk], channel=channel)
    return kp
