"""The run keys of the periodic schedule: one row per job and period, so that a job is enqueued once per period
however many ``run_periodic`` processes (or nodes) run.

A period is ``floor(epoch seconds / every_seconds)`` of the job (``ops.schedule``). A runner that finds the
period of a job open inserts its row and enqueues the task in the same transaction; a second runner's insert
of the same (job, period) fails on the unique constraint and it skips (on PostgreSQL the unique index makes
this race-free: the second insert waits for the first transaction and then fails). Clocks of the nodes must
agree to well within the shortest interval (60 s): NTP does that.

``enqueued_at`` is the scheduler's tick (the last time any runner enqueued a job). Rows older than
``KEEP`` are deleted by the runner.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

KEEP = dt.timedelta(days=2)  # far longer than the longest interval; a period's key matters only in its period


class PeriodicRun(models.Model):
    name = models.CharField(_("任务"), max_length=100)
    period = models.BigIntegerField(_("周期序号"))  # floor(epoch seconds / the job's every_seconds)
    enqueued_at = models.DateTimeField(_("投递时间"), db_index=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("周期任务投递")
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.name}#{self.period}"
