"""The codes of the refusals of the service hall (catalogue, halls, applications, assistance).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- catalogue
    INVALID_CATALOGUE = "invalid_catalogue"  # an import file with a bad row; ``details`` lists every row's problems
    NOT_CATALOGUE_EDITOR = "not_catalogue_editor"  # importing or editing the catalogue without the admin role

    # -- applications (办件)
    APPLICATION_NOT_FOUND = "application_not_found"  # the application does not exist or lies outside the scope
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the application workflow does not declare
    INVALID_APPLICATION = "invalid_application"  # an inactive item, a window of another hall, a bad ID or phone
    NOT_HALL_STAFF = "not_hall_staff"  # receiving in a hall one does not serve
    NO_MISSING_MATERIALS = "no_missing_materials"  # a one-time notice (一次性告知) that names no material
    UNKNOWN_MATERIAL = "unknown_material"  # a missing material the item does not ask for

    # -- duty, programmes and assistance
    INVALID_DUTY = "invalid_duty"  # a duty for a staff member of no grant, or at an inactive window
    INVALID_ASSISTANCE = "invalid_assistance"  # an assistance without a person, or with an item of another hall
