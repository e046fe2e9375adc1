"""Writes of the grid workforce (网格队伍).

- :func:`assignment_create`, :func:`assignment_end`: who holds a role of 五长一员 on a grid or building;
  :func:`default_roles_seed` the default roles.
- :func:`profile_save`: a grid worker's 专职/兼职, recruitment route and start date.
- :func:`sunk_staff_assign`, :func:`sunk_staff_end`: 下沉 staff of departments and companies on a grid for a period.
- :func:`task_assign`, :func:`task_transition`: special tasks (专项任务) through ``workforce.workflow``.
- :func:`ladder_settle`: the ladder level after a street settled a month's 阶梯晋级 (called by ``reports``).
- :func:`record_create`: rewards, penalties and awards.

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.workforce.services.common import may_keep
from wangge.workforce.services.ladder import MonthOutcome, Settlement, ladder_settle, next_level
from wangge.workforce.services.records import record_create
from wangge.workforce.services.staffing import (
    assignment_create,
    assignment_end,
    default_roles_seed,
    profile_save,
    sunk_staff_assign,
    sunk_staff_end,
)
from wangge.workforce.services.tasks import may_assign, task_assign, task_transition

__all__ = [
    "MonthOutcome",
    "Settlement",
    "assignment_create",
    "assignment_end",
    "default_roles_seed",
    "ladder_settle",
    "may_assign",
    "may_keep",
    "next_level",
    "profile_save",
    "record_create",
    "sunk_staff_assign",
    "sunk_staff_end",
    "task_assign",
    "task_transition",
]
