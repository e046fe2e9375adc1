"""The operations' own periodic task: putting back the tasks that a dead worker left RUNNING."""

from __future__ import annotations

from django_tasks import task

from wangge.ops.reclaim import reclaim_stale_tasks as reclaim


@task()
def reclaim_stale_tasks() -> dict[str, int]:
    """Periodic: abandoned RUNNING tasks back to READY (FAILED after their last attempt); see ``ops.reclaim``."""
    return reclaim()
