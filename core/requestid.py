"""One id per request, from nginx to gunicorn's access line, the site's log lines and the tasks
the request enqueued.

nginx sets X-Request-ID ($request_id) under `make serve`; without nginx the site makes one. The
middleware keeps it for the request (and answers with it), the logging filter adds it to
every log record made meanwhile, gunicorn's access line repeats it (core/gunicorn_log.py), and
a task enqueued by the request carries it (`request_id=current()`), so the worker's lines for
that task repeat it too (`bound`).
"""

import contextvars
import json
import logging
import re
import uuid
from contextlib import contextmanager

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current() -> str:
    """Return the id of the request (or task) being served, or ""."""
    return _current.get()


@contextmanager
def bound(request_id: str):
    """Make request_id the current id for the block (a task's run, say)."""
    token = _current.set(request_id or "")
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _VALID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        with bound(request_id):
            response = self.get_response(request)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id (and the traceback
    of an exception)."""

    def format(self, record):
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
