"""Who a warning reaches, and the sending.

:func:`delivery_rows` is the one definition of the recipients of a round: every grid worker and 网格长 granted
on a grid in scope; every point responsible person in scope (by account when the point names one, else by the
name and phone on the point); every household in scope, reached by SMS at the phone of its head (or another
current member) in the 基础台账. :func:`deliveries_write` inserts them in bulk, once per key (a retry inserts
nothing); :func:`deliveries_send` sends a range of pending rows: the inbox through ``notify`` (keyed), text
messages through ``sms_send`` (keyed, the SMS outbox and its pluggable backend), the phones read as the system
through the ledgers' reveal rule with one audit entry per batch. The group robots over the nodes in scope
hear once per round (:func:`robots_notify`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import connections, models, router, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant, User
from wangge.core import audit
from wangge.core.actors import SystemActor
from wangge.core.validators import normalise_phone
from wangge.emergency.choices import Channel, DeliveryState, RecipientKind, WarningStatus
from wangge.emergency.models import Warning, WarningDelivery, ancestor_paths
from wangge.ledgers.choices import RecordStatus, Relation, ResidentStatus
from wangge.ledgers.models import Household, Resident
from wangge.ledgers.selectors import may_reveal
from wangge.notifications.models import SmsMessage, WebhookEndpoint
from wangge.notifications.services import notify, sms_send
from wangge.notifications.sms import can_receive_sms
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

FAN_OUT = SystemActor("预警发送")
INSERT_BATCH = 2000


def area_paths(warning: Warning) -> list[str]:
    return list(warning.areas.values_list("path", flat=True))


def grids_in_scope(warning: Warning) -> QuerySet[Territory]:
    """The grids a warning covers: under one of its nodes, or holding one (a node below a grid)."""
    q = Q(pk__in=[])
    for p in area_paths(warning):
        q |= Q(path__startswith=p) | Q(path__in=ancestor_paths(p))
    grids: QuerySet[Territory] = Territory.objects.filter(q, kind=TerritoryKind.GRID)
    return grids


def notice_key(warning: Warning) -> str:
    return f"emergency:{warning.pk}:{warning.revision}"


def link(warning: Warning) -> str:
    return f"/emergency/warnings/{warning.pk}/ack/"


def subject(warning: Warning) -> str:
    return _("【预警】%(title)s（%(code)s），请点击确认收到") % {"title": warning.title, "code": warning.code}


def sms_text(warning: Warning) -> str:
    actions = "；".join(warning.actions[:3])
    text = f"【{warning.title}】{warning.text}"
    if actions:
        text += _("。应对措施：%(a)s") % {"a": actions}
    return text[:300]


COLUMNS = (
    "warning_id",
    "revision",
    "key",
    "kind",
    "channel",
    "grid_id",
    "recipient_id",
    "point_id",
    "household_id",
    "resident_id",
    "name",
    "state",
    "error",
    "sms_id",
    "sent_at",
    "must_ack",
    "acknowledged_at",
    "escalated_at",
)


def _row(warning: Warning, key: str, kind: str, channel: str, grid_id: int | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        warning_id=warning.pk,
        revision=warning.revision,
        key=f"w{warning.pk}r{warning.revision}{key}",
        kind=kind,
        channel=channel,
        grid_id=grid_id,
        name="",
        state=DeliveryState.PENDING,
        error="",
        must_ack=False,
    )
    row.update(values)
    return row


def delivery_rows(warning: Warning) -> list[dict[str, Any]]:
    """The deliveries of the warning's current round as plain rows (column → value), one per recipient, each with
    its unique key. Plain rows, not model instances: a district has tens of thousands of households."""
    grid_ids = list(grids_in_scope(warning).values_list("pk", flat=True))
    rows: list[dict[str, Any]] = []
    staff: dict[int, tuple[str, int]] = {}
    grants = (
        RoleGrant.objects.filter(
            role__in=[Role.GRID_LEADER, Role.GRID_WORKER], territory_id__in=grid_ids, user__is_active=True
        )
        .order_by("territory_id", "user_id")
        .values_list("user_id", "role", "territory_id")
    )
    for user_id, role, grid_id in grants:
        if user_id not in staff or (role == Role.GRID_LEADER and staff[user_id][0] != Role.GRID_LEADER):
            staff[user_id] = (role, grid_id)
    names = dict(User.objects.filter(pk__in=list(staff)).values_list("pk", "display_name"))
    for user_id, (role, grid_id) in sorted(staff.items()):
        kind = RecipientKind.GRID_LEADER if role == Role.GRID_LEADER else RecipientKind.GRID_WORKER
        rows.append(
            _row(
                warning,
                f"u{user_id}",
                kind,
                Channel.INBOX,
                grid_id,
                recipient_id=user_id,
                name=(names.get(user_id) or "")[:100],
                must_ack=True,
            )
        )
    points = (
        Point.objects.filter(grid_id__in=grid_ids)
        .order_by("pk")
        .values_list("pk", "grid_id", "responsible_user_id", "responsible_name")
    )
    for pk, grid_id, user_id, name in points:
        if user_id is not None:
            if user_id in staff:
                continue
            staff[user_id] = (RecipientKind.RESPONSIBLE, grid_id)
            rows.append(
                _row(
                    warning,
                    f"u{user_id}",
                    RecipientKind.RESPONSIBLE,
                    Channel.INBOX,
                    grid_id,
                    recipient_id=user_id,
                    point_id=pk,
                    name=(name or "")[:100],
                    must_ack=True,
                )
            )
        else:
            rows.append(
                _row(
                    warning,
                    f"p{pk}",
                    RecipientKind.RESPONSIBLE,
                    Channel.SMS,
                    grid_id,
                    point_id=pk,
                    name=(name or "")[:100],
                )
            )
    contacts: dict[int, tuple[bool, int]] = {}
    members = (
        Resident.objects.filter(household__grid_id__in=grid_ids, status=ResidentStatus.CURRENT)
        .exclude(phone_index="")
        .values_list("household_id", "pk", "relation")
    )
    for household_id, resident_id, relation in members:
        head = relation == Relation.HEAD
        known = contacts.get(household_id)
        if known is None or (head and not known[0]):
            contacts[household_id] = (head, resident_id)
    households = (
        Household.objects.filter(grid_id__in=grid_ids, status=RecordStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "grid_id")
    )
    for pk, grid_id in households:
        contact = contacts.get(pk)
        rows.append(
            _row(
                warning,
                f"h{pk}",
                RecipientKind.HOUSEHOLD,
                Channel.SMS,
                grid_id,
                household_id=pk,
                resident_id=contact[1] if contact else None,
                state=DeliveryState.PENDING if contact else DeliveryState.NO_CONTACT,
            )
        )
    return rows


def deliveries_insert(rows: list[dict[str, Any]]) -> None:
    """Insert plain delivery rows in batches, skipping any whose key exists (``ON CONFLICT DO NOTHING``, which
    PostgreSQL and SQLite both speak): what makes the fan-out safe to run again."""
    if not rows:
        return
    connection = connections[router.db_for_write(WarningDelivery)]
    qn = connection.ops.quote_name
    fields = [cast("models.Field[Any, Any]", WarningDelivery._meta.get_field(c.removesuffix("_id"))) for c in COLUMNS]
    adapt: list[Any] = [
        connection.ops.adapt_datetimefield_value if isinstance(f, models.DateTimeField) else None for f in fields
    ]
    table = qn(WarningDelivery._meta.db_table)
    columns = ", ".join(qn(str(f.column)) for f in fields)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a scratch table, then one INSERT … SELECT (docs/emergency.md, the fan-out figures).
            load = "emergency_delivery_load"
            cursor.execute(f"CREATE TEMP TABLE {load} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {load} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(tuple(r[c] for c in COLUMNS))
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {load} ON CONFLICT DO NOTHING")
            cursor.execute(f"DROP TABLE {load}")
            return
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = 1000  # rows per statement: 18 000 parameters, within SQLite's limit
        for i in range(0, len(rows), size):
            chunk = rows[i : i + size]
            params = [
                a(r[c]) if a is not None and r[c] is not None else r[c]
                for r in chunk
                for c, a in zip(COLUMNS, adapt, strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk)) + " ON CONFLICT DO NOTHING",
                params,
            )


def deliveries_write(warning: Warning, rows: list[dict[str, Any]] | None = None) -> int:
    """Insert the round's deliveries once (a row whose key exists is skipped); the number of rows of the round."""
    with transaction.atomic():
        deliveries_insert(delivery_rows(warning) if rows is None else rows)
    return WarningDelivery.objects.filter(warning=warning, revision=warning.revision).count()


