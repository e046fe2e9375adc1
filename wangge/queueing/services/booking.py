"""Appointments (预约办) from the citizen pages, no login: name, mobile number (stored encrypted with its blind
index, shown masked), item and slot; a booking code comes back and cancels the booking. The slot's capacity is
taken by a conditional update (``booked < capacity``), so concurrent bookings never overfill it."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.validators import normalise_phone
from wangge.hall.models import Item
from wangge.queueing.choices import AppointmentStatus
from wangge.queueing.errors import ErrorCode
from wangge.queueing.models import Appointment, Slot

__all__ = ["appointment_book", "appointment_cancel", "new_code"]

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]


def appointment_book(
    *,
    actor: ActorLike,
    slot: Slot | int,
    name: str,
    phone: str,
    item: Item | None = None,
    now: dt.datetime | None = None,
    synthetic: bool = False,
) -> Appointment:
    """Book one place in ``slot``. Raises NotFound (no such slot, or past), ValidationFailed (name, mobile, item,
    a second booking of the same number in the group that day, the slot full)."""
    require(actor)
    at = now or timezone.now()
    pk = slot.pk if isinstance(slot, Slot) else int(slot)
    found = Slot.objects.select_related("group", "hall").filter(pk=pk, group__is_active=True).first()
    if found is None or found.day < timezone.localdate(at):
        raise NotFound(_("预约时段不存在或已过期"), code=ErrorCode.SLOT_NOT_FOUND)
    name = (name or "").strip()
    number = normalise_phone(phone)
    if not name or len(name) > 50:
        raise ValidationFailed(_("请填写姓名"), code=ErrorCode.INVALID_BOOKING, details=[{"field": "name"}])
    if not (len(number) == 11 and number.isdigit() and number.startswith("1")):
        raise ValidationFailed(_("请填写正确的手机号"), code=ErrorCode.INVALID_BOOKING, details=[{"field": "phone"}])
    if item is not None and not found.group.items.filter(pk=item.pk).exists():
        raise ValidationFailed(_("该事项不属于所选业务"), code=ErrorCode.INVALID_BOOKING, details=[{"field": "item"}])
    index = blind_index(number)
    with transaction.atomic():
        twice = Appointment.objects.filter(
            phone_index=index, group=found.group, slot__day=found.day, status=AppointmentStatus.BOOKED
        )
        if twice.exists():
            raise ValidationFailed(_("该手机号当天已预约此项业务"), code=ErrorCode.ALREADY_BOOKED)
        taken = Slot.objects.filter(pk=found.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
        if not taken:
            raise ValidationFailed(_("该时段已约满，请选择其他时段"), code=ErrorCode.SLOT_FULL)
        code = new_code()
        while Appointment.objects.filter(code=code).exists():
            code = new_code()
        appointment = Appointment.objects.create(
            code=code,
            hall=found.hall,
            group=found.group,
            slot=found,
            item=item,
            name=name,
            phone=number,
            phone_index=index,
            is_synthetic=synthetic,
        )
        audit.record(
            actor=actor, action="queueing.appointment_book", obj=appointment, after=audit.snapshot(appointment)
        )
    return appointment


def appointment_cancel(*, actor: ActorLike, code: str, now: dt.datetime | None = None) -> Appointment:
    """Cancel a booking by its code; the place goes back to the slot."""
    require(actor)
    at = now or timezone.now()
    with transaction.atomic():
        a = Appointment.objects.select_for_update().filter(code=normalise_code(code)).first()
        if a is None:
            raise NotFound(_("预约码不存在"), code=ErrorCode.APPOINTMENT_NOT_FOUND)
        if a.status != AppointmentStatus.BOOKED:
            raise ValidationFailed(_("该预约已取消或已取号"), code=ErrorCode.APPOINTMENT_CLOSED)
        a.status, a.cancelled_at = AppointmentStatus.CANCELLED, at
        a.save(update_fields=["status", "cancelled_at", "updated_at"])
        Slot.objects.filter(pk=a.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        audit.record(actor=actor, action="queueing.appointment_cancel", obj=a, after={"status": a.status})
    return a
