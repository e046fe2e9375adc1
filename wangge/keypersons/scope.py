"""Who sees the 重点人员 ledger: the grants of a role allowing ``key_persons``, and nothing else.

Below the models, so that the model's own ``restrict`` answers the same as the selectors: a superuser, an
administrator or a leader without the grant sees nothing, whatever action is asked."""

from __future__ import annotations

from typing import Any

from wangge.accounts.roles import KEY_PERSONS, role_allows
from wangge.accounts.selectors import user_grant_rows
from wangge.core.scoping import NO_SCOPE, Scope


def key_person_scope(user: Any) -> Scope:
    """The territory paths of the user's grants of a role allowing ``key_persons``; empty for everyone else
    (a superuser is nobody special here). Inactive and anonymous users have none."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_SCOPE
    if not hasattr(user, "grants"):
        return NO_SCOPE  # not an account (an API client, a citizen)
    paths = {path for role, path, _unit in user_grant_rows(user) if path and role_allows(role, KEY_PERSONS)}
    return Scope(territory_paths=tuple(sorted(paths))) if paths else NO_SCOPE
