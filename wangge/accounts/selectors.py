"""Read-side queries for accounts, including the scope a user's grants give."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wangge.accounts.roles import role_allows
from wangge.core.scoping import ALL_SCOPE, NO_SCOPE, VIEW, Scope

if TYPE_CHECKING:
    from wangge.accounts.models import User

# (role, territory path or None, unit id or None) for every grant a user holds.
GrantRow = tuple[str, str | None, int | None]

_GRANTS_ATTR = "_grant_rows"
_SCOPE_ATTR = "_scope_cache"


def user_grant_rows(user: User) -> list[GrantRow]:
    """The user's grants, read once per user object (one query serves every action)."""
    rows: list[GrantRow] | None = user.__dict__.get(_GRANTS_ATTR)
    if rows is None:
        rows = list(user.grants.values_list("role", "territory__path", "unit_id"))
        user.__dict__[_GRANTS_ATTR] = rows
    return rows


def user_scope(user: User, action: str = VIEW) -> Scope:
    """Territory paths and unit ids this user may ``action``.

    A territorial grant contributes its node's path (covering the subtree); a grant that names a
    unit contributes the unit id, so a department handler sees what is dispatched to the unit.
    Cached on the user object, which lives for one request; ``forget_scope`` drops the cache
    after the user's grants change. Territory paths are never cached across requests because a
    tree edit may renumber them.
    """
    if not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return ALL_SCOPE
    cache: dict[str, Scope] = user.__dict__.setdefault(_SCOPE_ATTR, {})
    if action in cache:
        return cache[action]
    paths: set[str] = set()
    unit_ids: set[int] = set()
    for role, path, unit_id in user_grant_rows(user):
        if not role_allows(role, action):
            continue
        if path:
            paths.add(path)
        if unit_id:
            unit_ids.add(unit_id)
    scope = Scope(
        territory_paths=tuple(sorted(paths)),
        unit_ids=tuple(sorted(unit_ids)),
        owner_id=user.pk if action == VIEW else None,
    )
    cache[action] = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached grants and scopes of ``user`` (call after granting or revoking)."""
    if user is not None and hasattr(user, "__dict__"):
        user.__dict__.pop(_GRANTS_ATTR, None)
        user.__dict__.pop(_SCOPE_ATTR, None)
        user.__dict__.pop("_unit_paths", None)  # accounts.permissions.grant_paths


def user_roles(user: User) -> set[str]:
    return {role for role, _path, _unit in user_grant_rows(user)}
