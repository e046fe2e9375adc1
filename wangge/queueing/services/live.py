"""The tidal windows live (潮汐窗口): the hall's queues and flexible windows read into the pure rule
(``queueing.tidal.decide``), its decisions applied — the group added to or removed from the window — each logged
as a ``WindowSwitch`` and told to the window's staff in their inbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import SYSTEM, require
from wangge.hall.models import Hall, Window
from wangge.notifications.services import notify
from wangge.queueing import tidal
from wangge.queueing.choices import SwitchDirection
from wangge.queueing.models import ItemGroup, TidalRule, WindowGroup, WindowSwitch
from wangge.queueing.selectors import queue_status

__all__ = ["tidal_after_event", "tidal_evaluate", "tidal_rules_of"]


def tidal_rules_of(hall: Hall | int) -> dict[str, tidal.Rule]:
    return {
        str(r.group_id): tidal.Rule(
            group=str(r.group_id),
            open_queue=r.open_queue,
            open_wait=float(r.open_wait_minutes),
            close_queue=r.close_queue,
            close_wait=float(r.close_wait_minutes),
            max_windows=r.max_windows,
        )
        for r in TidalRule.objects.filter(hall=hall, is_active=True, group__is_active=True)
    }


def tidal_evaluate(
    *, actor: ActorLike = SYSTEM, hall: Hall | int, now: dt.datetime | None = None, synthetic: bool = False
) -> list[WindowSwitch]:
    """Apply the hall's tidal rules now; returns the switches made."""
    require(actor)
    at = now or timezone.now()
    rules = tidal_rules_of(hall)
    if not rules:
        return []
    hall_id = hall.pk if isinstance(hall, Hall) else int(hall)
    with transaction.atomic():
        flexible = list(
            Window.objects.select_for_update()
            .filter(hall_id=hall_id, is_active=True, is_flexible=True)
            .order_by("number")
        )
        lent_to = dict(
            WindowGroup.objects.filter(window__in=flexible, is_tidal=True).values_list("window_id", "group_id")
        )
        queues = queue_status(hall_id, at)
        groups = [
            tidal.GroupState(
                group=str(q.group_id),
                waiting=q.waiting,
                expected_wait=float(q.expected_wait_minutes),
                lent=tuple(str(w) for w in q.lent_windows),
            )
            for q in queues
        ]
        windows = [
            tidal.WindowState(str(w.pk), True, str(lent_to[w.pk]) if w.pk in lent_to else None) for w in flexible
        ]
        decisions = tidal.decide(groups, windows, rules)
        if not decisions:
            return []
        by_pk = {w.pk: w for w in flexible}
        names = dict(ItemGroup.objects.filter(hall_id=hall_id).values_list("pk", "name"))
        made = []
        for d in decisions:
            window, group_id = by_pk[int(d.window)], int(d.group)
            if d.action == tidal.OPEN:
                WindowGroup.objects.get_or_create(window=window, group_id=group_id, defaults={"is_tidal": True})
                direction = SwitchDirection.OPEN
                text = _("%(w)s号窗口临时开启“%(g)s”业务（等候 %(n)s 人，预计 %(m)s 分钟）")
            else:
                WindowGroup.objects.filter(window=window, group_id=group_id, is_tidal=True).delete()
                direction = SwitchDirection.CLOSE
                text = _("%(w)s号窗口恢复原业务，不再办理“%(g)s”（等候 %(n)s 人）")
            subject = text % {
                "w": window.number,
                "g": names.get(group_id, ""),
                "n": d.waiting,
                "m": round(d.expected_wait),
            }
            switch = WindowSwitch.objects.create(
                hall_id=hall_id,
                window=window,
                group_id=group_id,
                direction=direction,
                at=at,
                waiting=d.waiting,
                expected_wait_minutes=round(d.expected_wait),
                reason=d.reason,
                is_synthetic=synthetic,
            )
            made.append(switch)
            audit.record(
                actor=actor,
                action="queueing.tidal_open" if direction == SwitchDirection.OPEN else "queueing.tidal_close",
                obj=window,
                after={"group": group_id, "waiting": d.waiting, "reason": d.reason},
                only_changes=False,
            )
            if not synthetic:
                notify(
                    key=f"queueing.switch.{switch.pk}",
                    subject=subject,
                    link=reverse("web:queueing_window", args=[window.pk]),
                    recipients=list(window.staff.filter(is_active=True)),
                )
    return made


def tidal_after_event(hall_id: int, at: dt.datetime) -> None:
    """Re-evaluate the hall's rules after a ticket event, at most once every ``WANGGE_QUEUE_TIDAL_SECONDS``."""
    seconds = int(getattr(settings, "WANGGE_QUEUE_TIDAL_SECONDS", 30))
    if seconds > 0 and not cache.add(f"queueing:tidal:{hall_id}", 1, timeout=seconds):
        return
    tidal_evaluate(hall=hall_id, now=at)
