"""Validators for personal identifiers (PIPL): mainland mobile/landline numbers and resident ID numbers."""

from __future__ import annotations

import datetime as dt
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


# -- GB 11643: what a resident identity number says of its holder ------------------------------------------


def normalise_id_number(value: str) -> str:
    """Trim and upper-case the check character ("x" is written as "X")."""
    return (value or "").strip().upper()


def id_number_facts(value: str) -> tuple[str, dt.date]:
    """The gender ("M" or "F") and birth date encoded in a valid 18-digit number (order code odd: male).

    Raises ValidationError for a malformed number, a wrong check character or an impossible birth date."""
    number = normalise_id_number(value)
    validate_id_number(number)
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号中的出生日期不存在"), code="invalid_id_number") from exc
    if born.year < 1900 or born > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期不合理"), code="invalid_id_number")
    return ("M" if int(number[16]) % 2 else "F"), born


# -- GB 32100: the unified social credit code (统一社会信用代码) -----------------------------------------------

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_code_check_character(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18 characters from the GB 32100 alphabet whose last is the check character of the first 17."""
    code = normalise_credit_code(value)
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        raise ValidationError(
            _("统一社会信用代码须为18位数字或大写字母（不含I、O、S、V、Z）"), code="invalid_credit_code"
        )
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确"), code="invalid_credit_code")
