"""The codes of the point registry's refusals, and of the problems of one record (``details[].error``).

A single point's refusal takes the code of its first problem, so the record codes are refusal codes too.
The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- one point
    OUT_OF_SCOPE = "out_of_scope"  # changing a point, or placing one, outside the actor's change scope
    POINT_NOT_FOUND = "point_not_found"  # the point does not exist or lies outside the actor's scope
    COORDINATES_INCOMPLETE = "coordinates_incomplete"  # changing the longitude without the latitude, or back
    UNKNOWN_CRS = "unknown_crs"  # a datum other than wgs84, gcj02 or bd09
    REVEAL_DENIED = "reveal_denied"  # exporting full phone numbers of points the actor may not reveal

    # -- one record (a point's fields, a row of an import)
    REQUIRED = "required"  # code, name, type, responsible person or a coordinate left empty
    TOO_LONG = "too_long"  # a text longer than its column allows
    UNKNOWN_TYPE = "unknown_type"  # a point type that is neither a known key nor a known name
    NOT_A_NUMBER = "not_a_number"  # a coordinate that is not a finite number
    OUT_OF_RANGE = "out_of_range"  # a longitude outside ±180 or a latitude outside ±90
    MASKED_PHONE = "masked_phone"  # a masked phone number that is not the one stored
    INVALID_PHONE = "invalid_phone"  # a phone number that is not a valid mobile or landline number
    UNKNOWN_UNIT = "unknown_unit"  # a responsible unit code that does not exist
    OUTSIDE_TERRITORY = "outside_territory"  # coordinates in no territory node of the platform
    CODE_TAKEN = "code_taken"  # a point code already used (by a point the actor may not change)
    DUPLICATE_CODE = "duplicate_code"  # a point code given twice in one import

    # -- an import as a whole
    IMPORT_INVALID = "import_invalid"  # an import with problems; nothing was written (``details`` lists them)
    CRS_MISMATCH = "crs_mismatch"  # the file declares a datum other than the one chosen
    UNREADABLE_FILE = "unreadable_file"  # a file that is not a workbook, or GeoJSON that does not parse
    DUPLICATE_COLUMN = "duplicate_column"  # a spreadsheet naming one column twice
    MISSING_COLUMN = "missing_column"  # a spreadsheet without a required column
    NOT_FEATURE_COLLECTION = "not_feature_collection"  # GeoJSON that is not a FeatureCollection
    NOT_A_POINT = "not_a_point"  # a feature whose geometry is not a Point
