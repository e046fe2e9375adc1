"""Model fields shared by the domain apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from wangge.core import crypto

if TYPE_CHECKING:
    # django-stubs types a field by what is assigned and what is read; Django's classes take no
    # subscript at run time.
    _TextField = models.TextField[str, str]
else:
    _TextField = models.TextField


class ProtectedCharField(_TextField):
    """A personal identifier stored encrypted (Fernet). Read and assign clear text in Python.

    Pair it with a ``*_index`` CharField filled by the service through ``crypto.blind_index`` where
    lookups by value are needed. Display through ``core.validators.mask_*`` unless the viewer is entitled.
    """

    description = "Encrypted personal identifier"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None:
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(str(value))
