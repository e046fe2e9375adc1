"""Rule errors raised by services, each with a stable code. Views and the API map them in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation. ``code`` is part of the API contract."""

    code = "domain_error"
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

    code = "validation_failed"


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class Conflict(DomainError):
    """Someone else changed the object first; reload and try again."""

    code = "conflict"
    http_status = 409
