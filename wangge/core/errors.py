"""Rule errors raised by services, each with a stable code. Views and the API map them in one place."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The codes of core's refusals: the default of each error class and the few core raises itself.

    Each app declares the codes its services raise in ``<app>/errors.py`` the same way; the values are part of
    the API contract and never change (``core/tests/test_error_codes.py`` finds every code raised).
    """

    DOMAIN_ERROR = "domain_error"  # a rule refused, with no more specific code
    VALIDATION_FAILED = "validation_failed"  # well-formed input breaks a rule; ``details`` lists each problem
    NOT_FOUND = "not_found"  # the object does not exist, or lies outside the actor's scope
    PERMISSION_DENIED = "permission_denied"  # the actor sees the object but may not do this
    CONFLICT = "conflict"  # someone else changed the object first (a stale ``expected_version``)
    INVALID_TRANSITION = "invalid_transition"  # a workflow step not allowed from the object's current status
    TRANSITION_FORBIDDEN = "transition_forbidden"  # the actor may not take this workflow step
    MISSING_FIELDS = "missing_fields"  # a workflow step lacks a required input
    OUT_OF_SCOPE = "out_of_scope"  # an admin save would carry the row out of the editor's scope


class DomainError(Exception):
    """A business rule refused the operation. ``code`` is part of the API contract."""

    code: str = ErrorCode.DOMAIN_ERROR
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    """Input that is well formed but breaks a rule; ``details`` lists every problem found."""

    code = ErrorCode.VALIDATION_FAILED


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND
    http_status = 404


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


class Conflict(DomainError):
    """Someone else changed the object first; reload and try again."""

    code = ErrorCode.CONFLICT
    http_status = 409
