"""Prometheus metrics at /metrics (prometheus_client), answered to loopback clients only.

- crosstalk_request_seconds: request latency by view (URL name), method and status class;
- crosstalk_page_cache_total: the anonymous page cache's answers (hit, miss, revalidated);
- crosstalk_microcache_recent: nginx's microcache answers among its latest access-log lines
  (`make serve` only; HIT, MISS, BYPASS, ...);
- crosstalk_task_queue_depth and crosstalk_task_queue_oldest_seconds: tasks waiting for the
  worker (django-tasks-db), and how long the oldest has waited;
- crosstalk_replica_lag_seconds: each replica's replay lag (core/replicas.py).

gunicorn runs several worker processes: with PROMETHEUS_MULTIPROC_DIR set (scripts/run.sh sets
it) every worker writes its counters there and a scrape adds them up (prometheus_client's
multiprocess mode; gunicorn.conf.py's child_exit drops a dead worker's gauges). The queue,
lag and microcache figures are read at scrape time, so they need no process to keep them.
"""

import ipaddress
import os
import time
from collections import Counter as Tally
from pathlib import Path

from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "crosstalk_request_seconds",
    "Time from the first middleware to the response, by view, method and status class.",
    ["view", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
PAGE_CACHE = Counter(
    "crosstalk_page_cache", "Answers of the anonymous article page cache.", ["result"]
)
# How much of nginx's access log a scrape reads, from its end.
MICROCACHE_TAIL_BYTES = 2_000_000


class MetricsMiddleware:
    """Time every request (first in MIDDLEWARE, so cached pages are timed too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        cached = getattr(response, "page_cache", None)
        if cached:
            PAGE_CACHE.labels(cached).inc()
            view = "articles:detail"
        else:
            view = match.view_name if match is not None else "unresolved"
        REQUEST_SECONDS.labels(view, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


class ScrapeTimeCollector:
    """Figures read when Prometheus asks: the task queue, replica lag, nginx's microcache."""

    def collect(self):
        yield from self._queue()
        yield from self._replicas()
        yield from self._microcache()

    def _queue(self):
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status="READY", run_after__lte=timezone.now())
        row = waiting.aggregate(depth=Count("id"), oldest=Min("enqueued_at"))
        depth = GaugeMetricFamily(
            "crosstalk_task_queue_depth", "Tasks due and waiting for the worker."
        )
        depth.add_metric([], row["depth"])
        yield depth
        age = GaugeMetricFamily(
            "crosstalk_task_queue_oldest_seconds", "How long the oldest due task has waited."
        )
        age.add_metric([], (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0)
        yield age

    def _replicas(self):
        from core.replicas import replica_aliases, replica_lag

        lag = GaugeMetricFamily(
            "crosstalk_replica_lag_seconds",
            "Replay lag of each streaming replica (-1: it does not answer).",
            labels=["replica"],
        )
        for alias in replica_aliases():
            seconds = replica_lag(alias)
            lag.add_metric([alias], -1 if seconds is None else seconds)
        yield lag

    def _microcache(self):
        path = os.environ.get("CROSSTALK_NGINX_ACCESS_LOG")
        if not path:
            return
        tally = microcache_tally(Path(path))
        family = GaugeMetricFamily(
            "crosstalk_microcache_recent",
            "nginx microcache answers among the latest access-log lines, by status.",
            labels=["status"],
        )
        for status, count in sorted(tally.items()):
            family.add_metric([status], count)
        yield family


def microcache_tally(path: Path) -> Tally:
    """Count the cache status of nginx's latest JSON access-log lines ("cache":"HIT"...)."""
    import json

    tally: Tally = Tally()
    try:
        with path.open("rb") as log:
            log.seek(max(0, path.stat().st_size - MICROCACHE_TAIL_BYTES))
            lines = log.read().splitlines()[1:]
    except OSError:
        return tally
    for line in lines:
        try:
            status = json.loads(line).get("cache") or "NONE"
        except ValueError:
            continue
        tally[status] += 1
    return tally


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def metrics_view(request):
    """The metrics, to loopback clients only (nginx also serves /metrics to loopback only);
    anyone else gets the site's 404."""
    if not _is_loopback(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scrape = CollectorRegistry()
    scrape.register(ScrapeTimeCollector())
    body = generate_latest(registry) + generate_latest(scrape)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
