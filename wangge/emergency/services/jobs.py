"""The background jobs the warning services enqueue after commit (the services sit below ``emergency.tasks`` in
the import layers, so the jobs they enqueue live beside them; ``emergency.tasks`` lists them with the periodic
sweep). Jobs take ids and are idempotent: see ``services.fanout``."""

from __future__ import annotations

from django_tasks import task

from wangge.emergency import conf
from wangge.emergency.choices import WarningStatus
from wangge.emergency.models import Warning
from wangge.emergency.services.fanout import (
    deliveries_send,
    deliveries_write,
    lift_notify,
    pending_ranges,
    robots_notify,
)


@task()
def warning_fan_out(warning_id: int, revision: int) -> int:
    """Write the deliveries of one round, tell the robots and enqueue the sending; the number of rows of the round."""
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
    """Send the pending deliveries of one round with ids in ``first_id``..``last_id``."""
    return deliveries_send(warning_id=warning_id, revision=revision, first_id=first_id, last_id=last_id)


@task()
def warning_lift_notice(warning_id: int) -> int:
    """Tell the last round's staff and the robots that the warning is lifted (once)."""
    warning = Warning.objects.filter(pk=warning_id, status=WarningStatus.LIFTED).first()
    return 0 if warning is None else lift_notify(warning)
