"""Explicit audit trail, written by services inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from wangge.core.actors import require, user_of
from wangge.core.models import AuditEntry

# Fields never copied into the audit trail in clear text.
SECRET_FIELDS = {"password"}

# The client address of the request being served (set by ``RequestAddressMiddleware``), so every entry a
# service writes during a request names where it came from without each service taking an ``ip``.
_request_ip: ContextVar[str | None] = ContextVar("wangge_audit_request_ip", default=None)


def current_ip() -> str | None:
    return _request_ip.get()


class RequestAddressMiddleware:
    """Remembers the request's client address (``core.clientaddr``) for the audit entries written while it is
    served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from wangge.core.clientaddr import client_ip

        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None, *, protected: set[str] | None = None) -> dict[str, Any] | None:
    """The concrete field values of ``obj``. Protected personal fields are masked as "***"."""
    if obj is None:
        return None
    protected = protected or set(getattr(obj, "audit_protected_fields", ()))
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(obj, f.attname)
        if f.name in protected and value:
            data[f.name] = "***"
        elif f.name == "geometry" and value:
            data[f.name] = {"type": value.get("type"), "size": len(str(value))}
        else:
            data[f.name] = _jsonable(value)
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on both sides."""
    before = before or {}
    after = after or {}
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
    only_changes: bool = True,
) -> AuditEntry:
    if only_changes and before is not None and after is not None:
        before, after = diff(before, after)
    require(actor)
    actor_obj = user_of(actor)
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=str(getattr(actor, "username", "") or actor)[:150],
        action=action,
        app_label=obj._meta.app_label if obj is not None else "",
        model=obj._meta.model_name or "" if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        note=note,
        ip=ip or current_ip(),
    )


def record_export(
    *,
    actor: Any,
    action: str,
    what: str,
    fmt: str,
    count: int,
    filters: dict[str, Any] | None = None,
    obj: models.Model | None = None,
    ip: str | None = None,
    revealed: bool = False,
) -> AuditEntry:
    """One entry for a file (or GeoJSON) that leaves the platform: who, what, its scope, rows and format."""
    after = {
        "what": what,
        "format": fmt,
        "count": count,
        "filters": _jsonable(filters or {}),
        "revealed": revealed,
    }
    return record(actor=actor, action=action, obj=obj, after=after, ip=ip, only_changes=False)


def record_reveal(
    *, actor: Any, revealed: dict[str, dict[str, set[Any]]], ip: str | None = None, note: str = ""
) -> AuditEntry | None:
    """One entry for a response that showed full personal numbers. ``revealed`` maps ``app_label.model`` to
    ``{"ids": {...}, "fields": {...}}``; nothing is written when nothing was revealed."""
    rows = [
        {"model": label, "ids": sorted(str(pk) for pk in seen["ids"]), "fields": sorted(seen["fields"])}
        for label, seen in sorted(revealed.items())
        if seen["ids"]
    ]
    if not rows:
        return None
    return record(actor=actor, action="api.reveal", after={"revealed": rows}, note=note, ip=ip, only_changes=False)
