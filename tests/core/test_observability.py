"""Seeing it run: a request id on every response and log line (and on the tasks a request
enqueues), JSON log lines, and Prometheus metrics at /metrics for loopback clients only."""

import json
import logging
import re

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from core import requestid
from core.metrics import microcache_tally
from outbox.services import mail_queue
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    answer = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != answer["X-Request-ID"]


def test_nginx_s_request_id_is_kept_and_a_bad_one_replaced(client):
    given = "0123456789abcdef0123456789abcdef"
    assert client.get("/healthz", headers={"X-Request-ID": given})["X-Request-ID"] == given
    bad = client.get("/healthz", headers={"X-Request-ID": "<script>\n"})["X-Request-ID"]
    assert bad != "<script>\n" and re.fullmatch(r"[0-9a-f]{32}", bad)


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("outbox", logging.INFO, __file__, 1, "mail %s sent", (7,), None)
    with requestid.bound("feedfacefeedface"):
        line = json.loads(requestid.JsonFormatter().format(record))
    assert line["message"] == "mail 7 sent"
    assert line["request_id"] == "feedfacefeedface"
    assert line["level"] == "INFO" and line["logger"] == "outbox"


def test_a_task_enqueued_by_a_request_carries_its_id(django_capture_on_commit_callbacks):
    with requestid.bound("cafebabecafebabe"):
        with django_capture_on_commit_callbacks(execute=True):
            mail_queue(to="mina@example.org", subject="Hello", text="Hi")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"request_id": "cafebabecafebabe"}


def test_metrics_are_served_to_loopback_only():
    article = make_article()
    make_comment(article, body="Counted")
    local = Client(REMOTE_ADDR="127.0.0.1")
    local.get(article.get_absolute_url())
    local.get(article.get_absolute_url())  # a page-cache hit

    answer = local.get("/metrics")

    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'crosstalk_page_cache_total{result="hit"}' in text
    timed = 'crosstalk_request_seconds_count{method="GET",status="2xx",view="articles:detail"}'
    assert timed in text
    assert "crosstalk_task_queue_depth 0.0" in text
    assert "crosstalk_task_queue_oldest_seconds" in text
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 404


def test_the_microcache_tally_reads_nginx_s_json_lines(tmp_path):
    log = tmp_path / "nginx-access.log"
    lines = [{"cache": "HIT"}, {"cache": "HIT"}, {"cache": "MISS"}, {"cache": ""}]
    log.write_text("first line, maybe cut\n" + "\n".join(json.dumps(x) for x in lines) + "\n")
    assert microcache_tally(log) == {"HIT": 2, "MISS": 1, "NONE": 1}
    assert microcache_tally(tmp_path / "missing.log") == {}
