"""Cleaning one ledger record, shared by the services (``ledgers.services``) and the importers.

A record maps field names to raw values (a form's, an API body's or a spreadsheet row's: text, numbers, dates,
model instances). Each ``clean_*`` gives the values to store and a list of problems
``{"field", "error", "reason"}`` (``error`` an :class:`~wangge.ledgers.errors.ErrorCode`, ``reason`` Chinese
for a person), never raising for the record's own faults; the caller raises ``ValidationFailed`` (a service)
or collects the problems by row (an import). With ``partial=True`` only the keys present are checked (an
update). Rules over several rows (one person per ID number, codes taken, scope) are the services' own.

Choices are given by value or by their Chinese label ("户主", "流动人口" or just "流动"); tags by key or name,
one list or one text separated by commas, 、 or semicolons. Protected numbers are stored normalised, and
:func:`apply_clean` sets their blind index next to them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from wangge.core.crypto import blind_index
from wangge.core.validators import (
    id_number_facts,
    mask_id_number,
    mask_phone,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
    validate_credit_code,
    validate_phone,
)
from wangge.ledgers.choices import (
    Gender,
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    RecordStatus,
    Relation,
    ResidenceType,
)
from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.models import ResidentTag

__all__ = [
    "KEEP",
    "PROTECTED_INDEX",
    "TagLookup",
    "apply_clean",
    "as_date",
    "as_text",
    "choice_value",
    "clean_building",
    "clean_estate",
    "clean_household",
    "clean_merchant",
    "clean_resident",
    "field_problem",
    "split_tags",
]

Problem = dict[str, Any]

# Column lengths (the models' max_length), checked here so a long value is a problem, not a database error.
MAX_LENGTHS: dict[str, int] = {
    "name": 50,  # a resident's
    "estate_name": 100,
    "building_name": 100,
    "merchant_name": 120,
    "code": 40,
    "household_code": 48,
    "address": 200,
    "property_company": 120,
    "property_contact": 40,
    "owners_committee": 200,
    "head_name": 50,
    "unit_no": 10,
    "room": 20,
    "house_no": 60,
    "industry": 60,
    "responsible_person": 50,
    "contact_name": 50,
}
MAX_FLOORS = 200
MAX_UNITS = 50

# The protected fields of the ledger models and the column of their blind index.
PROTECTED_INDEX: dict[str, str] = {
    "id_number": "id_number_index",
    "phone": "phone_index",
    "head_phone": "head_phone_index",
    "contact_phone": "contact_phone_index",
}

# Short forms people write for the residence types (the labels are 户籍人口, 常住人口, …).
_RESIDENCE_SHORT = {"户籍": "registered", "常住": "resident", "流动": "floating", "寄住": "lodging"}
# How 户口簿 and grid workers' sheets write the relation to the head (after GB/T 4761): 本人 is the head.
_RELATION_WORDS = {
    "本人": "head",
    "户主本人": "head",
    "夫": "spouse",
    "妻": "spouse",
    "丈夫": "spouse",
    "妻子": "spouse",
    "子": "child",
    "女": "child",
    "儿子": "child",
    "女儿": "child",
    "长子": "child",
    "次子": "child",
    "长女": "child",
    "次女": "child",
    "养子": "child",
    "养女": "child",
    "父亲": "parent",
    "母亲": "parent",
    "父": "parent",
    "母": "parent",
    "公公": "parent",
    "婆婆": "parent",
    "岳父": "parent",
    "岳母": "parent",
    "孙子": "grandchild",
    "孙女": "grandchild",
    "外孙子": "grandchild",
    "外孙女": "grandchild",
    "祖父": "grandparent",
    "祖母": "grandparent",
    "外祖父": "grandparent",
    "外祖母": "grandparent",
    "兄": "sibling",
    "弟": "sibling",
    "姐": "sibling",
    "妹": "sibling",
    "哥哥": "sibling",
    "弟弟": "sibling",
    "姐姐": "sibling",
    "妹妹": "sibling",
    "儿媳": "child_in_law",
    "女婿": "child_in_law",
    "租客": "tenant",
    "租住": "tenant",
}
_TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


class _Keep:
    """Marker: keep the stored number (the record carried the masked form of that same number)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def field_problem(field: str, error: ErrorCode, reason: str) -> Problem:
    """One problem of one field: the stable ``error`` code and the ``reason`` a person reads."""
    return {"field": field, "error": error, "reason": reason}


