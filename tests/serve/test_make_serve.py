"""`make serve` itself, on a throwaway PostgreSQL: nginx in front of gunicorn and the task
worker, the production settings. Slow clients wait in nginx while a normal reader is served;
static files come from nginx with far-future caching; an oversized body is refused by nginx;
anonymous article pages are held in nginx's microcache; Ctrl-C stops it all."""

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from soak.services import MakeTarget, PostgresCluster, free_port, http_status, site_env
from soak.slow import Tricklers, latencies

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def serve():
    cluster = PostgresCluster("crosstalk_serve")
    serve = None
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        port = free_port()
        serve = MakeTarget("serve", site_env(database_url=cluster.url, port=port),
                           cluster.base / "make-serve.log")  # fmt: skip
        serve.start()
        home = get(port, "/")
        slug = re.search(r'href="/articles/([^"/]+)/"', home.text).group(1)
        yield {"port": port, "process": serve.process, "make": serve, "slug": slug}
    finally:
        if serve is not None:
            serve.stop()
        cluster.close()


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.set_cookies = [v for n, v in response.getheaders() if n.lower() == "set-cookie"]
        body = response.read()
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        self.body = body
        self.text = body.decode(errors="replace")


def get(port: int, path: str, headers: dict | None = None, method: str = "GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            method, path, body=body, headers={"Accept-Encoding": "gzip", **(headers or {})}
        )
        return Answer(conn.getresponse())
    finally:
        conn.close()


def test_nginx_answers_in_front_of_gunicorn(serve):
    answer = get(serve["port"], "/healthz")
    assert answer.status == 200
    assert answer.text == "ok"
    assert answer.headers["server"] == "nginx"
    assert (ROOT / ".serve" / "nginx.conf").exists()  # rendered into the project, nowhere else


def test_static_files_come_from_nginx_with_far_future_caching(serve):
    page = get(serve["port"], "/")
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page.text).group(1)
    answer = get(serve["port"], css)
    assert answer.status == 200
    assert "immutable" in answer.headers["cache-control"]
    assert "max-age=31536000" in answer.headers["cache-control"]
    assert answer.headers.get("content-encoding") == "gzip"
    assert "--" in answer.text or "{" in answer.text  # the stylesheet itself


def test_an_oversized_body_is_refused_by_nginx(serve):
    big = b"body=" + b"x" * (2 * 1024 * 1024)
    answer = get(
        serve["port"],
        f"/articles/{serve['slug']}/comments/",
        method="POST",
        body=big,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 413
    assert answer.headers["server"] == "nginx"


def test_anonymous_article_pages_are_held_in_the_microcache(serve):
    path = f"/articles/{serve['slug']}/?sort=oldest"
    seen = [get(serve["port"], path) for _ in range(3)]
    assert [a.status for a in seen] == [200, 200, 200]
    # Served from the cache: a hit, or the stale copy while one request renders it afresh.
    assert seen[-1].headers["x-cache-status"] in {"HIT", "UPDATING"}
    assert not any(a.set_cookies for a in seen)
    assert "public" in seen[-1].headers["cache-control"]
    # A reader with a session always reaches Django.
    own = get(serve["port"], path, headers={"Cookie": "sessionid=not-a-session"})
    assert own.headers["x-cache-status"] == "BYPASS"


def test_one_request_id_from_nginx_to_gunicorn_s_json_line_and_metrics(serve):
    cached_page = f"/articles/{serve['slug']}/?sort=top"
    get(serve["port"], cached_page)
    hit = get(serve["port"], cached_page)
    assert hit.headers["x-cache-status"] in {"HIT", "UPDATING"}
    assert hit.headers["x-request-id"] != get(serve["port"], cached_page).headers["x-request-id"]
    answer = get(serve["port"], "/")  # never cached: it reaches gunicorn
    request_id = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id
    deadline = time.monotonic() + 5
    while True:
        lines = [
            json.loads(line)
            for line in serve["make"].tail(20_000).splitlines()
            if line.startswith("{") and request_id in line
        ]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert lines, (request_id, serve["make"].tail(1500))
    assert lines[0]["path"] == "/"
    assert lines[0]["status"] == 200
    metrics = get(serve["port"], "/metrics")
    assert metrics.status == 200
    assert "crosstalk_request_seconds_bucket" in metrics.text
    assert "crosstalk_microcache_recent" in metrics.text
    assert "crosstalk_task_queue_depth" in metrics.text


def test_slow_clients_wait_in_nginx_while_a_reader_is_served(serve):
    paths = ["/healthz", f"/articles/{serve['slug']}/"]
    with Tricklers(serve["port"], count=200, interval=1.0):
        seen = latencies(serve["port"], paths, seconds=12)
    assert seen["timeouts"] == 0
    assert set(seen["statuses"]) == {200}, seen["statuses"]
    assert len(seen["samples"]) > 100
    assert seen["p99_ms"] < 200, seen["p99_ms"]


def test_ctrl_c_stops_nginx_gunicorn_and_the_worker(serve):
    process = serve["process"]
    os.killpg(process.pid, signal.SIGINT)
    process.wait(40)
    time.sleep(0.5)
    left = subprocess.run(  # noqa: S603 - pgrep with fixed arguments
        [shutil.which("pgrep") or "/usr/bin/pgrep", "-g", str(process.pid)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert left.stdout.strip() == "", left.stdout
    with pytest.raises(OSError):
        http_status(serve["port"], "/healthz", timeout=2)
