"""Tracking codes (查询码): what a citizen holds to follow and rate a case without an account.

A code is ``WG`` + the local date (``yymmdd``) + :data:`RANDOM_LENGTH` characters drawn by ``secrets`` from a
32-symbol alphabet without 0/O, 1/I/L — 5 bits each, 60 bits in all, 20 characters (the column's length).
Guessing a live code online is out of reach even before the tracking pages' rate limits
(``WANGGE_CITIZEN_TRACK_*``). Codes drawn before, with 6 random characters, stay valid: lookups match the whole
code, whatever its length.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets

from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 12
PREFIX = "WG"
LENGTH = len(PREFIX) + 6 + RANDOM_LENGTH
RANDOM_BITS = RANDOM_LENGTH * math.log2(len(ALPHABET))


def new_tracking_code(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    tail = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{PREFIX}{local:%y%m%d}{tail}"


def normalise_tracking_code(text: str) -> str:
    """What a citizen typed, as stored: no surrounding or inner spaces or dashes, upper case."""
    return "".join(ch for ch in text if ch not in " -\u3000").strip().upper()
