"""What the warning pages, the API, the command line, the export and the reports read.

:func:`coverage` is the one definition of a warning's coverage (覆盖情况): for the current round, by grid,

- **notified** (已通知): staff and point responsible persons whose message was handed over (the inbox, or the SMS
  outbox for those reached by text) and whose text did not fail at the gateway;
- **acknowledged** (已确认): staff who tapped 收到;
- **not_reached** (未送达): a text the gateway refused, or no account and no mobile number on record;
- **pending** (发送中): not yet sent;
- **households**: households in scope, those messaged by SMS and those not reached (no mobile on record, or a
  refused text).

One aggregate query over the deliveries (grouped by grid) and one for the grids' names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.emergency.choices import LEVEL_COLOURS, Channel, DeliveryState, RecipientKind, WarningStatus
from wangge.emergency.models import Warning, WarningDelivery, ancestor_paths
from wangge.notifications.choices import DeliveryState as SmsState
from wangge.notifications.models import SmsMessage
from wangge.territory.models import Territory

DEFINITIONS: dict[str, Any] = {
    "notified": _("已通知：网格员、网格长和点位责任人中消息已送达（站内消息，或短信已交短信网关且未被拒收）的人数"),
    "acknowledged": _("已确认：须确认的人员中已点击“收到”的人数"),
    "not_reached": _("未送达：短信被网关拒收，或既无账号又无手机号的人数"),
    "households": _("住户：范围内在用户数；已发短信为户主（或其他在册成员）手机号已发出短信的户数"),
}

_PEOPLE = Q(kind__in=[RecipientKind.GRID_WORKER, RecipientKind.GRID_LEADER, RecipientKind.RESPONSIBLE])
_HOUSEHOLD = Q(kind=RecipientKind.HOUSEHOLD)
_SENT = Q(state=DeliveryState.SENT)
_UNREACHED = Q(state__in=[DeliveryState.FAILED, DeliveryState.NO_CONTACT])


def _refused(warning: Warning) -> list[dict[str, Any]]:
    """Texts of the round the gateway refused, by grid and kind: read from the outbox's failed messages of the
    warning's topic (few), so the main count needs no join over every delivery."""
    failed = list(
        SmsMessage.objects.filter(topic=f"warning:{warning.pk}", state=SmsState.FAILED).values_list("pk", flat=True)
    )
    if not failed:
        return []
    return list(
        WarningDelivery.objects.filter(
            warning_id=warning.pk, revision=warning.revision, channel=Channel.SMS, state=DeliveryState.SENT
        )
        .filter(sms_id__in=failed)
        .order_by()
        .values("grid_id", "kind")
        .annotate(n=Count("pk"))
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def coverage(warning: Warning) -> dict[str, Any]:
    """The coverage of the warning's current round: totals and ``by_grid`` (see the module's docstring)."""
    rows = (
        WarningDelivery.objects.filter(warning_id=warning.pk, revision=warning.revision)
        .order_by()
        .values("grid_id")
        .annotate(
            n_recipients=Count("pk", filter=_PEOPLE),
            n_notified=Count("pk", filter=_PEOPLE & _SENT),
            n_must_ack=Count("pk", filter=Q(must_ack=True)),
            n_acknowledged=Count("pk", filter=Q(must_ack=True, acknowledged_at__isnull=False)),
            n_escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            n_not_reached=Count("pk", filter=_PEOPLE & _UNREACHED),
            n_pending=Count("pk", filter=_PEOPLE & Q(state=DeliveryState.PENDING)),
            n_households=Count("pk", filter=_HOUSEHOLD),
            n_households_messaged=Count("pk", filter=_HOUSEHOLD & _SENT),
            n_households_not_reached=Count("pk", filter=_HOUSEHOLD & _UNREACHED),
        )
    )
    counted = list(rows)
    by_id = {r["grid_id"]: r for r in counted}
    for refused in _refused(warning):
        r = by_id.get(refused["grid_id"])
        if r is None:
            continue
        n = refused["n"]
        if refused["kind"] == RecipientKind.HOUSEHOLD:
            r["n_households_messaged"] -= n
            r["n_households_not_reached"] += n
        else:
            r["n_notified"] -= n
            r["n_not_reached"] += n
    names = {
        pk: (code, name)
        for pk, code, name in Territory.objects.filter(
            pk__in=[r["grid_id"] for r in counted if r["grid_id"]]
        ).values_list("pk", "code", "name")
    }
    keys = (
        "recipients",
        "notified",
        "must_ack",
        "acknowledged",
        "escalated",
        "not_reached",
        "pending",
        "households",
        "households_messaged",
        "households_not_reached",
    )
    totals = dict.fromkeys(keys, 0)
    by_grid: list[dict[str, Any]] = []
    for r in counted:
        code, name = names.get(r["grid_id"], ("", ""))
        item = {"grid_id": r["grid_id"], "code": code, "name": name, **{k: int(r[f"n_{k}"]) for k in keys}}
        item["acknowledged_share"] = _share(item["acknowledged"], item["must_ack"])
        by_grid.append(item)
        for k in keys:
            totals[k] += item[k]
    by_grid.sort(key=lambda g: g["code"])
    return {
        "warning": warning.pk,
        "code": warning.code,
        "revision": warning.revision,
        "level": warning.level,
        "status": warning.status,
        "notified": totals["notified"],
        "acknowledged": totals["acknowledged"],
        "not_reached": totals["not_reached"],
        "pending": totals["pending"],
        "recipients": totals["recipients"],
        "must_ack": totals["must_ack"],
        "escalated": totals["escalated"],
        "acknowledged_share": _share(totals["acknowledged"], totals["must_ack"]),
        "households": {
            "total": totals["households"],
            "messaged": totals["households_messaged"],
            "not_reached": totals["households_not_reached"],
        },
        "by_grid": by_grid,
    }


def _touching(node: Territory) -> Q:
    """Warnings over the node's subtree, or over a node above it."""
    path = node.path
    return Q(areas__path__startswith=path) | Q(areas__path__in=ancestor_paths(path))


def warnings_for(node: Territory, qs: QuerySet[Warning] | None = None) -> QuerySet[Warning]:
    base = Warning.objects.all() if qs is None else qs
    return base.filter(pk__in=Warning.objects.filter(_touching(node)).values("pk"))


def active_warnings(node: Territory, now: dt.datetime | None = None) -> list[Warning]:
    """The warnings in force over ``node`` (its subtree or above it), highest level first: the dashboard's."""
    at = now or timezone.now()
    rows = (
        warnings_for(node)
        .filter(status=WarningStatus.ACTIVE, valid_from__lte=at)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
        .prefetch_related("areas__node")
    )
    order = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
    return sorted(rows, key=lambda w: (order.get(w.level, 9), -w.issued_at.timestamp()))


def warnings_in_period(node: Territory, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The warnings in force at some time between ``start`` and ``end`` (local dates, inclusive) over ``node``,
    for the weekly report: code, type, level, issue and lift times, the level changes, the areas and the
    coverage of the last round."""
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (
        warnings_for(node)
        .filter(issued_at__lt=finish)
        .filter(Q(lifted_at__isnull=True) | Q(lifted_at__gte=begin))
        .prefetch_related("areas__node", "events")
        .order_by("issued_at", "id")
    )
    out: list[dict[str, Any]] = []
    for w in rows:
        c = coverage(w)
        out.append(
            {
                "id": w.pk,
                "code": w.code,
                "title": w.title,
                "hazard_type": w.hazard_type,
                "hazard_type_label": str(w.get_hazard_type_display()),
                "level": w.level,
                "level_label": str(w.get_level_display()),
                "colour": LEVEL_COLOURS.get(w.level, ""),
                "status": w.status,
                "issued_at": w.issued_at,
                "lifted_at": w.lifted_at,
                "areas": [a.node.name for a in w.areas.all()],
                "level_changes": [
                    {"at": e.at, "from": e.from_level, "to": e.to_level}
                    for e in w.events.all()
                    if e.action in ("upgrade", "downgrade")
                ],
                "notified": c["notified"],
                "acknowledged": c["acknowledged"],
                "not_reached": c["not_reached"],
                "households_messaged": c["households"]["messaged"],
            }
        )
    return out


def my_pending(user: Any) -> QuerySet[WarningDelivery]:
    """The user's deliveries of active warnings' current rounds still waiting for 收到."""
    from django.db.models import F

    return (
        WarningDelivery.objects.filter(
            recipient_id=getattr(user, "pk", None),
            must_ack=True,
            acknowledged_at__isnull=True,
            warning__status=WarningStatus.ACTIVE,
            revision=F("warning__revision"),
        )
        .select_related("warning")
        .order_by("-warning__issued_at")
    )


def my_delivery(user: Any, warning: Warning) -> WarningDelivery | None:
    return WarningDelivery.objects.filter(
        warning=warning, revision=warning.revision, recipient_id=getattr(user, "pk", None), must_ack=True
    ).first()
