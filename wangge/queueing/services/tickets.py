"""Tickets (取号) and the steps at a window (叫号).

- :func:`ticket_issue` gives the next number of a group that day (A001, A002 …) from the kiosk, the phone page
  or a booking (a booked ticket is called before the others). The group's day counter row is bumped by one
  conditional ``UPDATE … SET last = last + 1`` that locks it, so two tickets never share a number.
- :func:`window_call_next` calls the oldest waiting ticket of the window's groups, booked first. The candidate
  is claimed by ``UPDATE … WHERE status = 'waiting'``; on PostgreSQL the candidate is first read with
  ``SELECT … FOR UPDATE SKIP LOCKED``, so twenty windows calling at once each take another ticket without waiting
  on each other. A claim that lost the race (SQLite) tries the next candidate.
- :func:`window_recall`, :func:`window_skip` (no-show, 过号), :func:`window_transfer` (to another window or
  group, keeping the ticket's place), :func:`window_start`, :func:`window_finish` (optionally linking the 办件).

Every step writes a ``TicketEvent``; issuing and calling re-evaluate the hall's tidal rules (at most every
``WANGGE_QUEUE_TIDAL_SECONDS``)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core.actors import require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.hall.models import Application, Hall, Item, Window
from wangge.queueing.choices import AppointmentStatus, TicketAction, TicketSource, TicketStatus
from wangge.queueing.errors import ErrorCode
from wangge.queueing.models import Appointment, ItemGroup, Ticket, TicketCounter, WindowGroup
from wangge.queueing.selectors import current_ticket, local_day
from wangge.queueing.services.booking import normalise_code
from wangge.queueing.services.common import event, require_window
from wangge.queueing.services.live import tidal_after_event

__all__ = [
    "ticket_issue",
    "window_call_next",
    "window_finish",
    "window_finish_receiving",
    "window_recall",
    "window_skip",
    "window_start",
    "window_transfer",
]

CLAIM_TRIES = 8


def _next_seq(group: ItemGroup, day: dt.date) -> int:
    """Bump the group's counter for the day and return the new value (inside the caller's transaction)."""
    for _attempt in range(3):
        if TicketCounter.objects.filter(group=group, day=day).update(last=F("last") + 1):
            last: int = TicketCounter.objects.filter(group=group, day=day).values_list("last", flat=True).get()
            return last
        try:
            with transaction.atomic():
                TicketCounter.objects.create(group=group, day=day, last=1)
            return 1
        except IntegrityError:
            continue  # another ticket created the row first: bump it
    raise RuntimeError("ticket counter unavailable")


def ticket_issue(
    *,
    actor: ActorLike,
    hall: Hall,
    group: ItemGroup | None = None,
    appointment_code: str = "",
    source: str = TicketSource.KIOSK,
    now: dt.datetime | None = None,
    synthetic: bool = False,
    evaluate: bool = True,
) -> Ticket:
    """Take a ticket in ``group`` of ``hall``, or with a booking code (today's booking in this hall)."""
    require(actor)
    at = now or timezone.now()
    day = local_day(at)
    if not hall.is_active:
        raise ValidationFailed(_("该大厅暂停取号"), code=ErrorCode.HALL_CLOSED)
    with transaction.atomic():
        appointment: Appointment | None = None
        if appointment_code:
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("slot", "group")
                .filter(code=normalise_code(appointment_code), hall=hall)
                .first()
            )
            if appointment is None or appointment.slot.day != day:
                raise NotFound(_("没有找到今天在本大厅的这个预约"), code=ErrorCode.APPOINTMENT_NOT_FOUND)
            if appointment.status != AppointmentStatus.BOOKED:
                raise ValidationFailed(_("该预约已取消或已取号"), code=ErrorCode.APPOINTMENT_CLOSED)
            group, source = appointment.group, TicketSource.BOOKING
        if group is None or group.hall_id != hall.pk or not group.is_active:
            raise ValidationFailed(_("请选择本大厅的业务"), code=ErrorCode.HALL_CLOSED)
        seq = _next_seq(group, day)
        ticket = Ticket.objects.create(
            hall=hall,
            group=group,
            day=day,
            seq=seq,
            number=f"{group.prefix}{seq:03d}",
            token=secrets.token_urlsafe(16),
            source=source,
            appointment=appointment,
            is_booked=appointment is not None,
            issued_at=at,
            is_synthetic=synthetic,
        )
        if appointment is not None:
            appointment.status = AppointmentStatus.ARRIVED
            appointment.save(update_fields=["status", "updated_at"])
        event(ticket, TicketAction.ISSUE, actor, at, data={"source": source})
    if evaluate:
        tidal_after_event(hall.pk, at)
    return ticket


