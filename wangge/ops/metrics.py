"""What the operators watch: the task queue, the scheduler's last tick, the last 日通报, and the Prometheus metrics.

The probes here are shared by ``/readyz`` (``ops.views``) and ``/metrics``: each is one cheap aggregate query
(or a few Redis calls under the RQ backend) and returns counts and times only, nothing about a case or a person.

Metrics (``/metrics``, text format of prometheus-client):

* ``wangge_http_request_duration_seconds{route, method, status}`` — a histogram observed by
  ``ops.middleware.RequestContextMiddleware``; ``route`` is the URL pattern's name (``web:case_detail``), never the
  raw path, so the label set stays small.
* ``wangge_task_queue_depth`` and ``wangge_task_queue_oldest_age_seconds`` — tasks waiting to run, read at scrape.
* ``wangge_cases_received_total{channel}`` — every case ever received, per intake channel, counted at scrape from
  the cases themselves (one grouped query), so the intake service needs no hook and every worker process agrees.
* ``wangge_cases_overdue`` — 超期 cases over all cases (``workorders.headlines.overdue_cases``), cached 30 s.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, emptied at each start)
so the request histogram sums over all workers (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "wangge_http_request_duration_seconds",
    "Time from the request reaching the application to its response, by URL pattern name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
OVERDUE_CACHE_SECONDS = 30


def uses_rq() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_rq")


@dataclass(frozen=True)
class QueueState:
    depth: int
    oldest_enqueued_at: dt.datetime | None

    def oldest_age_seconds(self, now: dt.datetime) -> float:
        return max(0.0, (now - self.oldest_enqueued_at).total_seconds()) if self.oldest_enqueued_at else 0.0


def queue_state() -> QueueState:
    """The tasks waiting for a worker: READY rows of the database backend, or the RQ queues' lengths."""
    if uses_rq():
        return _rq_queue_state()
    from django_tasks_db.models import DBTaskResult

    agg = DBTaskResult.objects.ready().aggregate(depth=Count("pk"), oldest=Min("enqueued_at"))
    return QueueState(depth=int(agg["depth"] or 0), oldest_enqueued_at=agg["oldest"])


def _rq_queues() -> list[object]:
    import django_rq

    names = settings.TASKS["default"].get("QUEUES") or list(settings.RQ_QUEUES)
    return [django_rq.get_queue(name) for name in names]


def _rq_queue_state() -> QueueState:
    depth = 0
    oldest: dt.datetime | None = None
    for queue in _rq_queues():
        depth += int(queue.count)  # type: ignore[attr-defined]
        for job_id in queue.get_job_ids(0, 0):  # type: ignore[attr-defined]  # the head of the queue
            job = queue.fetch_job(job_id)  # type: ignore[attr-defined]
            at = _aware(job.enqueued_at) if job is not None else None
            if at is not None and (oldest is None or at < oldest):
                oldest = at
    return QueueState(depth=depth, oldest_enqueued_at=oldest)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def periodic_task_paths() -> list[str]:
    from wangge.ops.schedule import PERIODIC

    return [job.task.module_path for job in PERIODIC]


def last_scheduler_tick() -> dt.datetime | None:
    """When ``run_periodic`` last enqueued one of its jobs (None: never, as far as the queue remembers)."""
    paths = periodic_task_paths()
    if uses_rq():
        return _rq_last_tick(paths)
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__in=paths).aggregate(at=Max("enqueued_at"))["at"]


def _rq_last_tick(paths: list[str]) -> dt.datetime | None:
    from rq.job import Job
    from rq.registry import FinishedJobRegistry, StartedJobRegistry

    latest: dt.datetime | None = None
    for queue in _rq_queues():
        connection = queue.connection  # type: ignore[attr-defined]
        ids = list(queue.get_job_ids())  # type: ignore[attr-defined]
        for registry in (StartedJobRegistry, FinishedJobRegistry):
            ids += registry(queue=queue).get_job_ids()  # type: ignore[arg-type]
        for job in Job.fetch_many(ids[-500:], connection=connection):
            if job is None or job.func_name not in paths:
                continue
            at = _aware(job.enqueued_at)
            if at is not None and (latest is None or at > latest):
                latest = at
    return latest


def last_bulletin_at() -> dt.datetime | None:
    """When the latest 日通报 was generated (None: none yet)."""
    from wangge.reports.models import Bulletin

    return Bulletin.objects.aggregate(at=Max("generated_at"))["at"]


def cases_per_channel() -> dict[str, int]:
    from wangge.workorders.models import WorkOrder

    rows = WorkOrder.objects.order_by().values_list("channel").annotate(n=Count("pk"))
    return {str(channel): int(n) for channel, n in rows}


_overdue_lock = threading.Lock()
_overdue_cache: dict[str, float] = {}


def overdue_count() -> int:
    """超期 cases over all cases; computed at most every ``OVERDUE_CACHE_SECONDS`` per process."""
    now = time.monotonic()
    with _overdue_lock:
        if "value" in _overdue_cache and now - _overdue_cache["at"] < OVERDUE_CACHE_SECONDS:
            return int(_overdue_cache["value"])
    from wangge.workorders.headlines import overdue_cases
    from wangge.workorders.models import WorkOrder

    value = overdue_cases(WorkOrder.objects.all(), timezone.now()).count()
    with _overdue_lock:
        _overdue_cache.update(value=value, at=now)
    return value


def reset_caches() -> None:
    with _overdue_lock:
        _overdue_cache.clear()


class DomainCollector(Collector):
    """The figures read from the database (or Redis) at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        state = queue_state()
        depth = GaugeMetricFamily("wangge_task_queue_depth", "Tasks waiting for a worker.")
        depth.add_metric([], state.depth)
        yield depth
        age = GaugeMetricFamily(
            "wangge_task_queue_oldest_age_seconds", "Seconds the oldest waiting task has waited (0: none waits)."
        )
        age.add_metric([], state.oldest_age_seconds(now))
        yield age
        received = CounterMetricFamily(
            "wangge_cases_received", "Cases received since the platform started, by intake channel.", labels=["channel"]
        )
        for channel, n in sorted(cases_per_channel().items()):
            received.add_metric([channel], n)
        yield received
        overdue = GaugeMetricFamily("wangge_cases_overdue", "Cases past their handling deadline (超期) now.")
        overdue.add_metric([], overdue_count())
        yield overdue


def scrape() -> bytes:
    """The text exposition: this process's (or, in multiprocess mode, all workers') metrics and the domain's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_registry = CollectorRegistry()
        MultiProcessCollector(process_registry)
        process_text = generate_latest(process_registry)
    else:
        process_text = generate_latest(REGISTRY)
    domain_registry = CollectorRegistry()
    domain_registry.register(DomainCollector())
    return process_text + generate_latest(domain_registry)
