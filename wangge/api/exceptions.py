"""One error body for every API failure: ``{"code": ..., "message": ..., "details": ...}``.

Rule errors come from services as :class:`~wangge.core.errors.DomainError` (their ``http_status`` and
``as_dict()`` are the contract). Malformed input, authentication, throttling and missing objects come
from the framework and are reshaped to the same body, so a client parses one format. ``details`` of a
malformed request is a list of ``{"field", "reason", "message"}``, like the services' ``ValidationFailed``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from wangge.core.errors import DomainError


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求内容过大")
    default_code = "payload_too_large"


def _field_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten DRF's nested error structure into ``[{"field", "reason", "message"}, ...]``."""
    out: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_field_errors(value, name))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(_field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.extend(_field_errors(value, prefix))
    else:
        out.append(
            {
                "field": prefix or None,
                "reason": getattr(detail, "code", None) or "invalid",
                "message": str(detail),
            }
        )
    return out


def _first_message(detail: Any) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(detail, list):
        for value in detail:
            found = _first_message(value)
            if found:
                return found
        return None
    return str(detail) if detail is not None else None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        details = _field_errors(exc.detail)
        message = _first_message(exc.detail) or str(_("输入有误"))
        response.data = {"code": "invalid_input", "message": message, "details": details}
        return response
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = {"code": code, "message": str(exc.detail)}
    return response
