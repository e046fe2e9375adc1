"""The codes of the refusals the API decides itself (the services' codes are in their apps' ``errors``).

The values are part of the API contract: never change one.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_PARENT = "invalid_parent"  # a merge naming a main case that does not exist or is out of scope
    PASSWORD_CHANGE_REQUIRED = (
        "password_change_required"  # a token asked for by an account that must change its password
    )