def _window(window: Window | int) -> Window:
    pk = window.pk if isinstance(window, Window) else int(window)
    found = Window.objects.select_related("hall", "hall__territory").filter(pk=pk, is_active=True).first()
    if found is None:
        raise NotFound(_("窗口不存在"), code=ErrorCode.NOT_WINDOW_STAFF)
    return found


def window_call_next(
    *, actor: ActorLike, window: Window | int, now: dt.datetime | None = None, evaluate: bool = True
) -> Ticket:
    """Call the next ticket to the window: the oldest waiting ticket of the window's groups (or transferred to
    this window), booked tickets first. Refused while the window still has a ticket called or in service."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    day = local_day(at)
    groups = WindowGroup.objects.filter(window=w, group__is_active=True).values("group_id")
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        if Ticket.objects.filter(window=w, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).exists():
            raise ValidationFailed(_("请先办结或过号当前票号"), code=ErrorCode.WINDOW_BUSY)
        waiting = (
            Ticket.objects.filter(hall_id=w.hall_id, day=day, status=TicketStatus.WAITING)
            .filter(Q(group_id__in=groups, target_window__isnull=True) | Q(target_window=w))
            .order_by("-is_booked", "issued_at", "id")
        )
        claimed: Ticket | None = None
        for _attempt in range(CLAIM_TRIES):
            if skip_locked:
                candidate = waiting.select_for_update(skip_locked=True, of=("self",)).first()
            else:  # a claim lost to another window changed the row's status: the next read finds the next one
                candidate = waiting.first()
            if candidate is None:
                break
            changes = {
                "status": TicketStatus.CALLED,
                "window": w,
                "target_window": None,
                "called_at": at,
                "calls": 1,
                "staff": user_of(actor),
            }
            if Ticket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(**changes):
                for name, value in changes.items():
                    setattr(candidate, name, value)
                claimed = candidate
                break
        if claimed is None:
            raise ValidationFailed(_("当前没有等候的群众"), code=ErrorCode.NO_TICKET)
        event(claimed, TicketAction.CALL, actor, at, window=w)
    if evaluate:
        tidal_after_event(w.hall_id, at)
    return claimed


def _at_window(w: Window, statuses: set[str], action: str) -> Ticket:
    t = Ticket.objects.select_for_update().filter(window=w, status__in=sorted(statuses)).order_by("-called_at").first()
    if t is None:
        raise ValidationFailed(
            _("窗口当前没有可%(action)s的票号") % {"action": TicketAction(action).label}, code=ErrorCode.TICKET_STATE
        )
    return t


def window_recall(*, actor: ActorLike, window: Window | int, now: dt.datetime | None = None) -> Ticket:
    """Call the window's called ticket again (重呼): the wall screen speaks it once more."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    with transaction.atomic():
        t = _at_window(w, {TicketStatus.CALLED}, TicketAction.RECALL)
        t.calls += 1
        t.called_at = at
        t.save(update_fields=["calls", "called_at"])
        event(t, TicketAction.RECALL, actor, at, window=w, data={"calls": t.calls})
    return t


def window_skip(*, actor: ActorLike, window: Window | int, now: dt.datetime | None = None) -> Ticket:
    """The called person did not come (过号)."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    with transaction.atomic():
        t = _at_window(w, {TicketStatus.CALLED}, TicketAction.SKIP)
        t.status, t.finished_at = TicketStatus.SKIPPED, at
        t.save(update_fields=["status", "finished_at"])
        event(t, TicketAction.SKIP, actor, at, window=w, data={"calls": t.calls})
    return t


def window_start(*, actor: ActorLike, window: Window | int, now: dt.datetime | None = None) -> Ticket:
    """The called person is at the window: service starts."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    with transaction.atomic():
        t = _at_window(w, {TicketStatus.CALLED}, TicketAction.START)
        t.status, t.started_at = TicketStatus.SERVING, at
        t.save(update_fields=["status", "started_at"])
        event(t, TicketAction.START, actor, at, window=w)
    return t


