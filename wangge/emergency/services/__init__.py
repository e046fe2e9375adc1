"""Writes of the warnings (预警).

- :func:`warning_issue` (发布) over one or more territory nodes; after commit the fan-out task writes one
  delivery per recipient (``fanout.delivery_rows``) and sends them in batches.
- :func:`warning_transition` takes one declared step of ``emergency.workflow`` (升级, 降级, 解除) — the only code
  that changes a warning's status or level. A level change is a new round: everyone is told and acknowledges
  again.
- :func:`warning_acknowledge` (收到) by a staff recipient; :func:`warnings_escalate`, the sweep that reports the
  staff who did not acknowledge in time to the person above.

Every write is atomic, writes its history row and an audit entry; a refusal writes nothing.
"""

from wangge.emergency.services.ack import warning_acknowledge, warnings_escalate
from wangge.emergency.services.common import actions_for
from wangge.emergency.services.steps import warning_issue, warning_transition

__all__ = ["actions_for", "warning_acknowledge", "warning_issue", "warning_transition", "warnings_escalate"]
