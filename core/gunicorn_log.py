"""gunicorn's access log as one JSON object per request (gunicorn.conf.py: logger_class).

It repeats the request id the site answered with (core/requestid.py: nginx's, or the site's
own), so one id ties nginx's line, gunicorn's, the site's and the task worker's together.
Imported by gunicorn's master before Django is set up: standard library and gunicorn only.
"""

import json
import time

from gunicorn.glogging import Logger


class JsonLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in (resp.headers or ())}
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "request_id": headers.get("x-request-id", ""),
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING", ""),
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.seconds * 1000 + request_time.microseconds / 1000, 2),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # noqa: BLE001 - a log line must never fail the request
            self.exception("Failed to write the access log line")