def window_finish(
    *,
    actor: ActorLike,
    window: Window | int,
    application: Application | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """The service at the window is over (办结); ``application`` links the 办件 it produced."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    if application is not None and application.hall_id != w.hall_id:
        raise ValidationFailed(_("办件不属于本大厅"), code=ErrorCode.TICKET_STATE)
    with transaction.atomic():
        t = _at_window(w, {TicketStatus.CALLED, TicketStatus.SERVING}, TicketAction.FINISH)
        t.status, t.finished_at = TicketStatus.DONE, at
        t.started_at = t.started_at or t.called_at or at
        t.application = application
        t.save(update_fields=["status", "finished_at", "started_at", "application"])
        data = {"application": application.code} if application is not None else {}
        event(t, TicketAction.FINISH, actor, at, window=w, data=data)
    return t


def window_finish_receiving(
    *,
    actor: ActorLike,
    window: Window | int,
    item: Item | int,
    applicant_name: str,
    applicant_phone: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """办结 and register the 办件 it produced, in one transaction: the hall's ``application_receive`` (its
    checks: the actor serves the hall, the item is active) at this window, then :func:`window_finish` linking it."""
    from wangge.hall.services import application_receive

    require(actor)
    w = _window(window)
    require_window(actor, w)
    with transaction.atomic():
        _at_window(w, {TicketStatus.CALLED, TicketStatus.SERVING}, TicketAction.FINISH)
        application = application_receive(
            actor=actor,
            item=item,
            hall=w.hall,
            applicant_name=applicant_name,
            applicant_phone=applicant_phone,
            window=w,
            now=now,
        )
        return window_finish(actor=actor, window=w, application=application, now=now)


def window_transfer(
    *,
    actor: ActorLike,
    window: Window | int,
    to_window: Window | None = None,
    to_group: ItemGroup | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Send the window's ticket to another window, or to another group's queue; it keeps its place (its time of
    issue), so it is called next there."""
    require(actor)
    w = _window(window)
    require_window(actor, w)
    at = now or timezone.now()
    if (to_window is None) == (to_group is None):
        raise ValidationFailed(_("请选择转往的窗口或业务"), code=ErrorCode.INVALID_TRANSFER)
    if to_window is not None and (to_window.hall_id != w.hall_id or to_window.pk == w.pk or not to_window.is_active):
        raise ValidationFailed(_("只能转往本大厅的其他窗口"), code=ErrorCode.INVALID_TRANSFER)
    if to_group is not None and (to_group.hall_id != w.hall_id or not to_group.is_active):
        raise ValidationFailed(_("只能转往本大厅的业务"), code=ErrorCode.INVALID_TRANSFER)
    with transaction.atomic():
        t = _at_window(w, {TicketStatus.CALLED, TicketStatus.SERVING}, TicketAction.TRANSFER)
        data: dict[str, object] = {"from_window": w.number}
        t.status, t.window, t.called_at, t.started_at, t.calls = TicketStatus.WAITING, None, None, None, 0
        if to_window is not None:
            t.target_window = to_window
            data["to_window"] = to_window.number
        if to_group is not None:
            t.group, t.target_window = to_group, None
            data["to_group"] = to_group.prefix
        t.save(update_fields=["status", "window", "called_at", "started_at", "calls", "target_window", "group"])
        event(t, TicketAction.TRANSFER, actor, at, window=w, data=data)
    return t


def ticket_by_token(token: str) -> Ticket:
    t = Ticket.objects.select_related("group", "hall", "window").filter(token=token).first()
    if t is None:
        raise NotFound(_("票号不存在"), code=ErrorCode.NO_TICKET)
    return t


def window_current(window: Window | int) -> Ticket | None:
    return current_ticket(window)
