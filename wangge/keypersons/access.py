"""The access log of the 重点人员 ledger, written in one place.

Every list, detail, export, reveal and change of key persons — by the entitled officer and by anyone who tries
without the grant — is written here by the selectors and services that the pages, the API and the command
line all go through, so no channel can forget it. An entry names who (the account and its name), when, what
(the action, the key person ids, the query or filters, how many rows), through which channel and from where
(the client address of the request being served, ``core.audit.current_ip``). It names ids, never names or
identity numbers: the auditors who read it do not see the people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from wangge.core.actors import label_of, user_of
from wangge.core.audit import current_ip
from wangge.keypersons.choices import AccessAction
from wangge.keypersons.models import KeyPerson, KeyPersonAccess

__all__ = ["AccessChannel", "common_path", "log_access"]

# The longest query string kept (the column is JSON; a hostile query must not bloat the log).
_MAX_QUERY_VALUE = 200
_MAX_QUERY_KEYS = 30
_STEPLEN = 4  # territory.Territory.steplen: a common prefix is cut back to a whole node


class AccessChannel(StrEnum):
    """Where an access came from."""

    WEB = "web"
    API = "api"
    CLI = "cli"


def common_path(paths: Iterable[str]) -> str:
    """The path of the deepest node whose subtree holds every path given ("" for none)."""
    items = [p for p in paths if p]
    if not items:
        return ""
    first, last = min(items), max(items)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[: n - n % _STEPLEN]


def _clean_query(query: Mapping[str, Any] | None) -> dict[str, Any]:
    """The query as short JSON-safe strings (lists kept as lists), empty values dropped."""
    out: dict[str, Any] = {}
    for key, value in list((query or {}).items())[:_MAX_QUERY_KEYS]:
        if value in (None, "", [], ()):
            continue
        if isinstance(value, list | tuple):
            out[str(key)[:50]] = [str(v)[:_MAX_QUERY_VALUE] for v in value][:_MAX_QUERY_KEYS]
        elif isinstance(value, bool | int):
            out[str(key)[:50]] = value
        else:
            out[str(key)[:50]] = str(value)[:_MAX_QUERY_VALUE]
    return out


def _paths_of(ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(KeyPerson.objects.filter(pk__in=ids).values_list("grid__path", flat=True).distinct())


def log_access(
    user: Any,
    action: AccessAction | str,
    ids: Iterable[int],
    *,
    query: Mapping[str, Any] | None = None,
    channel: AccessChannel | str,
    count: int | None = None,
    fallback_paths: Iterable[str] = (),
    ip: str | None = None,
) -> KeyPersonAccess:
    """Write one entry. ``ids`` are the key persons concerned (the rows shown, exported, changed or asked
    for); ``count`` defaults to their number (a list gives its total). ``fallback_paths`` place an entry that
    concerns no existing key person (an empty list, a refused look-up) for the auditors: the actor's grants.
    The address is the request's (set by middleware) unless ``ip`` is given."""
    id_list = sorted({int(i) for i in ids})
    path = common_path(_paths_of(id_list)) or common_path(fallback_paths)
    account = user_of(user)  # None for the system, a command or an anonymous visitor
    name = str(account.username) if account is not None else label_of(user)
    return KeyPersonAccess.objects.create(
        user=account,
        user_name=name[:150] or "-",
        action=str(action),
        channel=str(channel),
        key_person_ids=id_list,
        query=_clean_query(query),
        count=len(id_list) if count is None else max(0, count),
        ip=ip or current_ip(),
        territory_path=path[:255],
    )
