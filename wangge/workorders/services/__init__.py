"""Writes on work orders, by concern:

- ``intake``: 受理 — the one way a case enters the loop (``work_order_create``, ``appeal_submit``);
- ``transitions``: ``work_order_transition``, the one function that changes a status, with ``handlers``
  (one per step of ``workorders.workflow``) and ``steps`` (starting and ending the step clocks);
- ``routing``: which unit a case goes to; ``attachments``: checked uploads; ``records``: tracking codes and
  history rows; ``scope``: the cases' copy of their territory path.
"""

from wangge.workorders.services.attachments import attachment_add
from wangge.workorders.services.intake import (
    Location,
    appeal_submit,
    check_jurisdiction,
    locate_address,
    resolve_location,
    work_order_create,
)
from wangge.workorders.services.records import new_tracking_code
from wangge.workorders.services.routing import forget_routing, suggest_unit
from wangge.workorders.services.scope import resync_scope_paths
from wangge.workorders.services.transitions import work_order_transition
from wangge.workorders.workflow import InvalidTransition

__all__ = [
    "InvalidTransition",
    "Location",
    "appeal_submit",
    "attachment_add",
    "check_jurisdiction",
    "forget_routing",
    "locate_address",
    "new_tracking_code",
    "resolve_location",
    "resync_scope_paths",
    "suggest_unit",
    "work_order_create",
    "work_order_transition",
]
