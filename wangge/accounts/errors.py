"""The codes of the refusals of units, staff and role grants.

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"  # acting on a territory, unit, person or grant outside the actor's scope
    TERRITORY_NOT_FOUND = "territory_not_found"  # the territory node does not exist or is not visible
    UNIT_NOT_FOUND = "unit_not_found"  # the unit does not exist or is not visible
    USER_NOT_FOUND = "user_not_found"  # the staff member does not exist or is not visible
    INVALID_PHONE = "invalid_phone"  # a staff mobile that is not a mainland number
    WEAK_PASSWORD = "weak_password"  # a password the password policy refuses
    INVALID_UNIT = "invalid_unit"  # a unit whose fields are incomplete or wrong
    INVALID_USERNAME = "invalid_username"  # an empty username
    USERNAME_TAKEN = "username_taken"  # a username already in use
    UNIT_INACTIVE = "unit_inactive"  # putting a person in a deactivated unit
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"  # deactivating one's own account
    CANNOT_LOCK_SELF = "cannot_lock_self"  # locking one's own account
    # granting or revoking a command-centre or administrator role without being the node's administrator
    ELEVATED_ROLE = "elevated_role"
    GRANT_EXISTS = "grant_exists"  # the same role on the same node or unit again
    GRANT_NOT_FOUND = "grant_not_found"  # the grant does not exist or is not visible
    # -- the problems of a grant (``details[].code``); a refused grant takes the code of its first problem
    GRANT_UNKNOWN_ROLE = "grant_unknown_role"  # a role the platform does not know
    GRANT_TERRITORY_REQUIRED = "grant_territory_required"  # a territorial role without a node
    GRANT_TERRITORY_KIND = "grant_territory_kind"  # a role on a node of the wrong level (a grid role on a street)
    GRANT_OUTSIDE_UNIT = "grant_outside_unit"  # a unit role on a unit outside the node granted
    GRANT_UNIT_REQUIRED = "grant_unit_required"  # a unit role without a unit
    GRANT_UNIT_INACTIVE = "grant_unit_inactive"  # a grant for a deactivated unit
