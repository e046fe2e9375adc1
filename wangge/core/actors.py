"""Who acts, as types. Every service takes ``actor`` and none accepts ``None``:

- a **user** (``accounts.User``): staff, checked against their role grants (``accounts.permissions``);
- :data:`SYSTEM`: the platform itself — the scheduler, management commands run by an operator, seeds and the
  demo builder. It passes every permission check and is named in the history and the audit log;
- :class:`CitizenActor`: a member of the public without an account. It takes only the steps a workflow
  declares for citizens, and on a case only with the case's tracking code;
- :class:`ClientActor`: a machine client holding an API key (Open311), limited to its key's district.

``actor=None`` used to mean "the citizen" in one service and "skip every check" in others; the types make the
difference visible where it is decided. See docs/adr/0003-actors.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from django.utils.translation import gettext


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own (``purpose`` says what for, e.g. "scheduler", "demo")."""

    purpose: str = ""

    def __str__(self) -> str:
        return gettext("系统") + (f"（{self.purpose}）" if self.purpose else "")


@dataclass(frozen=True)
class CitizenActor:
    """A member of the public; ``tracking_code`` is what they present to act on their own case."""

    tracking_code: str = ""

    def __str__(self) -> str:
        return gettext("群众")


@dataclass(frozen=True)
class ClientActor:
    """A machine client authenticated by an API key; ``district_id`` limits where it may file (None: anywhere)."""

    name: str
    key_id: int | None = None
    district_id: int | None = None
    channel: str = "open311"

    def __str__(self) -> str:
        return f"{self.channel}：{self.name}"


SYSTEM = SystemActor()
CITIZEN = CitizenActor()

# A staff member is an ``accounts.User``; core names it ``Any`` because it imports no domain app.
Actor: TypeAlias = Any


def require(actor: object) -> None:
    """Refuse a missing actor: the caller must say who acts."""
    if actor is None:
        raise TypeError("actor is required: pass a user, SYSTEM, a CitizenActor or a ClientActor")


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def is_citizen(actor: object) -> bool:
    return isinstance(actor, CitizenActor)


def is_client(actor: object) -> bool:
    return isinstance(actor, ClientActor)


def user_of(actor: object) -> Any:
    """The account behind ``actor`` for foreign keys (history, uploads, audit), or None for the others."""
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


def label_of(actor: object) -> str:
    """How the history names the actor."""
    return str(actor)[:100]
