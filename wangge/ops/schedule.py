"""The periodic jobs: which task is enqueued how often (``manage.py run_periodic``; the task queue does the work).

The jobs belong to several apps (deadline sweeps, bulletins, deliveries, assessment drafts, inspection rounds,
warning escalations, 交办 reminders), so the table lives above them. Every task is idempotent: enqueued twice, or
run again after a worker died in it, it does the work once; ``reclaim_stale_tasks`` is what runs such a task again
(``ops.reclaim``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django_tasks.base import Task

from wangge.emergency.tasks import escalate_unacknowledged_warnings
from wangge.hall.tasks import mark_overdue_applications
from wangge.inspections.tasks import generate_inspection_rounds
from wangge.intel.tasks import retrain_classifier
from wangge.meetings.tasks import remind_meeting_tasks
from wangge.notifications.tasks import retry_failed_deliveries
from wangge.ops.tasks import reclaim_stale_tasks
from wangge.reports.tasks import generate_due_bulletins, generate_due_weekly_bulletins, prepare_monthly_assessments
from wangge.workorders.tasks import sweep_deadlines


class PeriodicJob(NamedTuple):
    name: str
    task: Task[Any, Any]
    every_seconds: int  # between enqueues


PERIODIC: tuple[PeriodicJob, ...] = (
    PeriodicJob("sweep_deadlines", sweep_deadlines, 60),  # 时限预警、超期与自动催办升级（workorders.escalation）
    PeriodicJob(
        "generate_due_bulletins", generate_due_bulletins, 60
    ),  # the 日通报 once a day after WANGGE_BULLETIN_TIME
    PeriodicJob("generate_due_weekly_bulletins", generate_due_weekly_bulletins, 300),  # last week's 周通报, Mondays
    PeriodicJob("retry_failed_deliveries", retry_failed_deliveries, 600),
    PeriodicJob("prepare_monthly_assessments", prepare_monthly_assessments, 3600),  # last month's 一考评 drafts
    PeriodicJob("reclaim_stale_tasks", reclaim_stale_tasks, 60),  # tasks a dead worker left RUNNING
    PeriodicJob("retrain_classifier", retrain_classifier, 3600),  # last month's classifier retrain, once
    PeriodicJob("generate_inspection_rounds", generate_inspection_rounds, 300),  # 巡查体检: due rounds, missed ones
    PeriodicJob("escalate_unacknowledged_warnings", escalate_unacknowledged_warnings, 60),  # 预警: unacknowledged
    PeriodicJob("remind_meeting_tasks", remind_meeting_tasks, 3600),  # 交办: the day before the deadline, overdue
    PeriodicJob("mark_overdue_applications", mark_overdue_applications, 600),  # 政务服务: 办件超期
)
