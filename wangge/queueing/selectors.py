"""Every figure of 预约与叫号 a screen shows, defined once: the live queue of a hall per group (waiting, the
windows serving it, the recent service time and the expected wait), a ticket's position, the numbers recently
called (the wall screen), a window's current ticket and groups, the day's bookings."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.hall.models import Hall, Window
from wangge.queueing.choices import AppointmentStatus, TicketStatus
from wangge.queueing.models import Appointment, ItemGroup, Slot, Ticket, WindowGroup
from wangge.queueing.tidal import expected_wait

RECENT_SERVICES = 20  # finished tickets of a group the service time is averaged over
WALL_ROWS = 8  # numbers the wall screen lists

DEFINITIONS = {
    "waiting": _("等候人数：当天该分组已取号、尚未被叫号的票数"),
    "service": _("平均办理时长：该分组当天最近 20 件办结票号从开始办理到办结的平均分钟数；当天尚无办结时取分组设定值"),
    "expected": _("预计等候：等候人数 × 平均办理时长 ÷ 当前服务该分组的窗口数，向上取整到分钟"),
}


@dataclass(frozen=True)
class GroupQueue:
    group_id: int
    prefix: str
    name: str
    waiting: int
    windows: int
    service_minutes: float
    expected_wait_minutes: int
    lent_windows: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group_id,
            "prefix": self.prefix,
            "name": self.name,
            "waiting": self.waiting,
            "windows": self.windows,
            "service_minutes": round(self.service_minutes, 1),
            "expected_wait_minutes": self.expected_wait_minutes,
        }


def local_day(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def hall_groups(hall: Hall | int) -> QuerySet[ItemGroup]:
    return ItemGroup.objects.filter(hall=hall, is_active=True).order_by("position", "prefix")


def window_group_ids(window: Window | int) -> list[int]:
    return list(WindowGroup.objects.filter(window=window, group__is_active=True).values_list("group_id", flat=True))


def service_minutes(group: ItemGroup, day: dt.date) -> float:
    """The mean minutes from start to finish of the group's last finished tickets that day."""
    rows = (
        Ticket.objects.filter(group=group, day=day, status=TicketStatus.DONE, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:RECENT_SERVICES]
    )
    spans = [(b - a).total_seconds() / 60 for a, b in rows if a and b and b >= a]
    return sum(spans) / len(spans) if spans else float(group.service_minutes)


def queue_status(hall: Hall | int, now: dt.datetime | None = None) -> list[GroupQueue]:
    """The live queue of each active group of the hall."""
    day = local_day(now)
    groups = list(hall_groups(hall))
    waiting = dict(
        Ticket.objects.filter(hall=hall, day=day, status=TicketStatus.WAITING)
        .values_list("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    links = WindowGroup.objects.filter(group__in=groups, window__is_active=True).values_list(
        "group_id", "window_id", "is_tidal", "since"
    )
    windows: dict[int, int] = {}
    lent: dict[int, list[tuple[dt.datetime, int]]] = {}
    for group_id, window_id, is_tidal, since in links:
        windows[group_id] = windows.get(group_id, 0) + 1
        if is_tidal:
            lent.setdefault(group_id, []).append((since, window_id))
    out = []
    for g in groups:
        n = int(waiting.get(g.pk, 0))
        minutes = service_minutes(g, day)
        servers = windows.get(g.pk, 0)
        out.append(
            GroupQueue(
                group_id=g.pk,
                prefix=g.prefix,
                name=g.name,
                waiting=n,
                windows=servers,
                service_minutes=minutes,
                expected_wait_minutes=math.ceil(expected_wait(n, minutes, servers)),
                lent_windows=tuple(w for _s, w in sorted(lent.get(g.pk, []))),
            )
        )
    return out


def position(ticket: Ticket) -> int:
    """How many waiting tickets of the group are called before this one (0 when it is next, or not waiting)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    ahead = (
        Q(is_booked=True, issued_at__lt=ticket.issued_at)
        if ticket.is_booked
        else Q(is_booked=True) | Q(issued_at__lt=ticket.issued_at)
    )
    return Ticket.objects.filter(ahead, group=ticket.group_id, day=ticket.day, status=TicketStatus.WAITING).count()


def recent_calls(hall: Hall | int, now: dt.datetime | None = None, limit: int = WALL_ROWS) -> list[dict[str, Any]]:
    """The numbers called last (wall screen): number, window, when, how many times called."""
    rows = (
        Ticket.objects.filter(hall=hall, day=local_day(now), called_at__isnull=False)
        .select_related("window")
        .order_by("-called_at", "-id")[:limit]
    )
    return [
        {
            "id": t.pk,
            "number": t.number,
            "window": t.window.number if t.window else "",
            "window_name": t.window.name if t.window else "",
            "called_at": t.called_at.isoformat() if t.called_at else "",
            "calls": t.calls,
            "status": t.status,
        }
        for t in rows
    ]


def current_ticket(window: Window | int) -> Ticket | None:
    """The ticket called or served at the window now."""
    return (
        Ticket.objects.filter(window=window, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        .select_related("group", "appointment")
        .order_by("-called_at")
        .first()
    )


def window_served_today(window: Window | int, now: dt.datetime | None = None) -> int:
    return Ticket.objects.filter(window=window, day=local_day(now), status=TicketStatus.DONE).count()


def bookable_slots(hall: Hall | int, group: ItemGroup | int | None, start: dt.date, days: int = 7) -> QuerySet[Slot]:
    qs = Slot.objects.filter(
        hall=hall, day__gte=start, day__lt=start + dt.timedelta(days=days), group__is_active=True
    ).select_related("group")
    return qs.filter(group=group) if group is not None else qs


def day_appointments(qs: QuerySet[Appointment], day: dt.date) -> QuerySet[Appointment]:
    return qs.filter(slot__day=day).select_related("slot", "group", "item").order_by("slot__starts_at", "id")


def day_figures(hall: Hall | int, day: dt.date) -> dict[str, int]:
    """The day's tickets: issued, done, skipped, waiting; bookings booked/arrived/cancelled."""
    t = Ticket.objects.filter(hall=hall, day=day).aggregate(
        issued=Count("id"),
        done=Count("id", filter=Q(status=TicketStatus.DONE)),
        skipped=Count("id", filter=Q(status=TicketStatus.SKIPPED)),
        waiting=Count("id", filter=Q(status=TicketStatus.WAITING)),
    )
    a = Appointment.objects.filter(hall=hall, slot__day=day).aggregate(
        booked=Count("id", filter=~Q(status=AppointmentStatus.CANCELLED)),
        arrived=Count("id", filter=Q(status=AppointmentStatus.ARRIVED)),
        cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
    )
    return {**{k: int(v or 0) for k, v in t.items()}, **{f"appointments_{k}": int(v or 0) for k, v in a.items()}}
