"""Read side of the 重点人员 ledger: who may see it, what they see, and the logged reads.

**Restricted.** The ledger is seen only through grants of a role that allows ``key_persons`` (the
重点人员管控专员), each covering its territory node's subtree. Unlike every other scope, being a superuser,
an administrator or a leader gives nothing here: :func:`key_person_scope` reads the user's grants, never
``user_scope`` (which gives a superuser everything). Anyone else finds nothing — a detail answers "not found"
exactly as for an id that does not exist.

**Logged.** Every list, detail and reveal goes through a function of this module that writes the access log
(``keypersons.access.log_access``) — also when the reader is refused, so auditors see who tried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wangge.accounts.roles import AUDIT_KEY_PERSONS, role_allows
from wangge.accounts.selectors import user_grant_rows
from wangge.core import audit
from wangge.core.errors import NotFound
from wangge.core.scoping import Scope, scope_q
from wangge.core.validators import normalise_id_number
from wangge.keypersons import schedule
from wangge.keypersons.access import AccessChannel, log_access
from wangge.keypersons.choices import AccessAction, KeyPersonStatus
from wangge.keypersons.errors import ErrorCode
from wangge.keypersons.models import KeyPerson, KeyPersonAccess, KeyPersonCategory, KeyPersonVisit
from wangge.keypersons.scope import key_person_scope
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Resident

__all__ = [
    "KeyPersonListing",
    "Revealed",
    "access_log",
    "categories",
    "count_key_persons",
    "count_visits_overdue",
    "holds_key_persons",
    "key_person_detail",
    "key_person_for_change",
    "key_person_list",
    "key_person_reveal",
    "key_person_scope",
    "may_audit_key_persons",
    "pickable_residents",
    "resident_by_id_number",
    "resident_to_add",
    "visible_key_persons",
    "visits_of",
]


# -- who may see what ------------------------------------------------------------------------------------


def holds_key_persons(user: Any) -> bool:
    """Whether the user holds the role anywhere (the nav link and the list page show only then)."""
    return not key_person_scope(user).empty


def _within(queryset: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    if scope.empty:
        return queryset.none()
    q = scope_q(queryset.model, scope)
    return queryset if q is None else queryset.filter(q)


def visible_key_persons(user: Any) -> QuerySet[KeyPerson]:
    """The key persons the user's key-person grants cover (nothing at all without one)."""
    return _within(KeyPerson.objects.all(), key_person_scope(user))


def pickable_residents(user: Any, *, current_only: bool = True) -> QuerySet[Resident]:
    """Residents of the grids the user's key-person grants cover: whom the officer may add (current ones; with
    ``current_only=False`` also the archived, so that adding one is refused as archived, not as unknown)."""
    qs = Resident.objects.filter(status=ResidentStatus.CURRENT) if current_only else Resident.objects.all()
    return _within(qs, key_person_scope(user))


def resident_by_id_number(user: Any, id_number: str) -> Resident | None:
    """The resident with exactly this 公民身份号码 (through the blind index) within the user's key-person grants."""
    number = normalise_id_number(id_number)
    if not number or len(number) > 18:
        return None
    from wangge.core.crypto import blind_index

    return pickable_residents(user).select_related("grid").filter(id_number_index=blind_index(number)).first()


def resident_to_add(user: Any, *, pk: int | None = None, id_number: str = "") -> Resident:
    """The resident an officer adds, by id or by exact 公民身份号码, within the officer's grids (an archived one
    too, for the service to refuse as archived); ``NotFound`` otherwise."""
    if pk is not None:
        found = pickable_residents(user, current_only=False).filter(pk=pk).first()
    else:
        found = resident_by_id_number(user, id_number)
    if found is None:
        raise NotFound(_("辖区内没有该居民"), code=ErrorCode.RESIDENT_NOT_FOUND)
    return found


def categories(*, active_only: bool = True) -> QuerySet[KeyPersonCategory]:
    qs = KeyPersonCategory.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def may_audit_key_persons(user: Any) -> bool:
    """Holders of a role allowing ``audit_key_persons`` (administrators, inspectors) anywhere; superusers."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if not hasattr(user, "grants"):
        return False
    return any(path and role_allows(role, AUDIT_KEY_PERSONS) for role, path, _unit in user_grant_rows(user))


def access_log(user: Any) -> QuerySet[KeyPersonAccess]:
    """The access-log entries about the auditor's subtree (every entry for a superuser)."""
    return KeyPersonAccess.objects.restrict(user, AUDIT_KEY_PERSONS).select_related("user")


# -- logged reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPersonListing:
    """One page of a list: the rows shown and how many matched in all."""

    rows: Sequence[KeyPerson]
    total: int


