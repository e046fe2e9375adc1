"""Writes of the dispatch meetings (每日 18:00 调度会) and their tasks (交办).

- :func:`meeting_create`, :func:`meeting_update`: the meeting record of a district or street, as a draft;
- :func:`issue_create`: an issue discussed, typed in or from a work order;
- :func:`issue_split`: the issue split into tasks, one per unit, each with its requirement and deadline (a date,
  or working days after the meeting day); the units hear of them after the commit;
- :func:`meeting_transition`: 定稿 / 撤回定稿; :func:`task_transition`: every step of a task — the only code
  that changes a status.

Every write is atomic, writes its history row and an audit entry; a refusal writes nothing.
"""

from wangge.meetings.services.meetings import (
    deadline_from,
    issue_create,
    issue_split,
    meeting_create,
    meeting_transition,
    meeting_update,
)
from wangge.meetings.services.tasks import task_transition

__all__ = [
    "deadline_from",
    "issue_create",
    "issue_split",
    "meeting_create",
    "meeting_transition",
    "meeting_update",
    "task_transition",
]
