"""gunicorn settings for `make run` and `make serve`: sync workers, which beat gthread on this
CPU-bound work. `make serve` binds a Unix socket behind nginx (GUNICORN_BIND)."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = 30
graceful_timeout = 10
keepalive = 2
# A worker is replaced after this many requests, a guard against slow leaks (the bench's
# workers peak at ~88 MB, their caches included). At 5,000 (+ up to 500) the bench's cached
# page, ~3,000 req/s on five workers, replaced every worker within the same second of each
# 10 s load, and its p99 rose to 45-215 ms (p50 4.4 ms) while the new workers filled their
# caches. The jitter spreads the replacements apart.
max_requests = 100_000
max_requests_jitter = 20_000
# The app is imported once, in the master, and each worker forks from it. A worker that
# replaces one retired by max_requests is then ready at once, instead of importing Django and
# the app (0.9 s of CPU, measured) while the other workers serve: on two cores under load
# that second is taken from every request in flight. when_ready (below) also compiles the
# templates and builds the URL lookups there, before the first fork. Workers also share the app's
# memory (peak RSS 76 -> 68 MB in the bench). Nothing opens a database or cache connection at
# import, so no worker inherits one. New code needs a restart (a HUP reloads the workers from
# the master's copy).
preload_app = True
accesslog = "-"
errorlog = "-"
# One JSON object per request, with the request id (core/gunicorn_log.py).
logger_class = "core.gunicorn_log.JsonLogger"


def child_exit(server, worker):
    """Drop an exited worker's live metrics (prometheus_client's multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """With the app preloaded, do once in the master what each new worker would otherwise do
    on its first requests (core.warmup: URL patterns, templates, catalogs; no connection)."""
    if not server.cfg.preload_app:
        return
    from core.warmup import warm_up

    try:
        server.log.info("warm-up: %d templates compiled before the workers fork", warm_up())
    except Exception:  # noqa: BLE001 - the workers do it themselves then, as without it
        server.log.exception("warm-up failed; the workers start cold")


def post_worker_init(worker):
    """Freeze what the loaded app holds (modules, URL patterns, models): the garbage collector
    then stops walking it. A 2,000-comment render allocates enough to set off full
    collections, each of which walked the whole app (about 20 ms of an 85 ms render, measured
    in process)."""
    gc.freeze()