def key_person_list(
    *,
    user: Any,
    channel: AccessChannel | str,
    rows: QuerySet[KeyPerson] | None = None,
    query: Mapping[str, Any] | None = None,
    paginate: Callable[[QuerySet[KeyPerson]], Sequence[KeyPerson]] | None = None,
) -> KeyPersonListing:
    """The key persons of ``rows`` (filtered by the caller's FilterSet; all visible ones by default) that the
    user may see, one page of them (``paginate``), logged: the ids shown, the filters and the total. For a user
    without the key-person role the ledger does not exist: the attempt is logged and ``NotFound`` raised."""
    if key_person_scope(user).empty:
        log_access(user, AccessAction.LIST, [], query={**(query or {}), "outcome": "not_found"}, channel=channel)
        raise _not_found()
    visible = visible_key_persons(user)
    qs = visible if rows is None else (rows & visible)
    qs = qs.select_related("resident", "category", "grid")
    total = qs.count()
    shown = list(paginate(qs) if paginate is not None else qs)
    log_access(
        user,
        AccessAction.LIST,
        [kp.pk for kp in shown],
        query=query,
        channel=channel,
        count=total,
        fallback_paths=key_person_scope(user).territory_paths,
    )
    return KeyPersonListing(rows=shown, total=total)


def _not_found() -> NotFound:
    return NotFound(_("重点人员不存在"), code=ErrorCode.KEY_PERSON_NOT_FOUND)


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def key_person_detail(
    *, user: Any, pk: Any, channel: AccessChannel | str, action: AccessAction = AccessAction.DETAIL
) -> KeyPerson:
    """One key person the user may see, logged. A refused or unknown id is logged too (count 0) and raises
    ``NotFound`` — the same answer for both."""
    key = _pk(pk)
    found = (
        visible_key_persons(user).select_related("resident", "category", "grid").filter(pk=key).first()
        if key is not None
        else None
    )
    log_access(
        user,
        action,
        [key] if key is not None else [],
        channel=channel,
        count=1 if found is not None else 0,
        query=None if found is not None else {"outcome": "not_found"},
        fallback_paths=key_person_scope(user).territory_paths,
    )
    if found is None:
        raise _not_found()
    return found


def key_person_for_change(*, user: Any, pk: Any, channel: AccessChannel | str, action: AccessAction) -> KeyPerson:
    """The key person a change (visit, update, release) is about. Found, it is returned unlogged: the service
    logs the change itself. Refused or unknown, the attempt is logged (count 0) and ``NotFound`` raised."""
    key = _pk(pk)
    found = (
        visible_key_persons(user).select_related("resident", "category", "grid").filter(pk=key).first()
        if key is not None
        else None
    )
    if found is None:
        log_access(
            user,
            action,
            [key] if key is not None else [],
            channel=channel,
            count=0,
            query={"outcome": "not_found"},
            fallback_paths=key_person_scope(user).territory_paths,
        )
        raise _not_found()
    return found


@dataclass(frozen=True)
class Revealed:
    """A key person with its resident's full numbers, for one response."""

    key_person: KeyPerson
    id_number: str
    phone: str


def key_person_reveal(*, user: Any, pk: Any, channel: AccessChannel | str, ip: str | None = None) -> Revealed:
    """The full 公民身份号码 and phone of a key person's resident, for an entitled officer only; written to the
    access log and to the audit trail (``core.audit.record_reveal``)."""
    key_person = key_person_detail(user=user, pk=pk, channel=channel, action=AccessAction.REVEAL)
    resident = key_person.resident
    fields = {name for name in ("id_number", "phone") if getattr(resident, name)}
    audit.record_reveal(
        actor=user,
        revealed={
            "keypersons.keyperson": {"ids": {key_person.pk}, "fields": fields},
            "ledgers.resident": {"ids": {resident.pk}, "fields": fields},
        },
        ip=ip,
        note=f"keypersons:{channel}",
    )
    return Revealed(key_person=key_person, id_number=resident.id_number or "", phone=resident.phone or "")


def visits_of(key_person: KeyPerson) -> QuerySet[KeyPersonVisit]:
    """The visits of a key person the caller has already read through :func:`key_person_detail`."""
    return key_person.visits.select_related("visitor").order_by("-visited_at", "-id")


# -- counts ---------------------------------------------------------------------------------------------


def count_key_persons(node: Any) -> int:
    """Key persons under 管控 within a territory node's subtree (a count only, no person: ``ledger_summary``)."""
    return KeyPerson.objects.filter(grid__path__startswith=node.path, status=KeyPersonStatus.ACTIVE).count()


def count_visits_overdue(node: Any, *, on: dt.date | None = None) -> int:
    """Key persons within a node's subtree whose visit is overdue (the schedule's one definition)."""
    return KeyPerson.objects.filter(schedule.overdue_q(on), grid__path__startswith=node.path).count()
