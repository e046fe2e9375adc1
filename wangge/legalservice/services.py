"""Writes of the public legal service (公共法律服务).

Who keeps the registers: the holders of the ``change`` action over the node a row belongs to — community
staff, street staff and administrators (``accounts.roles``); the system always. A row on a node outside that
scope is refused (403) and nothing is kept.

- advisers (:func:`adviser_create`), the communities they serve (:func:`adviser_serve`, :func:`adviser_release`)
  and their service records (:func:`adviser_service_record`);
- 法律明白人 (:func:`literate_create`), liaisons (:func:`liaison_create`), legal-aid points
  (:func:`aid_point_create`) and consultations (:func:`consultation_record`);
- legal-aid cases: :func:`legal_aid_apply` registers an application with its review time limit on the working
  calendar; :func:`legal_aid_transition` takes one declared step of ``legalservice.workflow`` — the only code that
  changes a case's status.

Every write is atomic and writes its audit entry; a refusal writes nothing. Rule errors carry a code of
``legalservice.errors.ErrorCode`` and list every problem found (``details``: field, error, reason).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.core.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone
from wangge.legalservice.choices import (
    AidMatter,
    AidOutcome,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)
from wangge.legalservice.errors import ErrorCode
from wangge.legalservice.models import (
    AdviserCommunity,
    AdviserService,
    Consultation,
    LegalAdviser,
    LegalAidCase,
    LegalAidEvent,
    LegalAidPoint,
    LegalLiterate,
    Liaison,
)
from wangge.legalservice.workflow import WORKFLOW
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

__all__ = [
    "DEFAULT_REVIEW_DAYS",
    "adviser_create",
    "adviser_release",
    "adviser_serve",
    "adviser_service_record",
    "aid_point_create",
    "consultation_record",
    "legal_aid_apply",
    "legal_aid_transition",
    "liaison_create",
    "liaison_end",
    "literate_create",
    "review_due",
]

DEFAULT_REVIEW_DAYS = 7  # 审查时限: working days from the application
MAX_REVIEW_DAYS = 60
CODE_PREFIX = "FY"
_LICENCE = re.compile(r"^\d{17}$")


# --- checks shared by every register ----------------------------------------------------------------------


class _Problems:
    """Every problem of one input, collected before anything is written."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, field: str, error: ErrorCode, reason: str) -> None:
        self.items.append({"field": field, "error": error, "reason": reason})

    def text(self, value: Any, field: str, limit: int, *, required: bool = False) -> str:
        text = str(value or "").strip()
        if required and not text:
            self.add(field, ErrorCode.INVALID_ENTRY, _("请填写此项"))
        elif len(text) > limit:
            self.add(field, ErrorCode.INVALID_ENTRY, _("不能超过 %(n)s 个字") % {"n": limit})
        return text

    def choice(self, value: Any, field: str, choices: Any, *, required: bool = True) -> str:
        text = str(value or "")
        if (text or required) and text not in choices.values:
            self.add(field, ErrorCode.INVALID_ENTRY, _("请选择有效的选项"))
        return text

    def phone(self, value: Any, field: str) -> str:
        phone = normalise_phone(str(value or "")) if value else ""
        if phone:
            try:
                validate_phone(phone)
            except ValidationError:
                self.add(field, ErrorCode.INVALID_PHONE, _("电话号码格式不正确"))
        return phone

    def id_number(self, value: Any, field: str) -> str:
        number = normalise_id_number(str(value or ""))
        if number:
            try:
                validate_id_number(number)
            except ValidationError as exc:
                self.add(field, ErrorCode.INVALID_ID_NUMBER, str(exc.messages[0]))
        return number

    def node(self, node: Any, field: str, kinds: Iterable[str], label: str) -> None:
        if not isinstance(node, Territory) or node.kind not in set(kinds):
            self.add(field, ErrorCode.WRONG_LEVEL, _("请选择%(label)s") % {"label": label})

    def not_future(self, day: dt.date | None, field: str, today: dt.date) -> None:
        if day is not None and day > today:
            self.add(field, ErrorCode.DATE_IN_FUTURE, _("日期不能晚于今天"))

    def raise_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=self.items)


def _check_keeper(actor: ActorLike, node: Territory, field: str) -> None:
    """The actor keeps the registers of ``node``: the ``change`` action over it (the system always)."""
    if is_system(actor):
        return
    if not Territory.objects.restrict(actor, CHANGE).filter(pk=node.pk).exists():
        reason = _("%(name)s不在您的管理范围内") % {"name": node.name}
        raise PermissionDenied(
            reason,
            code=ErrorCode.TERRITORY_OUT_OF_SCOPE,
            details=[{"field": field, "error": ErrorCode.TERRITORY_OUT_OF_SCOPE, "reason": reason}],
        )


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


