"""The codes of an import's own refusals (the file as a whole) and of the problems only an import can have.

A row's field problems carry the ledger's record codes (``ledgers.errors.ErrorCode``: ``invalid_id_number``,
``grid_not_found`` …); these are the rest. The values are part of the API contract: never change one.
"""

from __future__ import annotations

from enum import StrEnum


class ImportCode(StrEnum):
    IMPORT_INVALID = "import_invalid"  # a file with problems; nothing was written (``details`` lists each)
    UNREADABLE_FILE = "unreadable_file"  # not an .xlsx workbook, or a sheet whose XML does not parse
    MISSING_COLUMN = "missing_column"  # a required column absent from the header row
    DUPLICATE_COLUMN = "duplicate_column"  # one column named twice in the header row
    EMPTY_FILE = "empty_file"  # a workbook without a single data row
    UNKNOWN_LEDGER = "unknown_ledger"  # a kind of ledger no app has registered
    DUPLICATE_IN_FILE = "duplicate_in_file"  # an ID number, credit code or code given twice in one file
    RECORD_DENIED = "import_record_denied"  # importing without the right to keep any ledger
    REVEAL_DENIED = "export_reveal_denied"  # exporting full numbers of rows the actor may not reveal
    SCOPE_NOT_FOUND = "export_scope_not_found"  # exporting a territory node that does not exist or is out of scope
