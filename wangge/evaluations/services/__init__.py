"""Writes of 好差评 and the monthly callbacks.

- :func:`evaluation_create` rates a finished 办件 once (QR code or online link); a 差评 opens its rectification.
- :func:`rectification_transition` takes a step of the rectification (核实 → 整改 → 反馈 → 回访, 撤销).
- :func:`appeal_file` and :func:`appeal_transition`: 申诉 and its 复核 (upheld: the rating is excluded).
- :func:`callback_draw` draws a month's sample; :func:`callback_task_record` records a call's outcome;
  :func:`callback_phone_reveal` shows the applicant's number to the caller (audited).

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.evaluations.services.appeals import appeal_file, appeal_transition
from wangge.evaluations.services.callbacks import (
    ROUNDING,
    callback_draw,
    callback_draw_replay,
    callback_phone_reveal,
    callback_task_record,
    month_bounds,
)
from wangge.evaluations.services.ratings import (
    application_for_token,
    evaluation_create,
    rating_hit,
    rating_link_token,
    receipt_code,
)
from wangge.evaluations.services.rectifications import rectification_open, rectification_transition

__all__ = [
    "ROUNDING",
    "appeal_file",
    "appeal_transition",
    "application_for_token",
    "callback_draw",
    "callback_draw_replay",
    "callback_phone_reveal",
    "callback_task_record",
    "evaluation_create",
    "month_bounds",
    "rating_hit",
    "rating_link_token",
    "receipt_code",
    "rectification_open",
    "rectification_transition",
]
