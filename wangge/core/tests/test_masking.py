"""Personal numbers in free text: every way people write them is masked, ordinary numbers are left alone."""

from __future__ import annotations

import pytest

from wangge.core.masking import mask_numbers, masked_excerpt

# (as typed, the digits that must not survive, how it reads masked)
PERSONAL_NUMBERS = [
    ("13812345678", "13812345678", "138****5678"),
    ("138 1234 5678", "1234", "138****5678"),
    ("138-1234-5678", "1234", "138****5678"),
    ("+86 138 1234 5678", "1234", "138****5678"),
    ("１３８１２３４５６７８", "１２３４", "138****5678"),
    ("0375-1234567", "123", "0375-****4567"),
    ("(0375)12345678", "1234", "0375-****5678"),
    ("410402199001011234", "19900101", "410402********1234"),
    ("41040219900101123X", "19900101", "410402********123X"),
    ("410402900101123", "900101", "410402******123"),
    ("410402 19900101 1234", "19900101", "410402********1234"),
]
# The brief's ten formats and the spaced ID, plus a few more seen in appeals.
MORE_FORMS = [
    ("0086-138-1234-5678", "138****5678"),
    ("（+86）13812345678", "138****5678"),
    ("138 - 1234 - 5678", "138****5678"),
    ("（0375）1234567", "0375-****4567"),
    ("010-12345678转801", "010-****5678转801"),
    ("03751234567", "0375-****4567"),
    ("0375 12345678", "0375-****5678"),
    ("410402-1990-0101-123x", "410402********123X"),
    ("４１０４０２１９９００１０１１２３Ｘ", "410402********123X"),
    ("410402 900101 123", "410402******123"),
]
ORDINARY = [
    "2025-06-03",
    "2025年6月3日13时",
    "1234元",
    "金额1,234.50元",
    "WG250603ABCDEF",
    "WG250603234567",
    "3号楼2单元",
    "12345",
    "第12345678号",
    "编号 20250603001",
    "面积 120.5 平方米，2025-06-03 10:30 到场",
    "（一）３号楼——东侧",
    "1 2 3 4 5 6 7 8 9 10 11 12",
]


@pytest.mark.parametrize(("typed", "secret", "masked"), PERSONAL_NUMBERS, ids=[p[0] for p in PERSONAL_NUMBERS])
def test_each_format_is_masked_inside_a_sentence(typed: str, secret: str, masked: str) -> None:
    text = f"请联系{typed}，谢谢"

    out = mask_numbers(text)

    assert out == f"请联系{masked}，谢谢"
    assert secret not in out


@pytest.mark.parametrize(("typed", "masked"), MORE_FORMS, ids=[m[0] for m in MORE_FORMS])
def test_more_ways_of_writing_them(typed: str, masked: str) -> None:
    assert mask_numbers(f"电话：{typed}。") == f"电话：{masked}。"


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_are_not_mangled(text: str) -> None:
    assert mask_numbers(text) == text


def test_several_numbers_in_one_text_and_the_rest_kept_as_written() -> None:
    text = "（一）张先生１３８ １２３４ ５６７８；身份证410402199001011234；座机(0375)12345678。2025-06-03 来电"

    assert mask_numbers(text) == (
        "（一）张先生138****5678；身份证410402********1234；座机0375-****5678。2025-06-03 来电"
    )


def test_masking_twice_changes_nothing() -> None:
    once = mask_numbers("13812345678 410402199001011234 0375-1234567 410402900101123")

    assert mask_numbers(once) == once


def test_empty_text() -> None:
    assert mask_numbers("") == "" and mask_numbers(None) == ""


def test_an_excerpt_is_cut_after_masking() -> None:
    # given a text whose first 14 characters end in the middle of a number, where no mask would find it
    text = "路灯坏了请联系13812345678"
    assert mask_numbers(text[:14]) == "路灯坏了请联系1381234"

    # then the excerpt is cut after masking
    assert masked_excerpt(text, 14) == "路灯坏了请联系138****"
    assert masked_excerpt(text, 30) == "路灯坏了请联系138****5678"
