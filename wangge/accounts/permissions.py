"""Who may act where: the one vocabulary every service, workflow and report uses.

All checks read the user's grant rows once per user object (``selectors.user_grant_rows``) and answer for the
four kinds of actor (``core.actors``): a user by their grants, the system always, a citizen and an API client
never by role (a workflow or the intake rule says what they may do instead).

- ``has_role_over(actor, roles, path)``: holds one of ``roles`` on a node whose subtree contains ``path``;
- ``in_unit(actor, unit_id)``: a member of the unit, or holds a grant for it;
- ``acts_in_district(actor, district_path)``: has any grant (or unit) in or above the district — where a
  staff member may file a case (docs/adr/0002-intake.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from wangge.accounts.selectors import user_grant_rows
from wangge.core.actors import CitizenActor, ClientActor, SystemActor, is_system

# Who a service may be told is acting (docs/adr/0003-actors.md): an account as a request carries it (an
# anonymous one is refused by every check), the system, a citizen or an API client — never None.
ActorLike: TypeAlias = AbstractBaseUser | AnonymousUser | SystemActor | CitizenActor | ClientActor

_UNIT_PATHS_ATTR = "_unit_paths"


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "pk", None)) and bool(getattr(actor, "is_authenticated", False))


def has_role_over(actor: Any, roles: Iterable[str], path: str | None) -> bool:
    if is_system(actor):
        return True
    if not _is_user(actor) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if not path:
        return False
    wanted = frozenset(roles)
    return any(r in wanted and p and path.startswith(p) for r, p, _u in user_grant_rows(actor))


def roles_over(actor: Any, path: str) -> set[str]:
    """The roles ``actor`` holds on nodes covering ``path``."""
    if not _is_user(actor):
        return set()
    return {r for r, p, _u in user_grant_rows(actor) if p and path.startswith(p)}


def unit_ids(actor: Any) -> frozenset[int]:
    if not _is_user(actor):
        return frozenset()
    ids = {u for _r, _p, u in user_grant_rows(actor) if u}
    if actor.unit_id:
        ids.add(actor.unit_id)
    return frozenset(ids)


def in_unit(actor: Any, unit_id: int | None) -> bool:
    if unit_id is None:
        return False
    if is_system(actor):
        return True
    if not _is_user(actor) or not actor.is_active:
        return False
    return bool(actor.is_superuser) or unit_id in unit_ids(actor)


def grant_paths(actor: Any) -> tuple[str, ...]:
    """The territory paths of the actor's grants and of their units' territories (cached per user object)."""
    if not _is_user(actor):
        return ()
    cached: tuple[str, ...] | None = actor.__dict__.get(_UNIT_PATHS_ATTR)
    if cached is None:
        from wangge.accounts.models import Unit

        paths = {p for _r, p, _u in user_grant_rows(actor) if p}
        ids = unit_ids(actor)
        if ids:
            paths |= set(Unit.objects.filter(pk__in=ids).values_list("territory__path", flat=True))
        cached = tuple(sorted(paths))
        actor.__dict__[_UNIT_PATHS_ATTR] = cached
    return cached


def acts_in_district(actor: Any, district_path: str) -> bool:
    """Whether a staff member works in (or above) the district at ``district_path``."""
    if is_system(actor):
        return True
    if not _is_user(actor) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return any(district_path.startswith(p) or p.startswith(district_path) for p in grant_paths(actor))


def forget(actor: Any) -> None:
    """Drop what was cached about ``actor`` (with ``selectors.forget_scope`` after grants change)."""
    if actor is not None and hasattr(actor, "__dict__"):
        actor.__dict__.pop(_UNIT_PATHS_ATTR, None)
