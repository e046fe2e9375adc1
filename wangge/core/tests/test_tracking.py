"""New tracking codes carry 60 random bits and fit the 20-character column."""

from __future__ import annotations

import datetime as dt
import re

from wangge.core import tracking


def test_a_new_code_is_the_date_and_twelve_characters_of_a_32_symbol_alphabet() -> None:
    at = dt.datetime(2025, 6, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Asia/Shanghai

    code = tracking.new_tracking_code(at)

    assert re.fullmatch(r"WG250603[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}", code)
    assert len(code) == tracking.LENGTH == 20
    assert tracking.RANDOM_BITS >= 60


def test_codes_do_not_repeat() -> None:
    at = dt.datetime(2025, 6, 3, 1, 0, tzinfo=dt.UTC)

    assert len({tracking.new_tracking_code(at) for _ in range(10_000)}) == 10_000


def test_what_a_citizen_types_is_read_as_stored() -> None:
    assert tracking.normalise_tracking_code(" wg2506-03ab cd\u3000") == "WG250603ABCD"
