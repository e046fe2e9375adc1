"""Settings of 值班备勤 and 防汛备汛, read in one place.

- ``WANGGE_DUTY_CHECK_IN_GRACE_MINUTES`` (default 15): a person on duty not checked in this many minutes after
  the shift starts is flagged 未按时到岗.
- ``WANGGE_DUTY_CHECK_IN_EARLY_MINUTES`` (default 60): how long before the shift starts a check-in is taken.
- ``WANGGE_DUTY_STOCKTAKE_INTERVAL_DAYS`` (default 30): a depot whose last stock-take is older than this many
  days (or that was never counted) is flagged 盘点逾期; a depot may set its own interval.
- ``WANGGE_DUTY_MAX_GENERATE_DAYS`` (default 92): the longest period one roster generation covers.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_GRACE_MINUTES = 15
DEFAULT_EARLY_MINUTES = 60
DEFAULT_STOCKTAKE_INTERVAL_DAYS = 30
DEFAULT_MAX_GENERATE_DAYS = 92


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default) or default)


def check_in_grace_minutes() -> int:
    return _int("WANGGE_DUTY_CHECK_IN_GRACE_MINUTES", DEFAULT_GRACE_MINUTES)


def check_in_early_minutes() -> int:
    return _int("WANGGE_DUTY_CHECK_IN_EARLY_MINUTES", DEFAULT_EARLY_MINUTES)


def stocktake_interval_days() -> int:
    return _int("WANGGE_DUTY_STOCKTAKE_INTERVAL_DAYS", DEFAULT_STOCKTAKE_INTERVAL_DAYS)


def max_generate_days() -> int:
    return _int("WANGGE_DUTY_MAX_GENERATE_DAYS", DEFAULT_MAX_GENERATE_DAYS)
