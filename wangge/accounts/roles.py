"""What each role may do, and where a grant of it must sit.

Territorial roles act on the subtree of the territory node they are granted on. The unit role
(部门办理人) acts on what is dispatched to its unit: the scope carries the unit id, so every model
that declares ``scope_unit_field`` (work orders: the assigned unit; registries: the owning unit)
shows that unit's rows.

Actions are plain strings passed to ``restrict(user, action)``:
``view`` and ``change`` (core.scoping), ``reveal`` (see personal identifiers unmasked),
``administer`` (grant the command-centre and administrator roles), ``record`` (keep the ledgers:
buildings, households, residents, merchants, hazards, filled forms), ``key_persons`` (the restricted
重点人员 ledger: only its dedicated role, never implied by another, nor by being a superuser) and
``audit_key_persons`` (read that ledger's access log).
"""

from __future__ import annotations

from wangge.accounts.choices import Role
from wangge.core.scoping import CHANGE, VIEW
from wangge.territory.choices import TerritoryKind

REVEAL = "reveal"
ADMINISTER = "administer"
RECORD = "record"
KEY_PERSONS = "key_persons"
AUDIT_KEY_PERSONS = "audit_key_persons"

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({VIEW, REVEAL, RECORD}),
    Role.GRID_LEADER: frozenset({VIEW, REVEAL, RECORD}),
    Role.COMMUNITY_STAFF: frozenset({VIEW, CHANGE, REVEAL, RECORD}),
    Role.STREET_STAFF: frozenset({VIEW, CHANGE, REVEAL, RECORD}),
    Role.DEPT_HANDLER: frozenset({VIEW}),
    Role.CALL_TAKER: frozenset({VIEW}),
    Role.DISPATCHER: frozenset({VIEW, REVEAL}),
    Role.INSPECTOR: frozenset({VIEW, AUDIT_KEY_PERSONS}),
    Role.LEADER: frozenset({VIEW}),
    Role.ADMIN: frozenset({VIEW, CHANGE, REVEAL, ADMINISTER, RECORD, AUDIT_KEY_PERSONS}),
    # Sees and keeps the 重点人员 ledger of its node's subtree, nothing else.
    Role.KEY_PERSON_OFFICER: frozenset({KEY_PERSONS}),
    # Receives and handles the applications (办件) of the service halls in its node's subtree.
    Role.HALL_STAFF: frozenset({VIEW, REVEAL}),
}

# Roles granted on a territory node; the grant covers the node's subtree.
TERRITORIAL_ROLES: frozenset[str] = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.CALL_TAKER,
        Role.DISPATCHER,
        Role.INSPECTOR,
        Role.LEADER,
        Role.ADMIN,
        Role.KEY_PERSON_OFFICER,
        Role.HALL_STAFF,
    }
)

# Roles granted on a unit; the grant covers what is dispatched to (or owned by) the unit.
UNIT_ROLES: frozenset[str] = frozenset({Role.DEPT_HANDLER})

# Roles whose grant must sit on a node of exactly this kind.
ROLE_TERRITORY_KIND: dict[str, str] = {
    Role.GRID_WORKER: TerritoryKind.GRID,
    Role.GRID_LEADER: TerritoryKind.GRID,
    Role.COMMUNITY_STAFF: TerritoryKind.COMMUNITY,
    Role.STREET_STAFF: TerritoryKind.STREET,
}

# Roles that only an administrator over the node (or the system) may grant.
ELEVATED_ROLES: frozenset[str] = frozenset(
    {Role.CALL_TAKER, Role.DISPATCHER, Role.INSPECTOR, Role.LEADER, Role.ADMIN, Role.KEY_PERSON_OFFICER}
)


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
