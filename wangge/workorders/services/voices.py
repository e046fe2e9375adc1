"""我也反映: a citizen adds their voice to an open case instead of filing the same problem again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core.actors import require
from wangge.core.errors import Conflict, NotFound
from wangge.workorders.choices import OPEN_STATUSES
from wangge.workorders.errors import ErrorCode
from wangge.workorders.models import WorkOrder
from wangge.workorders.services.records import now_or, record_event


def work_order_add_voice(
    *, actor: ActorLike, work_order_id: int, phone: str = "", now: dt.datetime | None = None
) -> WorkOrder:
    """Count one more person reporting the problem (``voice_count``) and write it in the case's history
    (event "voice"); with a mobile ``phone`` that person also receives the case's text messages from now on.

    The case's status, version and clocks do not change (staff forms open on it stay valid). Raises NotFound
    and Conflict (the case is no longer open: the citizen should file anew)."""
    require(actor)
    at = now_or(now)
    with transaction.atomic():
        wo = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=work_order_id).first()
        if wo is None:
            raise NotFound(_("工单不存在"))
        if wo.status not in OPEN_STATUSES:
            raise Conflict(_("该问题已办结，如仍存在请重新反映"), code=ErrorCode.CASE_CLOSED)
        wo.voice_count += 1
        wo.save(update_fields=["voice_count", "updated_at"])
        subscribed = False
        if phone:
            from wangge.notifications.services import sms_subscribe
            from wangge.workorders.notifications import case_topic

            subscribed = sms_subscribe(topic=case_topic(wo), phone=phone)
        record_event(wo, "voice", actor, at, wo.status, wo.status, data={"voices": wo.voice_count, "sms": subscribed})
    return wo
