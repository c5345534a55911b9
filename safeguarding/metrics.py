"""Prometheus metrics of the service's own work (the HTTP ones come from django-prometheus).

Defined here, recorded where the work happens: Celery task durations and failures by
the task signals below, board pack render seconds and pages by packs.generation, rows
written by imports by plans.transfer and performance.imports. Celery's queue depth is
read from the broker when /metrics is scraped (QueueDepthCollector).

Several processes on one host (gunicorn workers, Celery's pool children) each count for
themselves: set PROMETHEUS_MULTIPROC_DIR to one empty directory for all of them and
/metrics adds them up (prometheus_client's multiprocess mode). Scrape every host.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from celery import signals
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

TASK_SECONDS = Histogram(
    "safeguarding_celery_task_seconds",
    "Seconds a Celery task ran, by task name (successes and failures).",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
TASK_FAILURES = Counter(
    "safeguarding_celery_task_failures_total", "Celery tasks that raised, by task name.", ["task"]
)
PACK_RENDER_SECONDS = Histogram(
    "safeguarding_pack_render_seconds",
    "Seconds to lay out, write and finish a board pack's PDF.",
    buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300),
)
PACK_PAGES = Histogram(
    "safeguarding_pack_pages", "Pages of each board pack made.", buckets=(5, 10, 20, 50, 100, 200, 400, 800)
)
IMPORT_ROWS = Counter(
    "safeguarding_import_rows_total",
    "Rows written by imports: kind=plan (actions of a plan import), kind=indicator_values (CSV).",
    ["kind"],
)

_started: dict[str, float] = {}


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(task_id: str | None = None, task=None, **_) -> None:
    started = _started.pop(task_id or "", None)
    if started is not None and task is not None:
        TASK_SECONDS.labels(task=task.name).observe(time.perf_counter() - started)


@signals.task_failure.connect
def _task_failed(sender=None, **_) -> None:
    TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


class QueueDepthCollector(Collector):
    """Messages waiting in each Celery queue on the Redis broker, read at scrape time
    (LLEN of the queue's list). When Redis does not answer, the broker_up gauge says 0."""

    def __init__(self, broker_url: str, queues: list[str]) -> None:
        self.broker_url = broker_url
        self.queues = queues

    def collect(self) -> Iterator[GaugeMetricFamily]:
        import redis

        depth = GaugeMetricFamily(
            "safeguarding_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        up = GaugeMetricFamily("safeguarding_celery_broker_up", "1 when the Celery broker (Redis) answered.")
        try:
            client = redis.Redis.from_url(self.broker_url, socket_connect_timeout=1, socket_timeout=1)
            for queue in self.queues:
                depth.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield depth
        yield up
