"""Background work of the warnings. Tasks take ids and are idempotent: every delivery row has a unique key, the
sender only sends rows still pending, and each channel it uses is keyed, so a task run again sends nothing
twice.

- ``warning_fan_out(warning_id, revision)``: writes the round's deliveries in bulk, tells the group robots, and
  enqueues ``warning_send_batch`` per range of pending rows;
- ``warning_send_batch(warning_id, revision, first_id, last_id)``: sends one range (inbox and SMS);
- ``warning_lift_notice(warning_id)``: tells the round's staff and the robots that the warning is lifted;
  (these three are enqueued by the services after commit and defined in ``services.jobs``)
- ``escalate_unacknowledged_warnings()``: periodic (every minute), reports the staff who did not acknowledge
  within ``WANGGE_EMERGENCY_ACK_MINUTES`` to the person above.
"""

from __future__ import annotations

from django_tasks import task

from wangge.emergency.services import warnings_escalate
from wangge.emergency.services.jobs import warning_fan_out, warning_lift_notice, warning_send_batch

__all__ = ["escalate_unacknowledged_warnings", "warning_fan_out", "warning_lift_notice", "warning_send_batch"]


@task()
def escalate_unacknowledged_warnings() -> int:
    """Periodic: report unacknowledged warnings to the person above (once per delivery)."""
    return warnings_escalate()
