"""The 办件 ledger's writes: :func:`application_receive` (收件), :func:`application_transition` — the only code that
changes an application's status — and :func:`applications_mark_overdue`, the periodic sweep of the 超期 flag.

Each step is clocked (``hall.clock``): the due instant is set on receipt and reset on acceptance, the working
days used are written when the application is finished, rejected or withdrawn, and every history row carries
the working days since receipt and since acceptance. A one-time notice (一次性告知) names every missing material
once, read from the item's materials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.validators import (
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)
from wangge.hall import clock
from wangge.hall.choices import ApplicantKind, ApplicationStatus, Channel
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Application, Bundle, Hall, Item, Programme, Window
from wangge.hall.services.common import event, problem, refuse, serves
from wangge.hall.workflow import WORKFLOW

__all__ = [
    "application_receive",
    "application_transition",
    "applications_mark_overdue",
    "next_code",
    "one_time_notice",
]

Handler = Callable[[Application, ActorLike, dt.datetime, Mapping[str, Any]], tuple[str, dict[str, Any]]]
S = ApplicationStatus


def next_code(day: dt.date) -> str:
    """The next 办件编号 of a day: BJ + date + a five-digit sequence (call inside the writing transaction)."""
    prefix = f"BJ{day:%Y%m%d}"
    last = (
        Application.objects.filter(code__startswith=prefix, code__regex=r"^BJ\d{13}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def _clean_identity(kind: str, id_number: str, phone: str) -> tuple[str, str, list[dict[str, Any]]]:
    problems: list[dict[str, Any]] = []
    number = ""
    if id_number.strip():
        if kind == ApplicantKind.ORGANISATION:
            number, check = normalise_credit_code(id_number), validate_credit_code
        else:
            number, check = normalise_id_number(id_number), validate_id_number
        try:
            check(number)
        except ValidationError as exc:
            problems.append(problem("applicant_id_number", ErrorCode.INVALID_APPLICATION, str(exc.messages[0])))
    number_phone = ""
    if phone.strip():
        number_phone = normalise_phone(phone)
        try:
            validate_phone(number_phone)
        except ValidationError as exc:
            problems.append(problem("applicant_phone", ErrorCode.INVALID_APPLICATION, str(exc.messages[0])))
    return number, number_phone, problems


def application_receive(
    *,
    actor: ActorLike,
    item: Item | int,
    hall: Hall | int,
    applicant_name: str,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    applicant_kind: str = ApplicantKind.PERSON,
    channel: str = Channel.WINDOW,
    window: Window | int | None = None,
    staff: Any = None,
    first_contact: Any = None,
    bundle: Bundle | int | None = None,
    programme: Programme | int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """收件: record an application at a hall. The receiver (or ``first_contact``) is its first-contact owner
    (首问负责) and, unless ``staff`` is given, its handler; the promised limit is the bundle's or the item's and
    runs from now until acceptance resets it. Raises NotFound (hall out of scope), PermissionDenied (the actor
    does not serve the hall), ValidationFailed (inactive item, window of another hall, bad number)."""
    require(actor)
    at = now or timezone.now()
    halls = Hall.objects.select_related("territory")
    if not is_system(actor):
        halls = halls.restrict(actor)
    hall_obj = halls.filter(pk=hall.pk if isinstance(hall, Hall) else int(hall)).first()
    if hall_obj is None:
        raise NotFound(_("大厅不存在"), code=ErrorCode.APPLICATION_NOT_FOUND)
    if not serves(actor, hall_obj):
        raise PermissionDenied(_("无权在该大厅收件"), code=ErrorCode.NOT_HALL_STAFF)
    problems: list[dict[str, Any]] = []
    item_obj = Item.objects.filter(pk=item.pk if isinstance(item, Item) else int(item), is_active=True).first()
    if item_obj is None:
        problems.append(problem("item", ErrorCode.INVALID_APPLICATION, _("事项不存在或已停用")))
    window_obj = None
    if window is not None:
        window_obj = Window.objects.filter(pk=window.pk if isinstance(window, Window) else int(window)).first()
        if window_obj is None or window_obj.hall_id != hall_obj.pk or not window_obj.is_active:
            problems.append(problem("window", ErrorCode.INVALID_APPLICATION, _("窗口不属于该大厅或已停用")))
    bundle_obj = None
    if bundle is not None:
        bundle_obj = Bundle.objects.filter(pk=bundle.pk if isinstance(bundle, Bundle) else int(bundle)).first()
        if bundle_obj is None or (item_obj is not None and not bundle_obj.items.filter(pk=item_obj.pk).exists()):
            problems.append(problem("bundle", ErrorCode.INVALID_APPLICATION, _("一件事中没有该事项")))
    programme_obj = None
    if programme is not None:
        pk = programme.pk if isinstance(programme, Programme) else int(programme)
        programme_obj = Programme.objects.filter(pk=pk, hall=hall_obj).first()
        if programme_obj is None:
            problems.append(problem("programme", ErrorCode.INVALID_APPLICATION, _("该大厅没有这个专项服务")))
    name = (applicant_name or "").strip()
    if not name:
        problems.append(problem("applicant_name", ErrorCode.INVALID_APPLICATION, _("请填写申请人")))
    if channel not in Channel.values:
        problems.append(problem("channel", ErrorCode.INVALID_APPLICATION, _("申请渠道不正确")))
    if applicant_kind not in ApplicantKind.values:
        problems.append(problem("applicant_kind", ErrorCode.INVALID_APPLICATION, _("申请人类型不正确")))
    id_number, phone, more = _clean_identity(applicant_kind, applicant_id_number, applicant_phone)
    problems += more
    if problems:
        raise refuse(problems)
    assert item_obj is not None
    receiver = user_of(actor)
    promised = bundle_obj.promised_limit_days if bundle_obj is not None else item_obj.promised_limit_days
    for attempt in range(3):
        try:
            with transaction.atomic():
                a = Application.objects.create(
                    code=next_code(timezone.localtime(at).date()),
                    item=item_obj,
                    bundle=bundle_obj,
                    programme=programme_obj,
                    department_id=item_obj.department_id,
                    hall=hall_obj,
                    window=window_obj,
                    staff=staff if staff is not None else receiver,
                    first_contact=first_contact if first_contact is not None else receiver,
                    channel=channel,
                    applicant_kind=applicant_kind,
                    applicant_name=name[:100],
                    applicant_id_number=id_number,
                    applicant_id_index=blind_index(id_number) if id_number else "",
                    applicant_phone=phone,
                    applicant_phone_index=blind_index(phone) if phone else "",
                    status=S.RECEIVED,
                    received_at=at,
                    promised_days=promised,
                    legal_days=item_obj.legal_limit_days,
                    due_at=clock.due_at(at, promised),
                )
                event(a, "receive", actor, at, "", note=str(note or "").strip()[:2000], data={"channel": channel})
                audit.record(actor=actor, action="hall.receive", obj=a, after=audit.snapshot(a))
            return a
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- the steps ---------------------------------------------------------------------------------------------


def _lines(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        raw = [str(v) for v in value]
    else:
        raw = str(value or "").replace("；", "\n").replace(";", "\n").splitlines()
    out: list[str] = []
    for line in raw:
        text = line.strip(" \t、,，")
        if text and text not in out:
            out.append(text[:200])
    return out


def one_time_notice(a: Application, missing: list[str]) -> str:
    """The 一次性告知书 text: every missing material once, with the copies the item asks for."""
    by_name = {m.name: m for m in a.item.materials.all()}
    lines = [
        _("%(name)s：您申请的“%(item)s”（办件编号 %(code)s）尚缺以下材料，请一次补齐：")
        % {"name": a.applicant_name, "item": a.item.name, "code": a.code}
    ]
    for n, name in enumerate(missing, start=1):
        m = by_name.get(name)
        copies = ""
        if m is not None and (m.original_copies or m.copy_copies):
            copies = _("（原件 %(o)s 份，复印件 %(c)s 份）") % {"o": m.original_copies, "c": m.copy_copies}
        lines.append(f"{n}. {name}{copies}")
    return "\n".join(lines)


def _missing(a: Application, p: Mapping[str, Any], *, required: bool) -> list[str]:
    missing = _lines(p.get("missing"))
    if not missing:
        if required:
            raise ValidationFailed(_("请列出所缺的全部材料"), code=ErrorCode.NO_MISSING_MATERIALS)
        return []
    asked = {m.name for m in a.item.materials.all() if not m.is_waived}
    if asked:
        unknown = [name for name in missing if name not in asked]
        if unknown:
            raise refuse(
                [
                    problem("missing", ErrorCode.UNKNOWN_MATERIAL, _("事项的申请材料中没有“%(name)s”") % {"name": n})
                    for n in unknown
                ]
            )
    return missing


def _clock(a: Application, at: dt.datetime) -> dict[str, Any]:
    data: dict[str, Any] = {"since_received": str(clock.working_days_between(a.received_at, at))}
    if a.accepted_at is not None:
        data["since_accepted"] = str(clock.working_days_between(a.accepted_at, at))
    return data


def _stop(a: Application, at: dt.datetime) -> None:
    a.elapsed_working_days = clock.working_days_between(a.accepted_at or a.received_at, at)
    a.is_overdue = a.due_at is not None and at > a.due_at


def _accept(a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    a.accepted_at = at
    a.due_at = clock.due_at(at, a.promised_days)
    a.is_overdue = False
    if a.staff_id is None:
        a.staff = user_of(actor)
    return str(p.get("note") or "").strip(), {"due_at": a.due_at.isoformat()}


def _request_supplement(
    a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    missing = _missing(a, p, required=True)
    a.missing_materials = missing
    a.notice = one_time_notice(a, missing)
    return str(p.get("note") or "").strip(), {"missing": missing}


def _reject(a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    missing = _missing(a, p, required=False)
    reason = str(p["note"]).strip()
    if missing:
        a.missing_materials = missing
        a.notice = one_time_notice(a, missing)
    a.rejected_at = at
    a.result = reason[:2000]
    _stop(a, at)
    a.is_overdue = False
    return reason, {"missing": missing}


def _handle(a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    a.handled_at = at
    result = str(p.get("result") or "").strip()
    if result:
        a.result = result[:2000]
    return str(p.get("note") or "").strip(), {}


def _finish(a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if a.handled_at is None:
        a.handled_at = at
    result = str(p.get("result") or "").strip()
    if result:
        a.result = result[:2000]
    a.finished_at = at
    _stop(a, at)
    return str(p.get("note") or "").strip(), {
        "elapsed_working_days": str(a.elapsed_working_days),
        "promised_days": a.promised_days,
        "overdue": a.is_overdue,
    }


def _withdraw(a: Application, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    _stop(a, at)
    a.is_overdue = False
    return str(p["note"]).strip(), {}


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "request_supplement": _request_supplement,
    "reject": _reject,
    "handle": _handle,
    "finish": _finish,
    "withdraw": _withdraw,
}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every application step needs a handler"


def application_transition(
    *,
    actor: ActorLike,
    application: Application | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Application:
    """Take step ``name`` of the declared workflow on an application. Locks the row in the actor's scope, checks
    the state (409), who acts (403) and the required inputs (400), runs the step, settles the status and writes
    the history row (with the clock) and the audit entry, all in one transaction.

    Inputs: ``note``; ``missing`` (the materials, a list or one per line) for ``request_supplement`` and
    ``reject``; ``result`` for ``handle`` and ``finish``. Raises NotFound, InvalidTransition, PermissionDenied,
    ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = application.pk if isinstance(application, Application) else int(application)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Application.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("hall", "hall__territory", "item").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("办件不存在"), code=ErrorCode.APPLICATION_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note, data = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(locked, name, actor, at, from_status, note=note[:2000], data={**_clock(locked, at), **data})
        audit.record(actor=actor, action=f"hall.{name}", obj=locked, before=before, after=audit.snapshot(locked))
    return locked


def applications_mark_overdue(*, actor: ActorLike, now: dt.datetime | None = None) -> int:
    """Flag every open application past its due instant as overdue (超期); returns how many were flagged now.
    Idempotent: a flagged one is not counted again."""
    require(actor)
    at = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Application.objects.filter(clock.overdue_q(at), is_overdue=False).values_list("pk", flat=True)[:10000]
        )
        if not ids:
            return 0
        n = Application.objects.filter(pk__in=ids).update(is_overdue=True, updated_at=at)
        audit.record(
            actor=actor, action="hall.mark_overdue", after={"count": n, "at": at.isoformat()}, only_changes=False
        )
    return n