def as_text(value: Any) -> str:
    """A cell or value as stripped text (a whole float without its .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or text (2024-05-01, 2024/5/1, 20240501, 2024年5月1日); None when empty.

    ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = as_text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def choice_value(choices: type[models.TextChoices], value: Any, aliases: dict[str, str] | None = None) -> str | None:
    """The stored value of a choice given by value (any case) or Chinese label; None when unknown."""
    text = as_text(value)
    if not text:
        return None
    for member in choices:
        if text.lower() == str(member.value).lower() or text == str(member.label):
            return str(member.value)
    if aliases and text in aliases:
        return aliases[text]
    return None


def split_tags(value: Any) -> list[Any]:
    """Tags given as one text ("独居老人、低保") or as a list of keys, names or tags."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in _TAG_SEPARATORS.split(value.strip()) if part]
    if isinstance(value, ResidentTag):
        return [value]
    if isinstance(value, Iterable):
        items: list[Any] = []
        for item in value:
            items.extend(split_tags(item) if isinstance(item, str) else [item])
        return items
    return [value]


class TagLookup:
    """The tag dictionary by key (case-insensitive) or name, read once (an import cleans many rows with one)."""

    def __init__(self, tags: Iterable[ResidentTag] | None = None) -> None:
        self._by: dict[str, ResidentTag] = {}
        for tag in ResidentTag.objects.all() if tags is None else tags:
            self._by[tag.key.lower()] = tag
            self._by.setdefault(tag.name.strip(), tag)

    def get(self, value: Any) -> ResidentTag | None:
        if isinstance(value, ResidentTag):
            return value
        text = as_text(value)
        return self._by.get(text.lower()) or self._by.get(text)


# -- pieces ---------------------------------------------------------------------------------------------------


def _text(
    raw: dict[str, Any],
    key: str,
    clean: dict[str, Any],
    problems: list[Problem],
    *,
    limit: int | None,
    required: bool = False,
) -> None:
    value = as_text(raw.get(key))
    if not value and required:
        problems.append(field_problem(key, ErrorCode.REQUIRED, _("必填项不能为空")))
    elif limit is not None and len(value) > limit:
        problems.append(field_problem(key, ErrorCode.TOO_LONG, _("长度超过 %(n)d 个字符") % {"n": limit}))
    else:
        clean[key] = value


