"""The periodic work of the service hall: flag the open applications past their promised limit (超期). Takes no
arguments and is idempotent — run twice, or after a missed run, it flags each application once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from wangge.core.actors import SystemActor
from wangge.hall.services import applications_mark_overdue

SCHEDULER = SystemActor("scheduler")


def run(now: dt.datetime | None = None) -> dict[str, int]:
    return {"overdue": applications_mark_overdue(actor=SCHEDULER, now=now or timezone.now())}


@task()
def mark_overdue_applications() -> dict[str, int]:
    return run()
