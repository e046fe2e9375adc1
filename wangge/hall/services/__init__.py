"""Writes of the service hall (政务服务).

- :func:`application_receive` records an application (收件); :func:`application_transition` takes a step of
  ``hall.workflow`` — the only code that changes an application's status; :func:`applications_mark_overdue`
  flags the open ones past their due instant.

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.hall.services.applications import (
    application_receive,
    application_transition,
    applications_mark_overdue,
    next_code,
    one_time_notice,
)

__all__ = [
    "application_receive",
    "application_transition",
    "applications_mark_overdue",
    "next_code",
    "one_time_notice",
]
