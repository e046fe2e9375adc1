"""Writes of 预约与叫号.

- Settings (managers): :func:`group_save`, :func:`window_groups_set`, :func:`slot_template_set`,
  :func:`slots_generate` (working days from the working calendar), :func:`tidal_rule_save`,
  :func:`flexible_windows_set`.
- Citizens (no login): :func:`appointment_book`, :func:`appointment_cancel`, :func:`ticket_issue`.
- Windows: :func:`window_call_next`, :func:`window_recall`, :func:`window_skip`, :func:`window_start`,
  :func:`window_finish`, :func:`window_transfer`.
- Tidal windows: :func:`tidal_evaluate` (after ticket events, :func:`tidal_after_event`).

Every write is atomic; a refusal writes nothing.
"""

from wangge.queueing.services.booking import appointment_book, appointment_cancel, normalise_code
from wangge.queueing.services.common import may_manage, may_work
from wangge.queueing.services.config import (
    flexible_windows_set,
    group_save,
    slot_template_set,
    slots_generate,
    tidal_rule_save,
    window_groups_set,
)
from wangge.queueing.services.live import tidal_after_event, tidal_evaluate, tidal_rules_of
from wangge.queueing.services.tickets import (
    ticket_by_token,
    ticket_issue,
    window_call_next,
    window_finish,
    window_finish_receiving,
    window_recall,
    window_skip,
    window_start,
    window_transfer,
)

__all__ = [
    "appointment_book",
    "appointment_cancel",
    "flexible_windows_set",
    "group_save",
    "may_manage",
    "may_work",
    "normalise_code",
    "slot_template_set",
    "slots_generate",
    "ticket_by_token",
    "ticket_issue",
    "tidal_after_event",
    "tidal_evaluate",
    "tidal_rule_save",
    "tidal_rules_of",
    "window_call_next",
    "window_finish",
    "window_finish_receiving",
    "window_groups_set",
    "window_recall",
    "window_skip",
    "window_start",
    "window_transfer",
]
