"""帮办代办 records and the duty of the windows (窗口值班).

- :func:`assistance_record` records that someone was helped with an item (帮办, 代办 or 上门办), optionally for
  an application and a programme; the person's phone is protected like an applicant's.
- :func:`duty_set` puts a staff member on duty at a window for a day (or takes them off).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import permissions
from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied
from wangge.core.validators import normalise_phone, validate_phone
from wangge.hall.choices import AssistanceKind
from wangge.hall.errors import ErrorCode
from wangge.hall.models import Application, Assistance, Duty, Hall, Item, Programme, Window
from wangge.hall.services.common import problem, refuse, serves
from wangge.hall.workflow import RECEIVERS

__all__ = ["assistance_record", "duty_set"]


def _hall(actor: ActorLike, hall: Hall | int) -> Hall:
    qs = Hall.objects.select_related("territory")
    if not is_system(actor):
        qs = qs.restrict(actor)
    found = qs.filter(pk=hall.pk if isinstance(hall, Hall) else int(hall)).first()
    if found is None:
        raise NotFound(_("大厅不存在"), code=ErrorCode.APPLICATION_NOT_FOUND)
    if not serves(actor, found):
        raise PermissionDenied(_("无权在该大厅登记"), code=ErrorCode.NOT_HALL_STAFF)
    return found


def assistance_record(
    *,
    actor: ActorLike,
    hall: Hall | int,
    kind: str,
    person_name: str,
    person_phone: str = "",
    item: Item | int | None = None,
    application: Application | int | None = None,
    programme: Programme | int | None = None,
    helper: Any = None,
    address: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Assistance:
    """帮办代办: who (``helper``, the actor by default) helped whom with which item. Raises NotFound,
    PermissionDenied (the actor does not serve the hall), ValidationFailed."""
    require(actor)
    hall_obj = _hall(actor, hall)
    problems: list[dict[str, Any]] = []
    if kind not in AssistanceKind.values:
        problems.append(problem("kind", ErrorCode.INVALID_ASSISTANCE, _("帮办方式不正确")))
    name = (person_name or "").strip()
    if not name:
        problems.append(problem("person_name", ErrorCode.INVALID_ASSISTANCE, _("请填写服务对象")))
    phone = normalise_phone(person_phone) if (person_phone or "").strip() else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            problems.append(problem("person_phone", ErrorCode.INVALID_ASSISTANCE, str(exc.messages[0])))
    item_obj = None
    if item is not None:
        item_obj = Item.objects.filter(pk=item.pk if isinstance(item, Item) else int(item)).first()
        if item_obj is None:
            problems.append(problem("item", ErrorCode.INVALID_ASSISTANCE, _("事项不存在")))
    app_obj = None
    if application is not None:
        pk = application.pk if isinstance(application, Application) else int(application)
        app_obj = Application.objects.filter(pk=pk, hall=hall_obj).first()
        if app_obj is None:
            problems.append(problem("application", ErrorCode.INVALID_ASSISTANCE, _("该大厅没有这个办件")))
        elif item_obj is None:
            item_obj = app_obj.item
    prog_obj = None
    if programme is not None:
        pk = programme.pk if isinstance(programme, Programme) else int(programme)
        prog_obj = Programme.objects.filter(pk=pk, hall=hall_obj).first()
        if prog_obj is None:
            problems.append(problem("programme", ErrorCode.INVALID_ASSISTANCE, _("该大厅没有这个专项服务")))
    if kind == AssistanceKind.DOORSTEP and not (address or "").strip():
        problems.append(problem("address", ErrorCode.INVALID_ASSISTANCE, _("上门办请填写上门地址")))
    if problems:
        raise refuse(problems)
    who = helper if helper is not None else user_of(actor)
    with transaction.atomic():
        row = Assistance.objects.create(
            kind=kind,
            hall=hall_obj,
            item=item_obj,
            application=app_obj,
            programme=prog_obj,
            helper=who,
            helper_name=(getattr(who, "display_name", "") or label_of(actor))[:100],
            person_name=name[:100],
            person_phone=phone,
            person_phone_index=blind_index(phone) if phone else "",
            at=at or timezone.now(),
            address=(address or "").strip()[:200],
            note=(note or "").strip()[:2000],
            recorded_by=user_of(actor),
        )
        audit.record(actor=actor, action="hall.assistance_record", obj=row, after=audit.snapshot(row))
    return row


def duty_set(*, actor: ActorLike, window: Window | int, day: dt.date, staff: Any, on: bool = True) -> Duty | None:
    """Put ``staff`` on duty at ``window`` on ``day`` (``on=False`` takes them off). The staff member must hold a
    receiving role over the hall. Idempotent."""
    require(actor)
    pk = window.pk if isinstance(window, Window) else int(window)
    w = Window.objects.select_related("hall", "hall__territory").filter(pk=pk).first()
    if w is None:
        raise NotFound(_("窗口不存在"), code=ErrorCode.INVALID_DUTY)
    _hall(actor, w.hall)
    if on and not permissions.has_role_over(staff, RECEIVERS, w.hall.territory.path):
        raise refuse([problem("staff", ErrorCode.INVALID_DUTY, _("该人员不是本大厅的窗口工作人员"))])
    with transaction.atomic():
        if not on:
            n, _d = Duty.objects.filter(window=w, day=day, staff=staff).delete()
            if n:
                audit.record(
                    actor=actor, action="hall.duty_set", obj=w, after={"day": day.isoformat(), "off": staff.pk}
                )
            return None
        duty, created = Duty.objects.get_or_create(window=w, day=day, staff=staff)
        if created:
            audit.record(actor=actor, action="hall.duty_set", obj=w, after={"day": day.isoformat(), "on": staff.pk})
    return duty