BELOW_DISTRICT = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID)
COMMUNITY = (TerritoryKind.COMMUNITY,)
GRID = (TerritoryKind.GRID,)


# --- legal advisers ----------------------------------------------------------------------------------------


def adviser_create(
    *,
    actor: ActorLike,
    name: str,
    law_firm: str,
    licence_no: str,
    territory: Territory,
    phone: str = "",
    communities: Iterable[Territory] = (),
    since: dt.date | None = None,
    is_synthetic: bool = False,
    now: dt.datetime | None = None,
) -> LegalAdviser:
    """Register a legal adviser under ``territory`` (the district or a street) and, optionally, the communities
    they serve from ``since`` (today by default). Raises ValidationFailed, PermissionDenied."""
    require(actor)
    p = _Problems()
    name = p.text(name, "name", 50, required=True)
    law_firm = p.text(law_firm, "law_firm", 100, required=True)
    licence = str(licence_no or "").strip()
    if not _LICENCE.match(licence):
        p.add("licence_no", ErrorCode.INVALID_LICENCE, _("执业证号须为17位数字"))
    elif LegalAdviser.objects.filter(licence_no=licence).exists():
        p.add("licence_no", ErrorCode.LICENCE_TAKEN, _("该执业证号已登记"))
    phone = p.phone(phone, "phone")
    p.node(territory, "territory", BELOW_DISTRICT, _("区、街道或社区"))
    communities = list(communities)
    for c in communities:
        p.node(c, "communities", COMMUNITY, _("社区（村）"))
    p.raise_any()
    day = since or _today(now)
    with transaction.atomic():
        _check_keeper(actor, territory, "territory")
        for c in communities:
            _check_keeper(actor, c, "communities")
        adviser = LegalAdviser.objects.create(
            name=name,
            law_firm=law_firm,
            licence_no=licence,
            phone=phone,
            phone_index=blind_index(phone),
            territory=territory,
            is_synthetic=is_synthetic,
        )
        AdviserCommunity.objects.bulk_create(
            [AdviserCommunity(adviser=adviser, community=c, since=day) for c in {c.pk: c for c in communities}.values()]
        )
        audit.record(
            actor=actor,
            action="legalservice.adviser_create",
            obj=adviser,
            after={**(audit.snapshot(adviser) or {}), "communities": [c.code for c in communities]},
        )
    return adviser


def adviser_serve(
    *, actor: ActorLike, adviser: LegalAdviser, community: Territory, since: dt.date | None = None
) -> AdviserCommunity:
    """That ``adviser`` serves ``community`` from ``since``; a link ended before is opened again."""
    require(actor)
    p = _Problems()
    p.node(community, "community", COMMUNITY, _("社区（村）"))
    p.raise_any()
    day = since or _today(None)
    with transaction.atomic():
        _check_keeper(actor, community, "community")
        link = AdviserCommunity.objects.select_for_update().filter(adviser=adviser, community=community).first()
        if link is not None and link.until is None:
            raise ValidationFailed(
                _("该法律顾问已在服务此社区"),
                code=ErrorCode.ALREADY_SERVED,
                details=[{"field": "community", "error": ErrorCode.ALREADY_SERVED, "reason": _("已在服务")}],
            )
        if link is None:
            link = AdviserCommunity.objects.create(adviser=adviser, community=community, since=day)
        else:
            link.since, link.until = day, None
            link.save(update_fields=["since", "until"])
        audit.record(
            actor=actor,
            action="legalservice.adviser_community_create",
            obj=adviser,
            after={"community": community.code, "since": day.isoformat()},
            only_changes=False,
        )
    return link


def adviser_release(*, actor: ActorLike, link: AdviserCommunity, until: dt.date | None = None) -> AdviserCommunity:
    """End an adviser's service of a community (解聘) on ``until`` (today by default)."""
    require(actor)
    day = until or _today(None)
    if day < link.since:
        raise ValidationFailed(
            _("解聘日期不能早于聘任日期"),
            code=ErrorCode.DATES_REVERSED,
            details=[{"field": "until", "error": ErrorCode.DATES_REVERSED, "reason": _("解聘日期不能早于聘任日期")}],
        )
    with transaction.atomic():
        _check_keeper(actor, link.community, "community")
        link.until = day
        link.save(update_fields=["until"])
        audit.record(
            actor=actor,
            action="legalservice.adviser_community_update",
            obj=link.adviser,
            after={"community": link.community.code, "until": day.isoformat()},
            only_changes=False,
        )
    return link


