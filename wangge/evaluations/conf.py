"""Settings of 好差评 and the monthly callbacks, read in one place (each with its default).

- ``WANGGE_BAD_RATING_RECTIFY_DAYS`` (15): working days a 差评's rectification has, from the rating — the closed
  loop's setting, shared with a case's bad callback.
- ``WANGGE_CALLBACK_SHARE`` (0.2): the share of last month's finished 办件 drawn for the phone callbacks.
- ``WANGGE_RATING_RATE`` ("20/hour"): ratings from one address (the public QR page and the API).
- ``WANGGE_RATING_CHECK_RATE`` ("5/hour"): failed checks (phone digits, receipt code) on one 办件 number.
- ``WANGGE_RATING_LINK_DAYS`` (30): days an online rating link stays valid after it was made.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from wangge.core import ratelimit

DEFAULT_RECTIFY_DAYS = 15
DEFAULT_CALLBACK_SHARE = 0.2
DEFAULT_RATING_RATE = "20/hour"
DEFAULT_CHECK_RATE = "5/hour"
DEFAULT_LINK_DAYS = 30


def rectify_days() -> Decimal:
    return Decimal(str(getattr(settings, "WANGGE_BAD_RATING_RECTIFY_DAYS", DEFAULT_RECTIFY_DAYS)))


def callback_share() -> float:
    return float(getattr(settings, "WANGGE_CALLBACK_SHARE", DEFAULT_CALLBACK_SHARE))


def rating_rate() -> ratelimit.Rate | None:
    return ratelimit.parse_rate(getattr(settings, "WANGGE_RATING_RATE", DEFAULT_RATING_RATE))


def check_rate() -> ratelimit.Rate | None:
    return ratelimit.parse_rate(getattr(settings, "WANGGE_RATING_CHECK_RATE", DEFAULT_CHECK_RATE))


def link_days() -> int:
    return int(getattr(settings, "WANGGE_RATING_LINK_DAYS", DEFAULT_LINK_DAYS))
