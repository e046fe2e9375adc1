"""The codes of the staff pages' own refusals (saved filters). The values never change."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NAME_REQUIRED = "name_required"  # saving a filter without a name
    NAME_TOO_LONG = "name_too_long"  # a saved filter's name over 60 characters
    QUERYSTRING_TOO_LONG = "querystring_too_long"  # a saved filter's conditions over 1000 characters
