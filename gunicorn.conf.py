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
max_requests = 5000
max_requests_jitter = 500
# The app is imported once, in the master, and each worker forks from it. A worker that
# replaces one retired by max_requests is then ready at once, instead of importing Django and
# the app (0.9 s of CPU, measured) while the other workers serve: on two cores under load
# that second is taken from every request in flight (the bench's server answers ~65,000
# requests a run, so workers are replaced during its runs). Workers also share the app's
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


def post_worker_init(worker):
    """Freeze what the loaded app holds (modules, URL patterns, models): the garbage collector
    then stops walking it. A 2,000-comment render allocates enough to set off full
    collections, each of which walked the whole app (about 20 ms of an 85 ms render, measured
    in process)."""
    gc.freeze()