def adviser_service_record(
    *,
    actor: ActorLike,
    adviser: LegalAdviser,
    community: Territory,
    date: dt.date,
    kind: str,
    attendees: int = 0,
    notes: str = "",
    now: dt.datetime | None = None,
) -> AdviserService:
    """Record a service the adviser gave in one of the communities they serve."""
    require(actor)
    p = _Problems()
    p.node(community, "community", COMMUNITY, _("社区（村）"))
    kind = p.choice(kind, "kind", ServiceKind)
    notes = p.text(notes, "notes", 5000)
    if isinstance(attendees, bool) or not isinstance(attendees, int) or not 0 <= attendees <= 100000:
        p.add("attendees", ErrorCode.INVALID_ENTRY, _("服务人数须为 0 到 100000"))
    p.not_future(date, "date", _today(now))
    if isinstance(community, Territory) and not adviser.served.filter(community=community).exists():
        p.add("community", ErrorCode.WRONG_LEVEL, _("该法律顾问不服务此社区"))
    p.raise_any()
    with transaction.atomic():
        _check_keeper(actor, community, "community")
        service = AdviserService.objects.create(
            adviser=adviser,
            community=community,
            date=date,
            kind=kind,
            attendees=attendees,
            notes=notes,
            recorded_by=user_of(actor),
        )
        audit.record(actor=actor, action="legalservice.service_create", obj=service, after=audit.snapshot(service))
    return service


# --- 法律明白人, liaisons, legal-aid points, consultations --------------------------------------------------


