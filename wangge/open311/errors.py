"""The codes of the Open311 GeoReport v2 refusals and of its API keys.

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- requests (``open311.selectors`` and the views)
    BAD_REQUEST = "bad_request"  # a parameter the spec defines was missing or malformed
    JURISDICTION = "jurisdiction"  # an unknown jurisdiction_id, or no district set up at all
    JURISDICTION_REQUIRED = "jurisdiction_required"  # no jurisdiction_id where the endpoint serves several districts
    SERVICE_CODE = "service_code"  # an unknown service_code
    SERVICE_REQUEST_ID = "service_request_id"  # an unknown service_request_id
    INVALID_DATE = "invalid_date"  # start_date or end_date that is not a W3C date-time
    INVALID_DATE_RANGE = "invalid_date_range"  # an end before the start, a window over 90 days, or out of range
    INVALID_STATUS = "invalid_status"  # a status other than open or closed
    TOKEN = "token"  # asking for a token: requests are accepted at once, no token is issued
    INVALID_ATTRIBUTE = "invalid_attribute"  # a service request whose attributes break their definitions

    # -- API keys
    KEY_GENERATION_FAILED = "key_generation_failed"  # no unique key after several attempts
    APIKEY_NOT_FOUND = "apikey_not_found"  # the API key does not exist
