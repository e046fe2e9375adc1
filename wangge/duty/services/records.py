"""Writes on the rescue forces, the emergency plans, the drills and the 会商 records.

- :func:`team_create` registers an 抢险队伍 with its leader (phone protected) and its equipment.
- :func:`plan_create` registers an 应急预案 with its first version; :func:`plan_revise` adds a version, which
  supersedes the current one (kept, marked 已废止). Files pass the one upload sanitiser (PDF or images).
- :func:`drill_record` records an 演练 with its photos; :func:`consultation_record` a 会商.

Only those who keep the node (the ``change`` action over it) write. Every write is atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Unit
from wangge.core import audit, uploads
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound
from wangge.duty.choices import PlanKind, TeamKind
from wangge.duty.errors import ErrorCode
from wangge.duty.models import (
    Consultation,
    Drill,
    DrillPhoto,
    EmergencyPlan,
    PlanVersion,
    RescueTeam,
    TeamEquipment,
)
from wangge.duty.services.common import check_keeper, phone_or_blank, refuse, text
from wangge.territory.models import Territory

__all__ = ["consultation_record", "drill_record", "plan_create", "plan_revise", "team_create"]


def _count(value: Any, field: str, error: ErrorCode, *, low: int = 0, high: int = 1_000_000) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError) as exc:
        raise refuse(field, error, _("请填写整数")) from exc
    if isinstance(value, bool) or not low <= n <= high:
        raise refuse(field, error, _("须在 %(a)s-%(b)s 之间") % {"a": low, "b": high})
    return n


def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    territory: Territory,
    leader_name: str,
    members: int,
    leader_phone: str = "",
    unit: Unit | None = None,
    address: str = "",
    lng: float | None = None,
    lat: float | None = None,
    equipment: Sequence[tuple[str, int, str]] = (),
    is_synthetic: bool = False,
) -> RescueTeam:
    """Register a rescue team pre-positioned in ``territory``; ``equipment`` lists (name, quantity, unit)."""
    require(actor)
    name = text(name, "name", 100, ErrorCode.INVALID_TEAM, required=True)
    if kind not in TeamKind.values:
        raise refuse("kind", ErrorCode.INVALID_TEAM, _("队伍类型不正确"))
    leader_name = text(leader_name, "leader_name", 50, ErrorCode.INVALID_TEAM, required=True)
    phone = phone_or_blank(leader_phone, "leader_phone", ErrorCode.INVALID_TEAM)
    members = _count(members, "members", ErrorCode.INVALID_TEAM, low=1, high=100_000)
    address = text(address, "address", 200, ErrorCode.INVALID_TEAM)
    kit = [
        (
            text(n, "equipment", 50, ErrorCode.INVALID_TEAM, required=True),
            _count(q, "equipment", ErrorCode.INVALID_TEAM),
            str(u or "")[:10],
        )
        for n, q, u in equipment
    ]
    with transaction.atomic():
        check_keeper(actor, territory)
        team = RescueTeam.objects.create(
            name=name,
            kind=kind,
            territory=territory,
            leader_name=leader_name,
            leader_phone=phone,
            members=members,
            unit=unit,
            address=address,
            lng=lng,
            lat=lat,
            is_synthetic=is_synthetic,
        )
        TeamEquipment.objects.bulk_create(TeamEquipment(team=team, name=n, quantity=q, unit_label=u) for n, q, u in kit)
        after = {**(audit.snapshot(team) or {}), "equipment": [f"{n} {q}{u}" for n, q, u in kit]}
        audit.record(actor=actor, action="duty.team_create", obj=team, after=after)
    return team


def _plan_file(file: Any) -> uploads.CleanFile | None:
    return uploads.sanitise(file, accept=uploads.IMAGES_AND_PDF) if file else None


def _version(
    plan: EmergencyPlan,
    version: str,
    effective_on: dt.date,
    summary: str,
    clean: uploads.CleanFile | None,
    actor: Any,
    at: dt.datetime,
) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan,
        version=version,
        effective_on=effective_on,
        summary=summary,
        file=clean.as_file() if clean is not None else "",
        content_type=clean.content_type if clean is not None else "",
        uploaded_at=at,
        uploaded_by=user_of(actor),
    )


def plan_create(
    *,
    actor: Any,
    title: str,
    kind: str,
    territory: Territory,
    version: str,
    effective_on: dt.date,
    units: Iterable[Unit] = (),
    summary: str = "",
    file: Any = None,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> EmergencyPlan:
    """Register an emergency plan of ``territory`` binding ``units``, with its first version and file."""
    require(actor)
    at = now or timezone.now()
    title = text(title, "title", 200, ErrorCode.INVALID_PLAN, required=True)
    if kind not in PlanKind.values:
        raise refuse("kind", ErrorCode.INVALID_PLAN, _("预案类型不正确"))
    version = text(version, "version", 20, ErrorCode.INVALID_PLAN, required=True)
    summary = text(summary, "summary", 5000, ErrorCode.INVALID_PLAN)
    clean = _plan_file(file)
    with transaction.atomic():
        check_keeper(actor, territory)
        plan = EmergencyPlan.objects.create(title=title, kind=kind, territory=territory, is_synthetic=is_synthetic)
        plan.units.set(list(units))
        first = _version(plan, version, effective_on, summary, clean, actor, at)
        after = {**(audit.snapshot(plan) or {}), "version": first.version, "units": [u.pk for u in units]}
        audit.record(actor=actor, action="duty.plan_create", obj=plan, after=after)
    return plan


def plan_revise(
    *,
    actor: Any,
    plan: EmergencyPlan | int,
    version: str,
    effective_on: dt.date,
    summary: str = "",
    file: Any = None,
    now: dt.datetime | None = None,
) -> PlanVersion:
    """Add a new version of ``plan``: it becomes the current one and the previous current version is superseded
    (its ``superseded_at`` set; it stays listed and downloadable)."""
    require(actor)
    at = now or timezone.now()
    version = text(version, "version", 20, ErrorCode.INVALID_PLAN, required=True)
    summary = text(summary, "summary", 5000, ErrorCode.INVALID_PLAN)
    clean = _plan_file(file)
    pk = plan.pk if isinstance(plan, EmergencyPlan) else int(plan)
    with transaction.atomic():
        qs = EmergencyPlan.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked: EmergencyPlan | None = qs.select_related("territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("预案不存在"), code=ErrorCode.PLAN_NOT_FOUND)
        check_keeper(actor, locked.territory)
        if locked.versions.filter(version=version).exists():
            raise refuse("version", ErrorCode.DUPLICATE_VERSION, _("该预案已有版本 %(v)s") % {"v": version})
        superseded = list(locked.versions.filter(superseded_at__isnull=True).values_list("version", flat=True))
        locked.versions.filter(superseded_at__isnull=True).update(superseded_at=at)
        new = _version(locked, version, effective_on, summary, clean, actor, at)
        audit.record(
            actor=actor,
            action="duty.plan_revise",
            obj=locked,
            after={"version": new.version, "effective_on": effective_on.isoformat(), "superseded": superseded},
            only_changes=False,
        )
    return new


def drill_record(
    *,
    actor: Any,
    held_on: dt.date,
    title: str,
    territory: Territory,
    participants: int,
    scenario: str,
    plan: EmergencyPlan | None = None,
    units: Iterable[Unit] = (),
    findings: str = "",
    follow_ups: str = "",
    photos: Iterable[Any] = (),
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> Drill:
    """Record a drill held on ``held_on`` (not after today) with its photos (sanitised images)."""
    require(actor)
    at = now or timezone.now()
    if held_on > timezone.localtime(at).date():
        raise refuse("held_on", ErrorCode.INVALID_DRILL, _("演练日期不能晚于今天"))
    title = text(title, "title", 200, ErrorCode.INVALID_DRILL, required=True)
    scenario = text(scenario, "scenario", 5000, ErrorCode.INVALID_DRILL, required=True)
    findings = text(findings, "findings", 5000, ErrorCode.INVALID_DRILL)
    follow_ups = text(follow_ups, "follow_ups", 5000, ErrorCode.INVALID_DRILL)
    participants = _count(participants, "participants", ErrorCode.INVALID_DRILL, low=1, high=100_000)
    cleaned = uploads.sanitise_all([p for p in photos if p], accept=uploads.IMAGES)
    units = list(units)
    with transaction.atomic():
        check_keeper(actor, territory)
        if plan is not None and not (
            is_system(actor) or EmergencyPlan.objects.restrict(actor).filter(pk=plan.pk).exists()
        ):
            raise refuse("plan", ErrorCode.PLAN_NOT_FOUND, _("预案不存在"))
        drill = Drill.objects.create(
            held_on=held_on,
            title=title,
            territory=territory,
            participants=participants,
            scenario=scenario,
            plan=plan,
            findings=findings,
            follow_ups=follow_ups,
            recorded_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        drill.units.set(units)
        stored = [
            DrillPhoto.objects.create(drill=drill, file=c.as_file(), content_type=c.content_type) for c in cleaned
        ]
        after = {**(audit.snapshot(drill) or {}), "units": [u.pk for u in units], "photos": [p.pk for p in stored]}
        audit.record(actor=actor, action="duty.drill_create", obj=drill, after=after)
    return drill


def consultation_record(
    *,
    actor: Any,
    held_at: dt.datetime,
    territory: Territory,
    topic: str,
    convened_by: str,
    attendees: str,
    situation: str,
    decisions: str,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> Consultation:
    """Record a 会商 held at ``held_at`` (not in the future)."""
    require(actor)
    at = now or timezone.now()
    if held_at > at + dt.timedelta(minutes=5):
        raise refuse("held_at", ErrorCode.INVALID_CONSULTATION, _("会商时间不能晚于现在"))
    topic = text(topic, "topic", 200, ErrorCode.INVALID_CONSULTATION, required=True)
    convened_by = text(convened_by, "convened_by", 100, ErrorCode.INVALID_CONSULTATION, required=True)
    attendees = text(attendees, "attendees", 5000, ErrorCode.INVALID_CONSULTATION, required=True)
    situation = text(situation, "situation", 10000, ErrorCode.INVALID_CONSULTATION, required=True)
    decisions = text(decisions, "decisions", 10000, ErrorCode.INVALID_CONSULTATION, required=True)
    with transaction.atomic():
        check_keeper(actor, territory)
        record = Consultation.objects.create(
            held_at=held_at,
            territory=territory,
            topic=topic,
            convened_by=convened_by,
            attendees=attendees,
            situation=situation,
            decisions=decisions,
            recorded_by=user_of(actor),
            is_synthetic=is_synthetic,
        )
        audit.record(actor=actor, action="duty.consultation_create", obj=record, after=audit.snapshot(record))
    return record