def _choice(
    raw: dict[str, Any],
    key: str,
    choices: type[models.TextChoices],
    error: ErrorCode,
    clean: dict[str, Any],
    problems: list[Problem],
    *,
    default: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    given = raw.get(key)
    if as_text(given) == "":
        if default is not None:
            clean[key] = default
        else:
            problems.append(field_problem(key, ErrorCode.REQUIRED, _("必填项不能为空")))
        return
    value = choice_value(choices, given, aliases)
    if value is None:
        labels = "、".join(str(m.label) for m in choices)
        problems.append(
            field_problem(
                key, error, _("无法识别“%(value)s”，可填：%(labels)s") % {"value": as_text(given), "labels": labels}
            )
        )
    else:
        clean[key] = value


def _phone(
    raw: dict[str, Any], key: str, clean: dict[str, Any], problems: list[Problem], *, stored: str | None
) -> None:
    phone = as_text(raw.get(key))
    if "*" in phone:
        if stored and phone == mask_phone(stored):
            clean[key] = KEEP
        else:
            problems.append(field_problem(key, ErrorCode.MASKED_VALUE, _("脱敏后的号码不能作为新号码保存")))
    elif phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            problems.append(field_problem(key, ErrorCode.INVALID_PHONE, str(exc.messages[0])))
        else:
            clean[key] = normalise_phone(phone)
    else:
        clean[key] = ""


def _date(raw: dict[str, Any], key: str, clean: dict[str, Any], problems: list[Problem]) -> None:
    try:
        clean[key] = as_date(raw.get(key))
    except ValueError:
        problems.append(
            field_problem(
                key, ErrorCode.INVALID_DATE, _("日期格式不正确：%(value)s（应为 2024-05-01）") % {"value": raw.get(key)}
            )
        )


def _whole(
    raw: dict[str, Any], key: str, clean: dict[str, Any], problems: list[Problem], *, low: int, high: int
) -> None:
    given = raw.get(key)
    text = as_text(given)
    if text == "":
        clean[key] = low
        return
    try:
        if isinstance(given, bool):
            raise ValueError(text)
        number = float(text) if not isinstance(given, int | float) else float(given)
        if not number.is_integer():
            raise ValueError(text)
    except ValueError:
        problems.append(field_problem(key, ErrorCode.NOT_A_NUMBER, _("须为整数：%(value)s") % {"value": text}))
        return
    if not low <= number <= high:
        problems.append(
            field_problem(key, ErrorCode.OUT_OF_RANGE, _("须在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high})
        )
        return
    clean[key] = int(number)


def _coordinates(raw: dict[str, Any], clean: dict[str, Any], problems: list[Problem], *, partial: bool) -> None:
    """``lng`` and ``lat`` (WGS-84) together, both empty (None) or both numbers in range."""
    if partial and "lng" not in raw and "lat" not in raw:
        return
    texts = {key: as_text(raw.get(key)) for key in ("lng", "lat")}
    if not texts["lng"] and not texts["lat"]:
        clean["lng"] = clean["lat"] = None
        return
    if not texts["lng"] or not texts["lat"]:
        missing = "lat" if texts["lng"] else "lng"
        problems.append(field_problem(missing, ErrorCode.COORDINATES_INCOMPLETE, _("经度和纬度须同时填写")))
        return
    for key, low, high in (("lng", -180.0, 180.0), ("lat", -90.0, 90.0)):
        try:
            given = raw.get(key)
            if isinstance(given, bool):
                raise ValueError(texts[key])
            number = float(given) if isinstance(given, int | float) else float(texts[key])
            if not math.isfinite(number):
                raise ValueError(texts[key])
        except ValueError:
            problems.append(
                field_problem(key, ErrorCode.NOT_A_NUMBER, _("坐标须为数字：%(value)s") % {"value": texts[key]})
            )
            continue
        if not low <= number <= high:
            problems.append(
                field_problem(key, ErrorCode.OUT_OF_RANGE, _("坐标超出有效范围：%(value)s") % {"value": number})
            )
            continue
        clean[key] = round(number, 7)


# -- residents ------------------------------------------------------------------------------------------------


def clean_resident(
    raw: dict[str, Any],
    *,
    tags: TagLookup | None = None,
    partial: bool = False,
    stored: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """A resident's fields: ``name``, ``id_number`` (gender and birth date derived from it), ``gender``,
    ``birth_date``, ``phone``, ``relation``, ``residence_type``, ``address``, ``tags``, ``notes``.

    A gender or birth date given with an ID number must agree with it. Without an ID number they are taken as
    given. ``stored`` holds the numbers already on the record (``{"id_number": …, "phone": …}``): a masked
    value equal to the mask of the stored one keeps it (:data:`KEEP`). ``tags`` defaults to the whole dictionary.
    """
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    stored = stored or {}

    def wanted(key: str) -> bool:
        return not partial or key in raw

    if wanted("name"):
        _text(raw, "name", clean, problems, limit=MAX_LENGTHS["name"], required=True)
    for key in ("address", "notes"):
        if wanted(key):
            _text(raw, key, clean, problems, limit=MAX_LENGTHS.get(key))

    derived: tuple[str, dt.date] | None = None
    if wanted("id_number"):
        number = normalise_id_number(as_text(raw.get("id_number")))
        if "*" in number:
            if stored.get("id_number") and number == mask_id_number(stored["id_number"]):
                clean["id_number"] = KEEP
            else:
                problems.append(field_problem("id_number", ErrorCode.MASKED_VALUE, _("脱敏后的号码不能作为新号码保存")))
        elif number:
            try:
                derived = id_number_facts(number)
            except ValidationError as exc:
                problems.append(field_problem("id_number", ErrorCode.INVALID_ID_NUMBER, str(exc.messages[0])))
            else:
                clean["id_number"] = number
                clean["gender"], clean["birth_date"] = derived
        else:
            clean["id_number"] = ""

    if wanted("gender") and as_text(raw.get("gender")):
        gender = choice_value(Gender, raw.get("gender"))
        if gender is None:
            problems.append(
                field_problem(
                    "gender", ErrorCode.INVALID_GENDER, _("性别须为 男 或 女：%(value)s") % {"value": raw.get("gender")}
                )
            )
        elif derived is not None and gender != derived[0]:
            problems.append(field_problem("gender", ErrorCode.ID_NUMBER_MISMATCH, _("性别与公民身份号码不符")))
        elif derived is None:
            clean["gender"] = gender
    elif wanted("gender") and derived is None and "id_number" in clean:
        clean.setdefault("gender", "")

    if wanted("birth_date") and as_text(raw.get("birth_date")):
        try:
            born = as_date(raw.get("birth_date"))
        except ValueError:
            problems.append(
                field_problem(
                    "birth_date",
                    ErrorCode.INVALID_DATE,
                    _("日期格式不正确：%(value)s（应为 2024-05-01）") % {"value": raw.get("birth_date")},
                )
            )
        else:
            if derived is not None and born != derived[1]:
                problems.append(
                    field_problem("birth_date", ErrorCode.ID_NUMBER_MISMATCH, _("出生日期与公民身份号码不符"))
                )
            elif derived is None:
                clean["birth_date"] = born
    elif wanted("birth_date") and derived is None and "id_number" in clean:
        clean.setdefault("birth_date", None)

    if wanted("phone"):
        _phone(raw, "phone", clean, problems, stored=stored.get("phone"))
    if wanted("relation"):
        _choice(
            raw,
            "relation",
            Relation,
            ErrorCode.UNKNOWN_RELATION,
            clean,
            problems,
            default=Relation.OTHER,
            aliases=_RELATION_WORDS,
        )
    if wanted("residence_type"):
        _choice(
            raw,
            "residence_type",
            ResidenceType,
            ErrorCode.UNKNOWN_RESIDENCE_TYPE,
            clean,
            problems,
            default=ResidenceType.REGISTERED,
            aliases=_RESIDENCE_SHORT,
        )
    if wanted("tags"):
        lookup = tags or TagLookup()
        found: list[ResidentTag] = []
        unknown: list[str] = []
        for item in split_tags(raw.get("tags")):
            tag = lookup.get(item)
            if tag is None:
                unknown.append(as_text(item))
            elif tag not in found:
                found.append(tag)
        if unknown:
            problems.append(
                field_problem(
                    "tags", ErrorCode.UNKNOWN_TAG, _("未知的人员类别：%(names)s") % {"names": "、".join(unknown)}
                )
            )
        else:
            clean["tags"] = found
    return clean, problems


# -- places: estates, buildings, households -------------------------------------------------------------------


def clean_estate(raw: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[Problem]]:
    """An estate's fields: ``name``, ``code``, ``address``, ``property_company``, ``property_contact`` (a
    phone), ``owners_committee``, ``notes``."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    limits = {
        "name": MAX_LENGTHS["estate_name"],
        "code": MAX_LENGTHS["code"],
        "address": MAX_LENGTHS["address"],
        "property_company": MAX_LENGTHS["property_company"],
        "owners_committee": MAX_LENGTHS["owners_committee"],
        "notes": None,
    }
    for key, limit in limits.items():
        if not partial or key in raw:
            _text(raw, key, clean, problems, limit=limit, required=key == "name")
    if not partial or "property_contact" in raw:
        contact = as_text(raw.get("property_contact"))
        if contact:
            try:
                validate_phone(contact)
            except ValidationError as exc:
                problems.append(field_problem("property_contact", ErrorCode.INVALID_PHONE, str(exc.messages[0])))
            else:
                clean["property_contact"] = normalise_phone(contact)
        else:
            clean["property_contact"] = ""
    return clean, problems


def clean_building(
    raw: dict[str, Any], *, partial: bool = False, stored: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """A building's fields: ``name``, ``code``, ``address``, ``floors``, ``units``, ``lng``/``lat`` (WGS-84),
    ``head_name``, ``head_phone``, ``notes``, ``status``."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    limits = {
        "name": MAX_LENGTHS["building_name"],
        "code": MAX_LENGTHS["code"],
        "address": MAX_LENGTHS["address"],
        "head_name": MAX_LENGTHS["head_name"],
        "notes": None,
    }
    for key, limit in limits.items():
        if not partial or key in raw:
            _text(raw, key, clean, problems, limit=limit, required=key == "name")
    if not partial or "floors" in raw:
        _whole(raw, "floors", clean, problems, low=1, high=MAX_FLOORS)
    if not partial or "units" in raw:
        _whole(raw, "units", clean, problems, low=1, high=MAX_UNITS)
    _coordinates(raw, clean, problems, partial=partial)
    if not partial or "head_phone" in raw:
        _phone(raw, "head_phone", clean, problems, stored=(stored or {}).get("head_phone"))
    if not partial or "status" in raw:
        _choice(raw, "status", RecordStatus, ErrorCode.UNKNOWN_STATUS, clean, problems, default=RecordStatus.ACTIVE)
    return clean, problems


def clean_household(raw: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[Problem]]:
    """A household's own fields: ``code``, ``unit_no``, ``room``, ``house_no``, ``address``, ``use``,
    ``notes``, ``status``. Whether it names a room or a house number is the service's rule (it knows the
    building)."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    limits = {
        "code": MAX_LENGTHS["household_code"],
        "unit_no": MAX_LENGTHS["unit_no"],
        "room": MAX_LENGTHS["room"],
        "house_no": MAX_LENGTHS["house_no"],
        "address": MAX_LENGTHS["address"],
        "notes": None,
    }
    for key, limit in limits.items():
        if not partial or key in raw:
            _text(raw, key, clean, problems, limit=limit)
    if not partial or "use" in raw:
        _choice(raw, "use", HouseholdUse, ErrorCode.UNKNOWN_USE, clean, problems, default=HouseholdUse.OWNER)
    if not partial or "status" in raw:
        _choice(raw, "status", RecordStatus, ErrorCode.UNKNOWN_STATUS, clean, problems, default=RecordStatus.ACTIVE)
    return clean, problems


# -- merchants and organisations ------------------------------------------------------------------------------


def clean_merchant(
    raw: dict[str, Any], *, partial: bool = False, stored: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """A merchant's fields: ``name``, ``credit_code`` (GB 32100), ``kind``, ``industry``, ``address``,
    ``lng``/``lat``, ``responsible_person``, ``contact_name``, ``contact_phone``, ``licence_issued``,
    ``licence_expires``, ``status``, ``notes``."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    limits = {
        "name": MAX_LENGTHS["merchant_name"],
        "industry": MAX_LENGTHS["industry"],
        "address": MAX_LENGTHS["address"],
        "responsible_person": MAX_LENGTHS["responsible_person"],
        "contact_name": MAX_LENGTHS["contact_name"],
        "notes": None,
    }
    for key, limit in limits.items():
        if not partial or key in raw:
            _text(raw, key, clean, problems, limit=limit, required=key == "name")
    if not partial or "credit_code" in raw:
        code = normalise_credit_code(as_text(raw.get("credit_code")))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                problems.append(field_problem("credit_code", ErrorCode.INVALID_CREDIT_CODE, str(exc.messages[0])))
            else:
                clean["credit_code"] = code
        else:
            clean["credit_code"] = ""
    if not partial or "kind" in raw:
        _choice(raw, "kind", MerchantKind, ErrorCode.UNKNOWN_KIND, clean, problems, default=MerchantKind.SHOP)
    if not partial or "status" in raw:
        _choice(raw, "status", MerchantStatus, ErrorCode.UNKNOWN_STATUS, clean, problems, default=MerchantStatus.OPEN)
    _coordinates(raw, clean, problems, partial=partial)
    if not partial or "contact_phone" in raw:
        _phone(raw, "contact_phone", clean, problems, stored=(stored or {}).get("contact_phone"))
    for key in ("licence_issued", "licence_expires"):
        if not partial or key in raw:
            _date(raw, key, clean, problems)
    issued, expires = clean.get("licence_issued"), clean.get("licence_expires")
    if issued and expires and expires < issued:
        problems.append(field_problem("licence_expires", ErrorCode.LICENCE_DATES, _("营业执照有效期不能早于发证日期")))
    return clean, problems


# -- onto the row ---------------------------------------------------------------------------------------------


def apply_clean(obj: models.Model, clean: dict[str, Any]) -> None:
    """Set the cleaned values on ``obj``; a protected number also gets its blind index, :data:`KEEP` keeps the
    stored one. ``tags`` (many-to-many) is the caller's to set after the save."""
    for key, value in clean.items():
        if key == "tags" or value is KEEP:
            continue
        if key in PROTECTED_INDEX:
            setattr(obj, PROTECTED_INDEX[key], blind_index(value))
        setattr(obj, key, value)
