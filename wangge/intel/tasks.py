"""Scheduled work of the intelligence aids. Tasks take plain values and are idempotent."""

from __future__ import annotations

from django_tasks import task

from wangge.core.actors import SystemActor

SCHEDULER = SystemActor("scheduler")  # who the audit log names for the scheduled retrain


@task()
def retrain_classifier() -> dict[str, str]:
    """Enqueued every hour: the retrain of the last complete month, once (``retrain.retrain``); nothing while
    that month's retrain exists."""
    from wangge.intel.retrain import retrain

    row = retrain(actor=SCHEDULER)
    return {"month": row.month.isoformat(), "decision": row.decision}
