"""Validators for personal identifiers (PIPL): mainland mobile/landline numbers and resident ID numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_HOTLINE = re.compile(r"^\d{5}$")  # service numbers such as 12345
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_phone(value: str) -> str:
    """Strip spaces, dashes in mobiles and a +86/0086 prefix."""
    raw = re.sub(r"[\s()]", "", value or "")
    raw = re.sub(r"^(\+86|0086)", "", raw)
    if re.fullmatch(r"1[\d-]{10,12}", raw):
        raw = raw.replace("-", "")
    return raw


def validate_phone(value: str) -> None:
    phone = normalise_phone(value)
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone) or _HOTLINE.match(phone)):
        raise ValidationError(_("电话号码格式不正确：%(value)s"), code="invalid_phone", params={"value": value})


def id_number_checksum(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> None:
    """An 18-digit resident identity number (GB 11643) with a valid check character."""
    v = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        raise ValidationError(_("身份证号须为18位"), code="invalid_id_number")
    if id_number_checksum(v[:17]) != v[17]:
        raise ValidationError(_("身份证号校验位不正确"), code="invalid_id_number")


def mask_phone(value: str) -> str:
    """138****1234 for mobiles; keep area code and last four for landlines."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else "*" * len(value)
