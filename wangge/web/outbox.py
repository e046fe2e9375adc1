"""Forms a phone sends from its outbox (the offline pages, ``web.views.offline``): each carries an id the
phone made when the form was filled (``client_id``, a UUID, in the form or the ``X-Client-Id`` header), and
the same id sent again answers with what the first sending made instead of making it twice — a report
sent from a stairwell whose answer never arrived is sent again when the phone is back online."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from wangge.web.models import ClientSubmission

CLIENT_ID_FIELD = "client_id"
CLIENT_ID_HEADER = "X-Client-Id"
OUTBOX_HEADER = "X-Wangge-Outbox"

REPORT = "report"
CHECKIN = "checkin"


class HasPk(Protocol):
    pk: Any


T = TypeVar("T", bound=HasPk)


def client_id(request: HttpRequest) -> uuid.UUID | None:
    """The id the phone gave the form, or None when it gave none (or not a UUID)."""
    raw = request.POST.get(CLIENT_ID_FIELD) or request.headers.get(CLIENT_ID_HEADER) or ""
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def from_outbox(request: HttpRequest) -> bool:
    """Sent by the outbox's script (it wants a JSON answer), not by a form's own submit."""
    return request.headers.get(OUTBOX_HEADER) == "1"


def earlier(*, actor: Any, client_id: uuid.UUID | None, kind: str) -> int | None:
    """The id of what an earlier sending of the same form made, if there was one."""
    if client_id is None:
        return None
    row = ClientSubmission.objects.filter(user=actor, client_id=client_id, kind=kind).first()
    return row.object_id if row is not None else None


def submit_once(*, actor: Any, client_id: uuid.UUID | None, kind: str, create: Callable[[], T]) -> tuple[int, bool]:
    """Run ``create`` once per (user, client id): (id of what it made, True), or, when the id was seen before,
    (id of what the first sending made, False). The claim is written before the work and in the same
    transaction, so two sendings at the same moment wait on the unique key and the second finds the first;
    a refusal of ``create`` keeps no claim (the phone may correct and send again)."""
    if client_id is None:
        return create().pk, True
    try:
        with transaction.atomic():
            claim = ClientSubmission.objects.create(user=actor, client_id=client_id, kind=kind)
            made = create()
            claim.object_id = made.pk
            claim.save(update_fields=["object_id"])
            return made.pk, True
    except IntegrityError:
        first = earlier(actor=actor, client_id=client_id, kind=kind)
        if first is None:
            raise
        return first, False
