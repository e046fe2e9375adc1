"""One mechanism answers "what may this user see / change": ``ScopedQuerySet.restrict``.

A model declares where its territory path and its unit live (``scope_path_field``,
``scope_unit_field``); it may also declare ``scope_owner_field``, the user it names (e.g. who filed a
case) may always *view* that row. A user object supplies ``get_scope(action)`` returning a
:class:`Scope` (the accounts app implements it from role grants). A grant on a territory node covers
its subtree: the subtree is every node whose materialised path starts with the node's path. Objects
outside the scope are simply absent from the queryset, so a detail lookup answers exactly like a
missing object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    territory_paths: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()
    # The user whose own rows (``scope_owner_field``) are visible; set for the ``view`` action only.
    owner_id: int | None = None
    # Extra per-model conditions contributed by roles (e.g. "cases I reported").
    extra: tuple[Q, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """No grant at all (a user's own rows, ``owner_id``, may still be visible)."""
        return not (self.everything or self.territory_paths or self.unit_ids or self.extra)

    def covers_path(self, path: str | None) -> bool:
        if self.everything:
            return True
        return bool(path) and any(path.startswith(p) for p in self.territory_paths)  # type: ignore[union-attr]


NO_SCOPE = Scope()
ALL_SCOPE = Scope(everything=True)


class ScopedUser(Protocol):
    is_authenticated: bool
    is_active: bool

    def get_scope(self, action: str = VIEW) -> Scope: ...


def scope_for(user: Any, action: str = VIEW) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_SCOPE
    getter = getattr(user, "get_scope", None)
    return getter(action) if getter is not None else NO_SCOPE


def _minimal_paths(paths: tuple[str, ...]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so the SQL stays short."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(kept)


def scope_q(model: type[models.Model], scope: Scope) -> Q | None:
    """The filter for ``scope`` on ``model``; ``None`` means no restriction."""
    if scope.everything:
        return None
    q = Q(pk__in=[])
    path_field: str | None = getattr(model, "scope_path_field", None)
    unit_field: str | None = getattr(model, "scope_unit_field", None)
    owner_field: str | None = getattr(model, "scope_owner_field", None)
    if path_field:
        for p in _minimal_paths(scope.territory_paths):
            q |= Q(**{f"{path_field}__startswith": p})
    if unit_field and scope.unit_ids:
        q |= Q(**{f"{unit_field}__in": scope.unit_ids})
    if owner_field and scope.owner_id is not None:
        q |= Q(**{owner_field: scope.owner_id})
    for extra in scope.extra:
        q |= extra
    return q


_QS = TypeVar("_QS", bound="ScopedQuerySet[Any]")
_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    def restrict(self: _QS, user: Any, action: str = VIEW) -> _QS:
        scope = scope_for(user, action)
        if scope.empty and (scope.owner_id is None or not getattr(self.model, "scope_owner_field", None)):
            return self.none()
        q = scope_q(self.model, scope)
        return self if q is None else self.filter(q)


class ScopedModel(models.Model):
    """Abstract base for models whose rows are seen through territory and unit scope."""

    scope_path_field: ClassVar[str | None] = None
    scope_unit_field: ClassVar[str | None] = None
    scope_owner_field: ClassVar[str | None] = None

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