def literate_create(
    *,
    actor: ActorLike,
    name: str,
    grid: Territory,
    identity: str = "",
    phone: str = "",
    trained_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> LegalLiterate:
    """Register a 法律明白人 of a grid, with the day they were trained."""
    require(actor)
    p = _Problems()
    name = p.text(name, "name", 50, required=True)
    identity = p.text(identity, "identity", 50)
    phone = p.phone(phone, "phone")
    p.node(grid, "grid", GRID, _("网格"))
    p.not_future(trained_on, "trained_on", _today(now))
    p.raise_any()
    with transaction.atomic():
        _check_keeper(actor, grid, "grid")
        person = LegalLiterate.objects.create(
            name=name, grid=grid, identity=identity, phone=phone, phone_index=blind_index(phone), trained_on=trained_on
        )
        audit.record(actor=actor, action="legalservice.literate_create", obj=person, after=audit.snapshot(person))
    return person


def liaison_create(
    *,
    actor: ActorLike,
    role: str,
    institution: str,
    person_name: str,
    community: Territory,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    phone: str = "",
) -> Liaison:
    """Assign a judge, prosecutor, police officer or lawyer to liaise with a community for a period."""
    require(actor)
    p = _Problems()
    role = p.choice(role, "role", LiaisonRole)
    institution = p.text(institution, "institution", 100, required=True)
    person_name = p.text(person_name, "person_name", 50, required=True)
    phone = p.phone(phone, "phone")
    p.node(community, "community", COMMUNITY, _("社区（村）"))
    if starts_on is None:
        p.add("starts_on", ErrorCode.INVALID_ENTRY, _("请填写此项"))
    elif ends_on is not None and ends_on < starts_on:
        p.add("ends_on", ErrorCode.DATES_REVERSED, _("结束日期不能早于开始日期"))
    p.raise_any()
    with transaction.atomic():
        _check_keeper(actor, community, "community")
        liaison = Liaison.objects.create(
            role=role,
            institution=institution,
            person_name=person_name,
            phone=phone,
            phone_index=blind_index(phone),
            community=community,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit.record(actor=actor, action="legalservice.liaison_create", obj=liaison, after=audit.snapshot(liaison))
    return liaison


def liaison_end(*, actor: ActorLike, liaison: Liaison, ends_on: dt.date) -> Liaison:
    """End a liaison assignment on ``ends_on`` (a transfer, a rotation); the row stays as history."""
    require(actor)
    if ends_on < liaison.starts_on:
        raise ValidationFailed(
            _("结束日期不能早于开始日期"),
            code=ErrorCode.DATES_REVERSED,
            details=[{"field": "ends_on", "error": ErrorCode.DATES_REVERSED, "reason": _("结束日期不能早于开始日期")}],
        )
    with transaction.atomic():
        _check_keeper(actor, liaison.community, "community")
        before = audit.snapshot(liaison)
        liaison.ends_on = ends_on
        liaison.save(update_fields=["ends_on", "updated_at"])
        audit.record(
            actor=actor, action="legalservice.liaison_update", obj=liaison, before=before, after=audit.snapshot(liaison)
        )
    return liaison


def aid_point_create(
    *,
    actor: ActorLike,
    name: str,
    territory: Territory,
    kind: str = AidPointKind.STATION,
    address: str = "",
    opening_hours: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> LegalAidPoint:
    """Register a legal-aid station or contact point on a street, community or grid."""
    require(actor)
    p = _Problems()
    name = p.text(name, "name", 100, required=True)
    kind = p.choice(kind, "kind", AidPointKind)
    address = p.text(address, "address", 200)
    opening_hours = p.text(opening_hours, "opening_hours", 100)
    contact_name = p.text(contact_name, "contact_name", 50)
    contact_phone = p.phone(contact_phone, "contact_phone")
    p.node(territory, "territory", BELOW_DISTRICT, _("区、街道、社区或网格"))
    p.raise_any()
    with transaction.atomic():
        _check_keeper(actor, territory, "territory")
        point = LegalAidPoint.objects.create(
            name=name,
            kind=kind,
            territory=territory,
            address=address,
            opening_hours=opening_hours,
            contact_name=contact_name,
            contact_phone=contact_phone,
        )
        audit.record(actor=actor, action="legalservice.aid_point_create", obj=point, after=audit.snapshot(point))
    return point


def consultation_record(
    *,
    actor: ActorLike,
    territory: Territory,
    consulted_on: dt.date,
    channel: str,
    topic: str,
    answered_by: str,
    matter: str = AidMatter.OTHER,
    adviser: LegalAdviser | None = None,
    referral: str = Referral.NONE,
    note: str = "",
    now: dt.datetime | None = None,
) -> Consultation:
    """Log a consultation answered (来访、电话、线上) and where it was referred to, if anywhere."""
    require(actor)
    p = _Problems()
    channel = p.choice(channel, "channel", ConsultChannel)
    matter = p.choice(matter, "matter", AidMatter)
    referral = p.choice(referral, "referral", Referral, required=False)
    topic = p.text(topic, "topic", 200, required=True)
    answered_by = p.text(answered_by, "answered_by", 50, required=True)
    note = p.text(note, "note", 5000)
    p.node(territory, "territory", BELOW_DISTRICT, _("辖区"))
    p.not_future(consulted_on, "consulted_on", _today(now))
    p.raise_any()
    with transaction.atomic():
        _check_keeper(actor, territory, "territory")
        row = Consultation.objects.create(
            territory=territory,
            consulted_on=consulted_on,
            channel=channel,
            matter=matter,
            topic=topic,
            answered_by=answered_by,
            adviser=adviser,
            referral=referral,
            note=note,
            recorded_by=user_of(actor),
        )
        audit.record(actor=actor, action="legalservice.consultation_create", obj=row, after=audit.snapshot(row))
    return row


# --- legal-aid cases -----------------------------------------------------------------------------------------


def review_due(received_at: dt.datetime, days: int) -> tuple[dt.datetime, bool]:
    """The review deadline: the end of office hours of the ``days``-th working day after the application (the
    day itself not counted), and whether it rests on a year without an official holiday schedule."""
    result = get_calendar().add_working_days(received_at, days)
    return result.value, result.provisional


def new_case_code(at: dt.datetime) -> str:
    """The next case code of the local day of ``at``: ``FY`` + date + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = LegalAidCase.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def _event(case: LegalAidCase, action: str, actor: ActorLike, at: dt.datetime, from_status: str, note: str) -> None:
    LegalAidEvent.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
    )


def legal_aid_apply(
    *,
    actor: ActorLike,
    territory: Territory,
    applicant_name: str,
    matter: str,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    summary: str = "",
    point: LegalAidPoint | None = None,
    received_at: dt.datetime | None = None,
    review_days: int = DEFAULT_REVIEW_DAYS,
    now: dt.datetime | None = None,
) -> LegalAidCase:
    """Register a legal-aid application (申请) with its review deadline (``review_days`` working days).

    Raises ValidationFailed (a missing or bad field, an application dated in the future) and PermissionDenied
    (the applicant's territory is not one the actor keeps the registers of)."""
    require(actor)
    at = now or timezone.now()
    received = received_at or at
    p = _Problems()
    applicant_name = p.text(applicant_name, "applicant_name", 50, required=True)
    matter = p.choice(matter, "matter", AidMatter)
    summary = p.text(summary, "summary", 5000)
    id_number = p.id_number(applicant_id_number, "applicant_id_number")
    phone = p.phone(applicant_phone, "applicant_phone")
    p.node(territory, "territory", BELOW_DISTRICT, _("辖区"))
    if isinstance(review_days, bool) or not isinstance(review_days, int) or not 1 <= review_days <= MAX_REVIEW_DAYS:
        p.add("review_days", ErrorCode.INVALID_ENTRY, _("审查时限须为 1-60 个工作日"))
    if received > at:
        p.add("received_at", ErrorCode.DATE_IN_FUTURE, _("申请时间不能晚于当前时间"))
    p.raise_any()
    due, provisional = review_due(received, review_days)
    with transaction.atomic():
        _check_keeper(actor, territory, "territory")
        case = LegalAidCase(
            territory=territory,
            point=point,
            applicant_name=applicant_name,
            applicant_id_number=id_number,
            applicant_id_index=blind_index(id_number),
            applicant_phone=phone,
            applicant_phone_index=blind_index(phone),
            matter=matter,
            summary=summary,
            received_at=received,
            review_days=review_days,
            review_due_at=due,
            review_provisional=provisional,
            status=AidStatus.APPLIED,
        )
        _insert_with_code(case, received)
        _event(case, "create", actor, at, "", summary[:200])
        audit.record(actor=actor, action="legalservice.aid_case_create", obj=case, after=audit.snapshot(case))
    return case


def _insert_with_code(case: LegalAidCase, at: dt.datetime) -> None:
    """Insert ``case`` under the next code of the day; a code taken meanwhile is retried with the next one."""
    for _attempt in range(5):
        case.code = new_case_code(at)
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            if not LegalAidCase.objects.filter(code=case.code).exists():
                raise
    case.code = f"{new_case_code(at)[:-4]}{timezone.localtime(at):%H%M%S%f}"[:32]
    case.save()


# --- the steps -------------------------------------------------------------------------------------------------

Handler = Callable[[LegalAidCase, dt.datetime, Mapping[str, Any]], str]


def _reviewed(case: LegalAidCase, at: dt.datetime) -> None:
    """The review's outcome is frozen when it is made: on time or not, whatever the calendar says later."""
    case.reviewed_at = at
    case.reviewed_on_time = at <= case.review_due_at


def _accept(case: LegalAidCase, at: dt.datetime, p: Mapping[str, Any]) -> str:
    _reviewed(case, at)
    return str(p.get("note") or "").strip()


def _reject(case: LegalAidCase, at: dt.datetime, p: Mapping[str, Any]) -> str:
    _reviewed(case, at)
    case.rejection_reason = str(p["reason"]).strip()
    return case.rejection_reason


def _lawyer(case: LegalAidCase, at: dt.datetime, p: Mapping[str, Any]) -> str:
    problems = _Problems()
    case.lawyer_name = problems.text(p.get("lawyer_name"), "lawyer_name", 50, required=True)
    case.lawyer_firm = problems.text(p.get("lawyer_firm"), "lawyer_firm", 100, required=True)
    problems.raise_any()
    case.assigned_at = at
    note = str(p.get("note") or "").strip()
    return f"{case.lawyer_name}（{case.lawyer_firm}）" + (f"\n{note}" if note else "")


def _close(case: LegalAidCase, at: dt.datetime, p: Mapping[str, Any]) -> str:
    problems = _Problems()
    case.outcome = problems.choice(p.get("aid_outcome"), "aid_outcome", AidOutcome)
    case.outcome_note = problems.text(p.get("note"), "note", 2000)
    problems.raise_any()
    case.closed_at = at
    return f"{case.get_outcome_display()}" + (f"\n{case.outcome_note}" if case.outcome_note else "")


HANDLERS: dict[str, Handler] = {
    "aid_accept": _accept,
    "aid_reject": _reject,
    "aid_assign": _lawyer,
    "aid_reassign": _lawyer,
    "aid_close": _close,
}


def legal_aid_transition(
    *,
    actor: ActorLike,
    case: LegalAidCase | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> LegalAidCase:
    """Take step ``name`` of the declared workflow on a case. Locks the row in the actor's scope, checks the state
    (409), who acts (403), the guard (409) and the required inputs (400), runs the step, settles the status among
    the declared targets and writes the history row and the audit entry.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = case.pk if isinstance(case, LegalAidCase) else int(case)
    at = now or timezone.now()
    with transaction.atomic():
        qs = LegalAidCase.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("territory").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("法律援助案件不存在"), code=ErrorCode.NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note = HANDLERS[name](locked, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.version += 1
        locked.save()
        _event(locked, name, actor, at, from_status, note)
        audit.record(
            actor=actor, action=f"legalservice.{name}", obj=locked, before=before, after=audit.snapshot(locked)
        )
    return locked
