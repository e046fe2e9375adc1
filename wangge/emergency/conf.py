"""Settings of the warnings app, read in one place.

``WANGGE_EMERGENCY_ACK_MINUTES``: minutes a grid worker or 网格长 has to acknowledge (收到) a warning before the
escalation task tells the person above (default 30).
``WANGGE_EMERGENCY_BATCH``: deliveries sent by one task (default 500).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

DEFAULT_ACK_MINUTES = 30
DEFAULT_BATCH = 500


def ack_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "WANGGE_EMERGENCY_ACK_MINUTES", DEFAULT_ACK_MINUTES)))


def batch_size() -> int:
    return max(1, int(getattr(settings, "WANGGE_EMERGENCY_BATCH", DEFAULT_BATCH)))