def pending_ranges(warning: Warning, size: int) -> list[tuple[int, int]]:
    """The round's pending rows as (first id, last id) ranges of at most ``size`` rows each."""
    ids = list(
        WarningDelivery.objects.filter(warning=warning, revision=warning.revision, state=DeliveryState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


def robot_paths(warning: Warning) -> list[str]:
    """The nodes whose robots hear of the warning: the robots in its subtrees, and (through ``notify``) those above."""
    q = Q(pk__in=[])
    for p in area_paths(warning):
        q |= Q(territory__path__startswith=p)
    paths = set(WebhookEndpoint.objects.filter(q, is_active=True).values_list("territory__path", flat=True).distinct())
    return sorted(paths | set(area_paths(warning)))


def robots_notify(warning: Warning) -> int:
    """The group robots (一网) on the nodes in scope, and above them, hear the round once each."""
    paths = robot_paths(warning)
    for path in paths:
        notify(
            key=notice_key(warning),
            subject=subject(warning),
            body=warning.text,
            link=link(warning),
            territory_path=path,
        )
    return len(paths)


def _phones(rows: list[WarningDelivery]) -> dict[int, str]:
    """Delivery id → the phone to text, read as the system through each owner's protected field; the reads of
    residents' and points' numbers are written to the audit trail (one entry per batch)."""
    out: dict[int, str] = {}
    resident_ids = [r.resident_id for r in rows if r.resident_id]
    point_ids = [r.point_id for r in rows if r.point_id and r.recipient_id is None]
    user_ids = [r.recipient_id for r in rows if r.recipient_id]
    residents = Resident.objects.select_related("grid").only("pk", "phone", "grid__path").in_bulk(resident_ids)
    points = Point.objects.only("pk", "responsible_phone").in_bulk(point_ids)
    users = User.objects.only("pk", "mobile").in_bulk(user_ids)
    revealed: dict[str, dict[str, set[Any]]] = {
        "ledgers.resident": {"ids": set(), "fields": {"phone"}},
        "places.point": {"ids": set(), "fields": {"responsible_phone"}},
    }
    for r in rows:
        if r.resident_id and r.resident_id in residents:
            resident = residents[r.resident_id]
            if may_reveal(FAN_OUT, resident):
                out[r.pk] = resident.phone
                revealed["ledgers.resident"]["ids"].add(resident.pk)
        elif r.recipient_id and r.recipient_id in users:
            out[r.pk] = users[r.recipient_id].mobile
        elif r.point_id and r.point_id in points:
            out[r.pk] = points[r.point_id].responsible_phone
            revealed["places.point"]["ids"].add(r.point_id)
    audit.record_reveal(actor=FAN_OUT, revealed=revealed, note=_("预警短信发送"))
    return out


def deliveries_send(
    *, warning_id: int, revision: int, first_id: int, last_id: int, now: dt.datetime | None = None
) -> int:
    """Send the pending deliveries of one round with ids in ``first_id``..``last_id``; the number sent. Rows
    already sent are left alone and every channel is keyed, so running it again sends nothing twice; a round
    replaced by a level change, or a lifted warning, sends nothing more."""
    at = now or timezone.now()
    with transaction.atomic():
        warning = Warning.objects.filter(pk=warning_id).first()
        if warning is None or warning.revision != revision or warning.status != WarningStatus.ACTIVE:
            return 0
        rows = list(
            WarningDelivery.objects.select_for_update()
            .filter(warning_id=warning_id, revision=revision, pk__gte=first_id, pk__lte=last_id)
            .filter(state=DeliveryState.PENDING)
            .order_by("pk")
        )
        if not rows:
            return 0
        inbox = [r for r in rows if r.channel == Channel.INBOX and r.recipient_id]
        users = User.objects.in_bulk([r.recipient_id for r in inbox])
        notify(
            key=notice_key(warning),
            subject=subject(warning),
            body=warning.text,
            link=link(warning),
            recipients=[users[r.recipient_id] for r in inbox if r.recipient_id in users],
        )
        phones = _phones(rows)
        text = sms_text(warning)
        by_key: dict[str, WarningDelivery] = {}
        for r in rows:
            r.sent_at = at
            r.state = DeliveryState.SENT
            number = normalise_phone(phones.get(r.pk, ""))
            if not can_receive_sms(number):
                if r.channel == Channel.SMS:
                    r.state = DeliveryState.NO_CONTACT
                continue
            sms_key = f"emergency:{r.key}"
            msg = sms_send(key=sms_key, phone=number, text=text, topic=f"warning:{warning.pk}")
            if msg is not None:
                r.sms_id = msg.pk
            else:
                by_key[sms_key] = r
        if by_key:  # sent by an earlier run of this batch: link the message it recorded
            for pk, key in SmsMessage.objects.filter(key__in=list(by_key)).values_list("pk", "key"):
                by_key[key].sms_id = pk
        WarningDelivery.objects.bulk_update(rows, ["state", "sent_at", "sms"], batch_size=INSERT_BATCH)
    return sum(1 for r in rows if r.state == DeliveryState.SENT)


def lift_notify(warning: Warning) -> int:
    """Tell the current round's staff and the robots that the warning is lifted (once)."""
    ids = (
        WarningDelivery.objects.filter(warning=warning, revision=warning.revision, recipient__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    key = f"emergency:{warning.pk}:lift"
    title = _("【预警解除】%(title)s（%(code)s）已解除") % {"title": warning.title, "code": warning.code}
    url = f"/emergency/warnings/{warning.pk}/"
    created = notify(key=key, subject=title, body=warning.text, link=url, recipients=User.objects.filter(pk__in=ids))
    for path in robot_paths(warning):
        notify(key=key, subject=title, body=warning.text, link=url, territory_path=path)
    return len(created)
