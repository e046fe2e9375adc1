"""The codes of the surveys app's refusals (一表), and of the problems of one answer or one field definition
(``details[].error``). The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- a template or a version as a whole
    INVALID_DEFINITION = "invalid_definition"  # a version's fields or actions break the schema (``details``)
    TEMPLATE_FORBIDDEN = "template_forbidden"  # creating or publishing forms without the administer right
    KEY_TAKEN = "key_taken"  # a template key already used
    TEMPLATE_INACTIVE = "template_inactive"  # filling a template that is switched off or has no published version
    UNKNOWN_CATEGORY = "unknown_category"  # ``actions.category_code`` is not in the active category set

    # -- one field definition (``details[].error`` of INVALID_DEFINITION)
    BAD_FIELD = "bad_field"  # not an object, an unknown key, a bad name or label
    DUPLICATE_NAME = "duplicate_name"  # two fields with one name
    UNKNOWN_KIND = "unknown_kind"  # a kind that is not one of choices.FieldKind
    BAD_CHOICES = "bad_choices"  # a choice kind without choices, duplicate or empty choices, choices on other kinds
    BAD_RANGE = "bad_range"  # min/max not allowed for the kind, not a number or date, or min above max
    BAD_CONDITION = "bad_condition"  # ``when`` naming no earlier field, or a value that field cannot take
    BAD_MAPPING = "bad_mapping"  # ``maps_to`` not whitelisted for the target, the kind, or used twice
    BAD_ACTION = "bad_action"  # an unknown action key, or one naming a missing field or a value it cannot take

    # -- the submission
    TARGET_REQUIRED = "target_required"  # a household/building/merchant/resident form without its row
    TARGET_MISMATCH = "target_mismatch"  # a row of another kind than the template's target
    TARGET_NOT_FOUND = "target_not_found"  # the row does not exist or lies outside the submitter's scope
    GRID_REQUIRED = "grid_required"  # a form about nothing without a grid or a position inside one
    RECORD_FORBIDDEN = "record_forbidden"  # the submitter sees the row or grid but may not record there
    SUBMISSION_INVALID = "submission_invalid"  # answers with problems; nothing was written (``details``)
    LEDGER_UPDATE_FAILED = "ledger_update_failed"  # an answer mapped to the ledger is refused by the ledger's rules

    # -- one answer (``details[].error`` of SUBMISSION_INVALID)
    REQUIRED = "required"  # a visible required field left empty
    UNKNOWN_FIELD = "unknown_field"  # an answer, or photos, for a field the version does not have
    NOT_A_NUMBER = "not_a_number"  # a number field given something else
    NOT_A_DATE = "not_a_date"  # a date field not in YYYY-MM-DD
    NOT_A_CHOICE = "not_a_choice"  # a value outside the field's choices
    OUT_OF_RANGE = "out_of_range"  # below min or above max (length, value, date, count)
    BAD_LOCATION = "bad_location"  # a position that is not a longitude/latitude pair in range
    BAD_PICK = "bad_pick"  # a picked resident/building/merchant that does not exist or is out of scope
    BAD_VALUE = "bad_value"  # a value of the wrong shape for its kind (e.g. a list for a text)
