"""Writes of the service hall (政务服务).

- :func:`application_receive` records an application (收件); :func:`application_transition` takes a step of
  ``hall.workflow`` — the only code that changes an application's status; :func:`applications_mark_overdue`
  flags the open ones past their due instant.
- :func:`catalogue_import` / :func:`catalogue_export`: the 事项清单 workbook, all or nothing, updated by code.
- :func:`applications_export`: the 办件 ledger as a workbook, scoped and masked.
- :func:`assistance_record` (帮办代办) and :func:`duty_set` (窗口值班).

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.hall.services.applications import (
    application_receive,
    application_transition,
    applications_mark_overdue,
    next_code,
    one_time_notice,
)
from wangge.hall.services.assistance import assistance_record, duty_set
from wangge.hall.services.catalogue import catalogue_export, catalogue_import, may_edit_catalogue
from wangge.hall.services.exporting import applications_export

__all__ = [
    "application_receive",
    "application_transition",
    "applications_export",
    "applications_mark_overdue",
    "assistance_record",
    "catalogue_export",
    "catalogue_import",
    "duty_set",
    "may_edit_catalogue",
    "next_code",
    "one_time_notice",
]
