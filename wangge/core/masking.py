"""Personal numbers typed into free text, masked before the text leaves for a public or less privileged reader.

A citizen writes "请联系１３８ １２３４ ５６７８" or "身份证410402 19900101 1234" into an appeal; a handler copies a
landline into a reply. :func:`mask_numbers` finds, in any text, the numbers PIPL protects and keeps only
a short prefix and suffix, as :func:`~wangge.core.validators.mask_phone` and
:func:`~wangge.core.validators.mask_id_number` do for the stored fields:

=====================================================  ======================
mainland mobiles (``+86``/``0086``, spaces, dashes)     ``138****5678``
landlines (area code, dash, brackets; extension kept)  ``0375-****4567``
18-digit 公民身份号码 (``X`` check, spaces, dashes)      ``410402********1234``
15-digit 公民身份号码                                     ``410402******123``
=====================================================  ======================

Full-width digits, brackets, plus signs, dashes and spaces are read as their ASCII forms first; the
rest of the text is returned exactly as written. Dates (``2025-06-03``), amounts (``1234元``), tracking
codes (``WG250603ABCDEF``) and house numbers are not numbers of this shape and are left alone. Masking
is idempotent: a masked number is not found again.

A title drawn from free text is cut *after* masking (:func:`masked_excerpt`), so a number cut in half
never escapes the pattern.
"""

from __future__ import annotations

import re

# Full-width and typographic forms read as ASCII (one character for one, so positions carry over).
_ASCII = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "（": "(",
        "）": ")",
        "＋": "+",
        "－": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "﹣": "-",
        "\u3000": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "Ｘ": "X",
        "ｘ": "x",
    }
)

_SEP = r"(?: ?- ?| )?"  # between two digits: nothing, a space, or a dash (spaces around it allowed)


def _spaced(*parts: str) -> str:
    """Digit patterns joined by an optional separator."""
    return _SEP.join(parts)


_D = r"\d"
_CHECK = r"[\dXx]"
_YEAR_18 = f"(?:1{_SEP}[89]|2{_SEP}0){_SEP}{_D}{_SEP}{_D}"
_YEAR_15 = _spaced(_D, _D)
_MONTH = f"(?:0{_SEP}[1-9]|1{_SEP}[0-2])"
_DAY = f"(?:0{_SEP}[1-9]|[12]{_SEP}{_D}|3{_SEP}[01])"
_AREA = _spaced(*[_D] * 6)
_SEQUENCE = _spaced(*[_D] * 3)
_COUNTRY = r"(?:(?:\+|00) ?86 ?-? ?|\(\+?86\) ?)"

_FORMS = {
    # 公民身份号码 written together: 18 characters (an X check character) or 15 digits, any birth date …
    "id18": r"\d{17}[\dXx](?![\dXx])",
    "id15": r"\d{15}(?!\d)",
    # … or split by spaces or dashes anywhere, when the birth date reads as one
    "id18s": _spaced(_AREA, _YEAR_18, _MONTH, _DAY, _SEQUENCE, _CHECK) + r"(?![\dXx])",
    "id15s": _spaced(_AREA, _YEAR_15, _MONTH, _DAY, _SEQUENCE) + r"(?!\d)",
    # mobile 1[3-9]x xxxx xxxx, maybe after +86, 0086 or (+86)
    "mobile": rf"{_COUNTRY}?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)",
    # landline: an area code (0 and 2 or 3 digits, maybe in brackets), then 7 or 8 digits
    "landline": rf"(?:\(0\d{{2,3}}\) ?|0\d{{2,3}}{_SEP})\d{{7,8}}(?!\d)",
}
_PATTERN = re.compile(r"(?<!\d)(?:" + "|".join(f"(?P<{kind}>{form})" for kind, form in _FORMS.items()) + ")")


def _digits(text: str) -> str:
    return re.sub(r"[^\dX]", "", text.upper())


def _mask_mobile(digits: str) -> str:
    national = digits[-11:]
    return f"{national[:3]}****{national[-4:]}"


def _mask_landline(digits: str) -> str:
    # 010 and 02x are the three-digit area codes; the others have four.
    area = digits[:3] if digits[1] in "12" else digits[:4]
    return f"{area}-****{digits[-4:]}"


def _mask(kind: str, digits: str) -> str:
    if kind in ("id18", "id18s"):
        return f"{digits[:6]}********{digits[-4:]}"
    if kind in ("id15", "id15s"):
        return f"{digits[:6]}******{digits[-3:]}"
    if kind == "mobile":
        return _mask_mobile(digits)
    return _mask_landline(digits)


def mask_numbers(text: str | None) -> str:
    """``text`` with every mobile, landline and resident ID number in it masked (see the module notes)."""
    if not text:
        return text or ""
    plain = text.translate(_ASCII)
    out: list[str] = []
    end = 0
    for match in _PATTERN.finditer(plain):
        kind = match.lastgroup
        assert kind is not None
        out.append(text[end : match.start()])
        out.append(_mask(kind, _digits(match.group(kind))))
        end = match.end()
    if not out:
        return text
    out.append(text[end:])
    return "".join(out)


def masked_excerpt(text: str | None, limit: int) -> str:
    """The start of ``text`` for a title or a list: masked first, then cut to ``limit`` characters."""
    return mask_numbers(text)[:limit]
