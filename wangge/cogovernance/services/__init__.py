"""Writes of 共商共治.

- :func:`meeting_record` records a meeting of 有事共商 with its resolutions and follow-up tasks; :func:`task_add`
  adds one; :func:`task_transition` takes a step of ``cogovernance.workflow`` (the only code that changes a
  task's status);
- :func:`property_register`, :func:`staff_add`, :func:`staff_remove`,
  :func:`review_record`: 红色物业 of a 小区, its 亮牌 staff and
  述职评议; :func:`rating_submit`: a resident's 亮牌 rating from the public page (rate-limited);
- :func:`assignment_save` / :func:`assignment_end`: 分包 of leaders and units.

Every write is atomic and audited (a rating is anonymous and not audited); a refusal writes nothing.
"""

from wangge.cogovernance.services.assignments import assignment_end, assignment_save, clean_line
from wangge.cogovernance.services.common import ASSIGNERS, CONVENERS, may_assign, may_convene
from wangge.cogovernance.services.meetings import meeting_record, task_add, task_transition
from wangge.cogovernance.services.properties import (
    RATING_RATE,
    RatingLimited,
    property_register,
    rating_submit,
    review_record,
    staff_add,
    staff_remove,
)

__all__ = [
    "ASSIGNERS",
    "CONVENERS",
    "RATING_RATE",
    "RatingLimited",
    "assignment_end",
    "assignment_save",
    "clean_line",
    "may_assign",
    "may_convene",
    "meeting_record",
    "property_register",
    "rating_submit",
    "review_record",
    "staff_add",
    "staff_remove",
    "task_add",
    "task_transition",
]
