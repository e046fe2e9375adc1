"""收到: a staff recipient acknowledges a warning with one tap; and the sweep that reports those who did not in
time to the person above them (the grid's 网格长 for a grid worker or a point's responsible person, the
community's staff for a 网格长, the street's staff when the community has none)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core import audit
from wangge.core.actors import SystemActor, is_system, require
from wangge.core.errors import Conflict, NotFound, PermissionDenied
from wangge.emergency import conf
from wangge.emergency.choices import RecipientKind, WarningStatus
from wangge.emergency.errors import ErrorCode
from wangge.emergency.models import STEP, Warning, WarningDelivery, WarningEscalation
from wangge.emergency.services.common import event
from wangge.notifications.services import notify

SWEEP = SystemActor("预警未确认上报")


def warning_acknowledge(*, actor: Any, warning: Warning | int, now: dt.datetime | None = None) -> WarningDelivery:
    """收到: the actor's delivery of the warning's current round is acknowledged (once; a second tap changes
    nothing). Raises NotFound (not visible), PermissionDenied (not a recipient who must acknowledge), Conflict
    (the warning is lifted)."""
    require(actor)
    if is_system(actor):
        raise PermissionDenied(_("系统不能确认预警"), code=ErrorCode.NOT_A_RECIPIENT)
    pk = warning.pk if isinstance(warning, Warning) else int(warning)
    at = now or timezone.now()
    with transaction.atomic():
        w = Warning.objects.restrict(actor).filter(pk=pk).first()
        if w is None:
            raise NotFound(_("预警不存在"), code=ErrorCode.WARNING_NOT_FOUND)
        if w.status != WarningStatus.ACTIVE:
            raise Conflict(_("该预警已解除，无需确认"), code=ErrorCode.WARNING_LIFTED)
        delivery = (
            WarningDelivery.objects.select_for_update()
            .filter(warning=w, revision=w.revision, recipient_id=actor.pk, must_ack=True)
            .first()
        )
        if delivery is None:
            raise PermissionDenied(_("您不是该预警的接收人"), code=ErrorCode.NOT_A_RECIPIENT)
        if delivery.acknowledged_at is not None:
            return delivery
        delivery.acknowledged_at = at
        delivery.save(update_fields=["acknowledged_at"])
        audit.record(
            actor=actor,
            action="emergency.warning_acknowledge",
            obj=w,
            after={"revision": w.revision, "delivery": delivery.pk},
            only_changes=False,
        )
    return delivery


def _superiors(rows: list[WarningDelivery]) -> dict[int, list[int]]:
    """Delivery id → the users above its recipient, read from the territory tree and the role grants."""
    wanted: dict[int, list[tuple[str, str]]] = {}
    paths: set[str] = set()
    for r in rows:
        grid = r.grid.path if r.grid is not None else ""
        community, street = grid[:-STEP], grid[: -2 * STEP]
        if r.kind == RecipientKind.GRID_LEADER:
            order = [(Role.COMMUNITY_STAFF, community), (Role.STREET_STAFF, street)]
        else:
            order = [(Role.GRID_LEADER, grid), (Role.COMMUNITY_STAFF, community), (Role.STREET_STAFF, street)]
        wanted[r.pk] = [(role, p) for role, p in order if p]
        paths |= {p for _role, p in wanted[r.pk]}
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    grants = RoleGrant.objects.filter(
        role__in=[Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF],
        territory__path__in=paths,
        user__is_active=True,
    ).values_list("role", "territory__path", "user_id")
    for role, path, user_id in grants.order_by("user_id"):
        holders[(role, path)].append(user_id)
    out: dict[int, list[int]] = {}
    for r in rows:
        for key in wanted[r.pk]:
            found = [u for u in holders.get(key, []) if u != r.recipient_id]
            if found:
                out[r.pk] = found
                break
    return out


def warnings_escalate(*, now: dt.datetime | None = None) -> int:
    """The sweep: every staff delivery of an active warning's current round sent longer ago than the
    acknowledgement time (``conf.ack_timeout``, default 30 minutes) and not acknowledged is reported once to the
    person above; the escalations are recorded with a history row and an audit entry per warning. Returns the
    number of deliveries escalated."""
    at = now or timezone.now()
    rows = list(
        WarningDelivery.objects.filter(
            warning__status=WarningStatus.ACTIVE,
            revision=F("warning__revision"),
            must_ack=True,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            sent_at__lte=at - conf.ack_timeout(),
        )
        .select_related("grid", "warning")
        .order_by("warning_id", "pk")[:5000]
    )
    if not rows:
        return 0
    above = _superiors(rows)
    by_warning: dict[int, list[WarningDelivery]] = defaultdict(list)
    for r in rows:
        by_warning[r.warning_id].append(r)
    users = User.objects.in_bulk({u for ids in above.values() for u in ids})
    for items in by_warning.values():
        with transaction.atomic():
            w = items[0].warning
            escalations = []
            for r in items:
                r.escalated_at = at
                for user_id in above.get(r.pk, []):
                    escalations.append(WarningEscalation(delivery=r, warning=w, escalated_to_id=user_id, at=at))
                    label = RecipientKind(r.kind).label
                    notify(
                        key=f"emergency:escalate:{r.pk}",
                        subject=_("%(kind)s%(name)s超过 %(minutes)s 分钟未确认%(title)s（%(code)s），请督促")
                        % {
                            "kind": label,
                            "name": r.name,
                            "minutes": int(conf.ack_timeout().total_seconds() // 60),
                            "title": w.title,
                            "code": w.code,
                        },
                        body=w.text,
                        link=f"/emergency/warnings/{w.pk}/",
                        recipients=[users[user_id]] if user_id in users else [],
                    )
            WarningDelivery.objects.bulk_update(items, ["escalated_at"])
            WarningEscalation.objects.bulk_create(escalations, ignore_conflicts=True)
            data = {"deliveries": len(items), "escalations": len(escalations)}
            event(w, "escalate", SWEEP, at, from_status=w.status, from_level=w.level, data=data)
            audit.record(actor=SWEEP, action="emergency.escalate", obj=w, after=data, only_changes=False)
    return len(rows)
