"""The codes of the appeal classifier's refusals. The values are part of the API contract: never change one."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    CLASSIFIER_FORBIDDEN = "classifier_forbidden"  # managing classifier models without being an administrator
    CLASSIFIER_UNREADABLE = "classifier_unreadable"  # a model file that cannot be read
    CLASSIFIER_EXISTS = "classifier_exists"  # registering a model version that is already registered
    CLASSIFIER_NOT_FOUND = "classifier_not_found"  # activating a model that does not exist
