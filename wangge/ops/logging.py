"""Structured logs: every record logged while a request is handled carries its request id, method, route and user.

``ops.middleware.RequestContextMiddleware`` fills a context variable for the request; ``RequestContextFilter``
(attached to the handlers in ``LOGGING``) copies it onto each record, and the JSON formatter of python-json-logger
writes the record as one JSON object per line. The middleware logs one line per request on ``wangge.request``
with ``status`` and ``duration_ms`` as well. Outside a request (workers, commands) the fields are empty.

This module is loaded by the logging configuration, before Django's apps: it imports nothing from Django.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestContext:
    request_id: str
    method: str
    route: str = ""
    user_id: int | str | None = None


current: ContextVar[RequestContext | None] = ContextVar("wangge_request_context", default=None)

FIELDS = ("request_id", "method", "route", "user_id")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``method``, ``route`` and ``user_id`` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current.get()
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, getattr(context, name) if context is not None else None)
        return True


# The JSON formatter's fields: the record's own plus the request's; ``status`` and ``duration_ms`` come as
# ``extra`` on the per-request line and are added by the formatter as they are.
JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(method)s %(route)s %(user_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(json: bool) -> dict[str, object]:
    """The ``LOGGING`` dictionary: JSON lines (production, ``WANGGE_LOG_FORMAT=json``) or plain text."""
    formatter: dict[str, object] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FORMAT,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "wangge.ops.logging.RequestContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": "main"}
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {
            "jieba": {"level": "WARNING"},
            # One line per request: the access log in JSON; in plain text runserver prints its own.
            "wangge.request": {"level": "INFO" if json else "WARNING"},
        },
    }
