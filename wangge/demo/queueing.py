"""Demo data of 预约与叫号, on the halls of the hall step: for 卫东区政务服务中心 three item groups (A 综合受理,
B 专项业务, C 帮办代办) made from its windows' kinds and items, the windows' groups, a weekly slot template and
this week's slots, some appointments, yesterday's tickets (all handled) and today's up to now with a morning
peak and their events, a tidal rule per busy group and the switches it made yesterday.

Deterministic (``random.Random`` seeded), marked synthetic, idempotent: a day already seeded is left alone.
Skipped when the hall step has made no district hall."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from wangge.core.crypto import blind_index
from wangge.hall.choices import WindowKind
from wangge.hall.models import Hall, Window
from wangge.queueing.choices import AppointmentStatus, SwitchDirection, TicketAction, TicketSource, TicketStatus
from wangge.queueing.models import (
    Appointment,
    ItemGroup,
    Slot,
    SlotTemplate,
    Ticket,
    TicketCounter,
    TicketEvent,
    TidalRule,
    WindowGroup,
    WindowSwitch,
)
from wangge.queueing.services.booking import CODE_ALPHABET
from wangge.workcalendar.arithmetic import is_working_day

SEED = 4104030015
HALL_CODE = "WD-ZWFW"
GROUPS = (
    ("A", "综合受理", WindowKind.COMPREHENSIVE, 6),
    ("B", "专项业务", WindowKind.DEDICATED, 9),
    ("C", "帮办代办", WindowKind.ASSISTANCE, 12),
)
TZ = ZoneInfo("Asia/Shanghai")
PER_DAY = {"A": 120, "B": 60, "C": 12}


def _groups(hall: Hall) -> tuple[dict[str, ItemGroup], int]:
    made = 0
    out: dict[str, ItemGroup] = {}
    windows = list(Window.objects.filter(hall=hall, is_active=True).order_by("number"))
    for position, (prefix, name, kind, minutes) in enumerate(GROUPS, start=1):
        group, new = ItemGroup.objects.get_or_create(
            hall=hall, prefix=prefix, defaults={"name": name, "service_minutes": minutes, "position": position}
        )
        out[prefix] = group
        if not new:
            continue
        made += 1
        mine = [w for w in windows if w.kind == kind and not w.name.startswith("契税")]
        group.items.set({i for w in mine for i in w.items.all()})
        WindowGroup.objects.bulk_create([WindowGroup(window=w, group=group) for w in mine], ignore_conflicts=True)
    return out, made


def _templates(groups: dict[str, ItemGroup]) -> int:
    made = 0
    for g in groups.values():
        if SlotTemplate.objects.filter(group=g).exists():
            continue
        rows = []
        for weekday in range(5):
            for h in (9, 10, 14, 15):
                rows.append(
                    SlotTemplate(group=g, weekday=weekday, starts_at=dt.time(h), ends_at=dt.time(h, 59), capacity=4)
                )
        SlotTemplate.objects.bulk_create(rows)
        made += len(rows)
    return made


def _slots(hall: Hall, today: dt.date) -> int:
    monday = today - dt.timedelta(days=today.weekday())
    templates = list(SlotTemplate.objects.filter(group__hall=hall).select_related("group"))
    have = set(Slot.objects.filter(hall=hall, day__gte=monday).values_list("group_id", "day", "starts_at"))
    new = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if not is_working_day(day):
            continue
        for t in templates:
            if t.weekday == day.weekday() and (t.group_id, day, t.starts_at) not in have:
                new.append(
                    Slot(
                        hall=hall, group=t.group, day=day, starts_at=t.starts_at, ends_at=t.ends_at, capacity=t.capacity
                    )
                )
    Slot.objects.bulk_create(new)
    return len(new)


def _appointments(hall: Hall, rng: random.Random) -> int:
    if Appointment.objects.filter(hall=hall, is_synthetic=True).exists():
        return 0
    made = 0
    for slot in Slot.objects.filter(hall=hall).order_by("day", "starts_at", "group_id"):
        n = rng.choice([0, 0, 1, 2, 3])
        for _k in range(n):
            phone = f"13{rng.randint(100000000, 999999999)}"
            Appointment.objects.create(
                code="".join(rng.choice(CODE_ALPHABET) for _ in range(8)),
                hall=hall,
                group=slot.group,
                slot=slot,
                name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇"]),
                phone=phone,
                phone_index=blind_index(phone),
                status=AppointmentStatus.BOOKED,
                is_synthetic=True,
            )
            made += 1
        Slot.objects.filter(pk=slot.pk).update(booked=n)
    return made


def _arrival_minutes(rng: random.Random, n: int) -> list[float]:
    """Minutes after 9:00 with a morning peak (half of the day's visitors before 10:30)."""
    out = [rng.uniform(0, 90) if rng.random() < 0.5 else rng.uniform(90, 450) for _ in range(n)]
    return sorted(out)


def _day_tickets(hall: Hall, groups: dict[str, ItemGroup], day: dt.date, until: dt.datetime, rng: random.Random) -> int:
    if Ticket.objects.filter(hall=hall, day=day).exists():
        return 0
    opening = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
    windows_of: dict[int, list[Window]] = {}
    for link in WindowGroup.objects.filter(group__in=groups.values()).select_related("window"):
        windows_of.setdefault(link.group_id, []).append(link.window)
    tickets, events = [], []
    for prefix, group in groups.items():
        free = {w.pk: opening for w in windows_of.get(group.pk, [])}
        if not free:
            continue
        by_pk = {w.pk: w for w in windows_of[group.pk]}
        seq = 0
        for minute in _arrival_minutes(rng, PER_DAY[prefix]):
            issued = opening + dt.timedelta(minutes=minute)
            if issued >= until:
                break
            seq += 1
            window_id = min(free, key=lambda k: free[k])
            called = max(issued, free[window_id])
            t = Ticket(
                hall=hall,
                group=group,
                day=day,
                seq=seq,
                number=f"{prefix}{seq:03d}",
                token=secrets.token_urlsafe(16),
                source=rng.choice([TicketSource.KIOSK, TicketSource.KIOSK, TicketSource.PHONE]),
                issued_at=issued,
                is_synthetic=True,
            )
            if called < until:
                skipped = rng.random() < 0.04
                service = dt.timedelta(minutes=rng.lognormvariate(1.7, 0.4))
                t.window, t.called_at, t.calls = by_pk[window_id], called, 1
                if skipped:
                    t.status, t.finished_at = TicketStatus.SKIPPED, called + dt.timedelta(minutes=2)
                elif called + service < until:
                    t.status, t.started_at, t.finished_at = (
                        TicketStatus.DONE,
                        called + dt.timedelta(minutes=1),
                        called + service,
                    )
                else:
                    t.status, t.started_at = TicketStatus.SERVING, called + dt.timedelta(minutes=1)
                free[window_id] = t.finished_at or until
            tickets.append(t)
        TicketCounter.objects.update_or_create(group=group, day=day, defaults={"last": seq})
    Ticket.objects.bulk_create(tickets, batch_size=500)
    for t in tickets:
        events.append(TicketEvent(ticket=t, action=TicketAction.ISSUE, at=t.issued_at, data={"source": t.source}))
        if t.called_at:
            events.append(TicketEvent(ticket=t, action=TicketAction.CALL, at=t.called_at, window=t.window))
        if t.status == TicketStatus.SKIPPED and t.finished_at:
            events.append(TicketEvent(ticket=t, action=TicketAction.SKIP, at=t.finished_at, window=t.window))
        if t.started_at:
            events.append(TicketEvent(ticket=t, action=TicketAction.START, at=t.started_at, window=t.window))
        if t.status == TicketStatus.DONE and t.finished_at:
            events.append(TicketEvent(ticket=t, action=TicketAction.FINISH, at=t.finished_at, window=t.window))
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    return len(tickets) + len(events)


def _rules_and_switches(hall: Hall, groups: dict[str, ItemGroup], yesterday: dt.date) -> int:
    made = 0
    for prefix in ("A", "B"):
        _rule, new = TidalRule.objects.get_or_create(group=groups[prefix], defaults={"hall": hall})
        made += int(new)
    if WindowSwitch.objects.filter(hall=hall, is_synthetic=True).exists():
        return made
    flexible = list(Window.objects.filter(hall=hall, is_flexible=True).order_by("number")[:2])
    for k, w in enumerate(flexible):
        opened = dt.datetime.combine(yesterday, dt.time(9, 20 + 10 * k), tzinfo=TZ)
        WindowSwitch.objects.create(
            hall=hall,
            window=w,
            group=groups["B"],
            direction=SwitchDirection.OPEN,
            at=opened,
            waiting=9 + k,
            expected_wait_minutes=24 + 3 * k,
            reason="queue>=8",
            is_synthetic=True,
        )
        WindowSwitch.objects.create(
            hall=hall,
            window=w,
            group=groups["B"],
            direction=SwitchDirection.CLOSE,
            at=opened + dt.timedelta(minutes=70 - 10 * k),
            waiting=1,
            expected_wait_minutes=3,
            reason="queue<=2,wait<=5",
            is_synthetic=True,
        )
        made += 2
    return made


def queueing_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Return (created, unchanged)."""
    hall = Hall.objects.filter(code=HALL_CODE).first()
    if hall is None:
        return 0, 0
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    while not is_working_day(yesterday):
        yesterday -= dt.timedelta(days=1)
    with transaction.atomic():
        groups, made = _groups(hall)
        made += _templates(groups)
        made += _slots(hall, today)
        made += _appointments(hall, rng)
        made += _day_tickets(hall, groups, yesterday, dt.datetime.combine(yesterday, dt.time(17), tzinfo=TZ), rng)
        if is_working_day(today):
            made += _day_tickets(hall, groups, today, min(now, dt.datetime.combine(today, dt.time(17), tzinfo=TZ)), rng)
        made += _rules_and_switches(hall, groups, yesterday)
    return made, 0 if made else 1
