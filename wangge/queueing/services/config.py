"""The hall's queue settings: item groups and their items, the groups each window serves, the weekly slot
template and the slots it makes on working days, the tidal rules. Managers only; audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import require
from wangge.core.errors import ValidationFailed
from wangge.hall.models import Hall, Item, Window
from wangge.queueing.errors import ErrorCode
from wangge.queueing.models import ItemGroup, Slot, SlotTemplate, TidalRule, WindowGroup
from wangge.queueing.services.common import require_manager
from wangge.workcalendar.arithmetic import is_working_day

__all__ = [
    "flexible_windows_set",
    "group_save",
    "slot_template_set",
    "slots_generate",
    "tidal_rule_save",
    "window_groups_set",
]


def group_save(
    *,
    actor: ActorLike,
    hall: Hall,
    prefix: str,
    name: str,
    items: Iterable[Item] = (),
    service_minutes: int = 8,
    position: int = 0,
    is_active: bool = True,
    group: ItemGroup | None = None,
) -> ItemGroup:
    """Create a group (or change ``group``) with its letter and items."""
    require(actor)
    require_manager(actor, hall)
    prefix = (prefix or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{1,2}", prefix):
        raise ValidationFailed(_("号码字头须为一至两个大写字母"), code=ErrorCode.INVALID_GROUP)
    taken = ItemGroup.objects.filter(hall=hall, prefix=prefix)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise ValidationFailed(_("该号码字头已被本大厅其他分组使用"), code=ErrorCode.INVALID_GROUP)
    if not (name or "").strip():
        raise ValidationFailed(_("请填写分组名称"), code=ErrorCode.INVALID_GROUP)
    with transaction.atomic():
        before = audit.snapshot(group) if group else None
        g = group or ItemGroup(hall=hall)
        g.prefix, g.name = prefix, name.strip()[:60]
        g.service_minutes, g.position = max(1, int(service_minutes)), int(position)
        g.is_active = bool(is_active)
        g.save()
        g.items.set(list(items))
        audit.record(
            actor=actor,
            action="queueing.group_update" if group else "queueing.group_create",
            obj=g,
            before=before,
            after=audit.snapshot(g),
        )
    return g


def window_groups_set(*, actor: ActorLike, window: Window, groups: Sequence[ItemGroup]) -> list[int]:
    """The window's own groups (the groups lent by a tidal rule stay as they are)."""
    require(actor)
    require_manager(actor, window.hall)
    if any(g.hall_id != window.hall_id for g in groups):
        raise ValidationFailed(_("只能选择本大厅的业务分组"), code=ErrorCode.INVALID_GROUP)
    with transaction.atomic():
        own = WindowGroup.objects.filter(window=window, is_tidal=False)
        before = sorted(own.values_list("group_id", flat=True))
        own.exclude(group__in=groups).delete()
        for g in groups:
            WindowGroup.objects.update_or_create(window=window, group=g, defaults={"is_tidal": False})
        after = sorted(g.pk for g in groups)
        audit.record(
            actor=actor,
            action="queueing.window_groups_set",
            obj=window,
            before={"groups": before},
            after={"groups": after},
        )
    return after


def slot_template_set(*, actor: ActorLike, group: ItemGroup, rows: Iterable[tuple[int, dt.time, dt.time, int]]) -> int:
    """Replace the group's weekly template by ``rows`` of (weekday 0–6, start, end, capacity)."""
    require(actor)
    require_manager(actor, group.hall)
    clean = []
    for weekday, start, end, capacity in rows:
        if not 0 <= int(weekday) <= 6 or end <= start or int(capacity) < 1:
            raise ValidationFailed(_("预约时段不正确：星期、起止时间或人数有误"), code=ErrorCode.INVALID_GROUP)
        clean.append(SlotTemplate(group=group, weekday=int(weekday), starts_at=start, ends_at=end, capacity=capacity))
    with transaction.atomic():
        SlotTemplate.objects.filter(group=group).delete()
        SlotTemplate.objects.bulk_create(clean)
        audit.record(
            actor=actor, action="queueing.template_set", obj=group, after={"rows": len(clean)}, only_changes=False
        )
    return len(clean)


def slots_generate(*, actor: ActorLike, hall: Hall, start: dt.date, days: int = 7) -> int:
    """Make the bookable slots of the hall's working days from ``start`` on (the working calendar decides which
    days); existing slots are kept. Returns how many were made."""
    require(actor)
    require_manager(actor, hall)
    templates = list(SlotTemplate.objects.filter(group__hall=hall, group__is_active=True).select_related("group"))
    made = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if not is_working_day(day):
            continue
        for t in templates:
            if t.weekday == day.weekday():
                made.append(
                    Slot(
                        hall=hall, group=t.group, day=day, starts_at=t.starts_at, ends_at=t.ends_at, capacity=t.capacity
                    )
                )
    with transaction.atomic():
        existing = set(
            Slot.objects.filter(hall=hall, day__gte=start, day__lt=start + dt.timedelta(days=days)).values_list(
                "group_id", "day", "starts_at"
            )
        )
        new = [s for s in made if (s.group_id, s.day, s.starts_at) not in existing]
        Slot.objects.bulk_create(new)
    return len(new)


def tidal_rule_save(
    *,
    actor: ActorLike,
    group: ItemGroup,
    open_queue: int,
    open_wait_minutes: int,
    close_queue: int,
    close_wait_minutes: int,
    max_windows: int = 2,
    is_active: bool = True,
) -> TidalRule:
    """Set the tidal rule of a group; the lower thresholds must lie below the upper ones (hysteresis)."""
    require(actor)
    require_manager(actor, group.hall)
    if close_queue >= open_queue or close_wait_minutes >= open_wait_minutes or max_windows < 1:
        raise ValidationFailed(_("恢复阈值须低于开启阈值，且至少调入一个窗口"), code=ErrorCode.INVALID_RULE)
    with transaction.atomic():
        existing = TidalRule.objects.filter(group=group).first()
        before = audit.snapshot(existing)
        rule, _new = TidalRule.objects.update_or_create(
            group=group,
            defaults={
                "hall": group.hall,
                "open_queue": open_queue,
                "open_wait_minutes": open_wait_minutes,
                "close_queue": close_queue,
                "close_wait_minutes": close_wait_minutes,
                "max_windows": max_windows,
                "is_active": is_active,
            },
        )
        audit.record(actor=actor, action="queueing.rule_save", obj=rule, before=before, after=audit.snapshot(rule))
    return rule


def flexible_windows_set(*, actor: ActorLike, hall: Hall, windows: Sequence[Window]) -> list[int]:
    """Which windows of the hall a tidal rule may lend to a pressed group (潮汐窗口); the others stop being
    flexible (the groups already lent to them are given back at the next evaluation)."""
    require(actor)
    require_manager(actor, hall)
    if any(w.hall_id != hall.pk for w in windows):
        raise ValidationFailed(_("只能选择本大厅的窗口"), code=ErrorCode.INVALID_GROUP)
    chosen = sorted(w.pk for w in windows)
    with transaction.atomic():
        mine = Window.objects.filter(hall=hall)
        before = sorted(mine.filter(is_flexible=True).values_list("pk", flat=True))
        mine.filter(pk__in=chosen).update(is_flexible=True)
        mine.exclude(pk__in=chosen).update(is_flexible=False)
        audit.record(
            actor=actor,
            action="queueing.flexible_windows_set",
            obj=hall,
            before={"windows": before},
            after={"windows": chosen},
        )
    return chosen
