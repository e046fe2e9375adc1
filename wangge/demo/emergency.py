"""Demo data of 预警: 卫东区一次橙色暴雨预警及部分确认.

An orange 暴雨 warning over the whole of 卫东区, issued three hours before the build through the issue service;
its deliveries are the rows the fan-out writes (``emergency.services.fanout.delivery_rows``), inserted in bulk
and marked as sent (no text leaves the demo); about 70% of the staff acknowledged (chosen by a hash of the key,
so the build is deterministic; the demo grid worker and grid leader logins have not, so their 收到 page is
waiting for them); a dozen who did not were sent long enough ago to be reported to the person above by the
real escalation sweep; households with a phone in the ledgers are counted as texted. Marked synthetic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import User
from wangge.core import audit
from wangge.demo.catalogue import WEIDONG
from wangge.emergency.choices import DeliveryState, HazardType, Level
from wangge.emergency.models import Warning
from wangge.emergency.services import warning_issue, warnings_escalate
from wangge.emergency.services.fanout import deliveries_insert, delivery_rows
from wangge.territory.models import Territory

TEXT = (
    "据市气象台预报，今天夜间到明天白天，卫东区将出现暴雨到大暴雨，局地伴有雷电大风，累计降雨量 80～120 毫米，"
    "最大小时雨强 50 毫米以上。请各街道、社区和网格立即落实橙色预警响应措施，重点做好下穿通道、地下车库、"
    "易涝点和地质灾害隐患点的巡查值守，及时提醒和转移危险区域群众。"
)
ACK_SHARE = 70  # percent of the staff who acknowledged
ESCALATED = 12  # of those who did not, reported to the person above
UNACKED_LOGINS = ("demo_grid_worker", "demo_grid_leader")


def _draw(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100


def emergency_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo rows; return (created, unchanged)."""
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    existing = Warning.objects.filter(is_synthetic=True, areas__node=district).count()
    if existing:
        return 0, existing
    now = timezone.now().replace(microsecond=0)
    issued = now - dt.timedelta(hours=3)
    with transaction.atomic():
        warning = warning_issue(
            actor=actor,
            hazard_type=HazardType.RAINSTORM,
            level=Level.ORANGE,
            text=TEXT,
            nodes=[district],
            valid_until=issued + dt.timedelta(hours=24),
            now=issued,
            is_synthetic=True,
            fan_out=False,
        )
        rows = delivery_rows(warning)
        recent = now - dt.timedelta(minutes=10)
        escalate_left = ESCALATED
        logins = set(
            User.objects.filter(
                pk__in=[r["recipient_id"] for r in rows if r["recipient_id"]], username__in=UNACKED_LOGINS
            ).values_list("pk", flat=True)
        )
        for r in rows:
            if r["state"] == DeliveryState.PENDING:
                r["state"] = DeliveryState.SENT
                r["sent_at"] = issued + dt.timedelta(minutes=2)
            if not r["must_ack"]:
                continue
            draw = _draw(r["key"])
            if draw < ACK_SHARE and r["recipient_id"] not in logins:
                r["acknowledged_at"] = issued + dt.timedelta(minutes=3 + draw % 27)
            elif escalate_left > 0 and r["recipient_id"] not in logins:
                escalate_left -= 1  # sent long ago: the sweep below reports them
            else:
                r["sent_at"] = recent  # a later batch: still within the acknowledgement time
        deliveries_insert(rows)
        escalated = warnings_escalate(now=now)
        audit.record(
            actor=actor,
            action="demo.emergency_seed",
            note=f"synthetic orange rainstorm warning {warning.code} over {district.name}: {len(rows)} deliveries, "
            f"{escalated} escalated",
        )
    return 1 + len(rows), 0
