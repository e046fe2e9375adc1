"""Background work of the warnings. Tasks take ids and are idempotent: every delivery row has a unique key, the
sender only sends rows still pending, and each channel it uses is keyed, so a task run again sends nothing
twice.

- ``warning_fan_out(warning_id, revision)``: writes the round's deliveries in bulk, tells the group robots, and
  enqueues ``warning_send_batch`` per range of pending rows;
- ``warning_send_batch(warning_id, revision, first_id, last_id)``: sends one range (inbox and SMS);
- ``warning_lift_notice(warning_id)``: tells the round's staff and the robots that the warning is lifted;
- ``escalate_unacknowledged_warnings()``: periodic (every minute is right), reports the staff who did not
  acknowledge within ``WANGGE_EMERGENCY_ACK_MINUTES`` to the person above.
"""

from __future__ import annotations

from django_tasks import task

from wangge.emergency import conf
from wangge.emergency.choices import WarningStatus
from wangge.emergency.models import Warning
from wangge.emergency.services import warnings_escalate
from wangge.emergency.services.fanout import (
    deliveries_send,
    deliveries_write,
    lift_notify,
    pending_ranges,
    robots_notify,
)


@task()
def warning_fan_out(warning_id: int, revision: int) -> int:
    """Write the deliveries of one round and enqueue their sending; the number of rows of the round."""
    warning = Warning.objects.filter(pk=warning_id).first()
    if warning is None or warning.revision != revision or warning.status != WarningStatus.ACTIVE:
        return 0
    total = deliveries_write(warning)
    robots_notify(warning)
    for first, last in pending_ranges(warning, conf.batch_size()):
        warning_send_batch.enqueue(warning_id, revision, first, last)
    return total


@task()
def warning_send_batch(warning_id: int, revision: int, first_id: int, last_id: int) -> int:
    return deliveries_send(warning_id=warning_id, revision=revision, first_id=first_id, last_id=last_id)


@task()
def warning_lift_notice(warning_id: int) -> int:
    warning = Warning.objects.filter(pk=warning_id, status=WarningStatus.LIFTED).first()
    return 0 if warning is None else lift_notify(warning)


@task()
def escalate_unacknowledged_warnings() -> int:
    """Periodic: report unacknowledged warnings to the person above (once per delivery)."""
    return warnings_escalate()
