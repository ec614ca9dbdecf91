"""Figures through gunicorn on loopback: throughput and latency (wrk), worker memory (/proc),
and each page's req/s as a share of the framework floor (bench/floor/app.py) of the same run.

Every load is bounded: WRK_SECONDS long, WRK_CONNECTIONS connections, 127.0.0.1 only, and the
server is always stopped afterwards.
"""

import gzip
import http.client
import http.cookies
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from bench.floor import BODY_FILE_ENV, CONTENT_TYPE_ENV, FLOOR_APP
from bench.report import emit, percentile, progress

ROOT = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).parent / "gunicorn"  # .venv/bin/gunicorn under make
WRK_THREADS = 2
WRK_CONNECTIONS = 16
WRK_SECONDS = 10
WRK_TIMEOUT = 5
# Every browser asks for gzip; the load asks the same, so the pages travel as browsers get them.
ACCEPT_ENCODING = "gzip"
START_TIMEOUT = 60
CACHED_RPS = 1_000
CACHED_P99_MS = 30
UNCACHED_RPS = 200
# Shares of the framework floor's req/s (same page bytes, same gunicorn command and wrk load).
CACHED_OF_FLOOR = 0.5
UNCACHED_OF_FLOOR = 0.04
SIGNED_IN_OF_FLOOR = 0.05


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str
    worker_cpu_ms: float = 0.0  # gunicorn workers' CPU time per request (load-independent)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    peak_rss_kb: dict = field(default_factory=dict)  # worker pid -> VmHWM

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes  # as sent: gzipped when the server compressed it


def _get(port: int, path: str, headers: dict | None = None) -> Answer:
    """GET the path as the load does (gzip asked for, plus these headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, **(headers or {})})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def _get_status(port: int, path: str, headers: dict | None = None) -> int:
    return _get(port, path, headers).status


@contextmanager
def gunicorn(*, cache: bool = True, app: str = "config.wsgi", env: dict | None = None):
    """Run gunicorn (the project's gunicorn.conf.py, bench settings) until the block ends.

    `app` is the WSGI module (the framework floor's, say), `env` more environment for it.
    """
    port = free_port()
    environ = dict(os.environ)
    environ.update(
        PORT=str(port),
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        CROSSTALK_DB_NAME=settings.DATABASES["default"]["NAME"],
        DEBUG="0",
        CROSSTALK_BENCH_CACHE="on" if cache else "off",
        **(env or {}),
    )
    log = Path(tempfile.gettempdir()) / f"crosstalk-bench-gunicorn-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            [str(GUNICORN), "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process=process, port=port, log=log)
    try:
        _wait_ready(server)
        yield server
        server.peak_rss_kb = worker_peak_rss(process.pid)
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited before answering:\n{server.log.read_text()[-2000:]}"
            )
        try:
            if _get_status(server.port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT}s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop of master and workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return pids


def workers_cpu_seconds(master: int) -> float:
    """Return the CPU time (user + system) the workers have used so far: the live workers'
    own, and the master's count of its reaped children, so a worker retired by max_requests
    during a load still counts (without it, a retirement made the figure fall, even below 0)."""
    ticks = 0
    for pid in worker_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    try:
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime (fields 16 and 17)
    except OSError:
        pass
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_peak_rss(master: int) -> dict[int, int]:
    """Return each worker's peak resident set size (VmHWM, kB)."""
    peaks = {}
    for pid in worker_pids(master):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if match:
            peaks[pid] = int(match.group(1))
    return peaks


def warm(server: Server, path: str, requests: int = 40, headers: dict | None = None) -> None:
    """Send a few requests so every worker has its connection, templates and cache warm."""
    for _ in range(requests):
        status = _get_status(server.port, path, headers)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, headers: dict | None = None) -> Load:
    """Load the URL (gzip asked for, plus these request headers) and return what wrk saw."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return run_python_client(url, headers)
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    command = [wrk, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s",
               "--timeout", f"{WRK_TIMEOUT}s", "--latency",
               "-H", f"Accept-Encoding: {ACCEPT_ENCODING}", *extra, url]  # fmt: skip
    out = subprocess.run(  # noqa: S603 - wrk with fixed arguments against loopback
        command, capture_output=True, text=True, timeout=WRK_SECONDS + 30, check=True
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        errors=errors + (int(bad.group(1)) if bad else 0),
        tool="wrk",
    )


def run_python_client(url: str, headers: dict | None = None) -> Load:
    """A small bounded load generator for machines without wrk: threads + http.client."""
    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)(/.*)", url)
    port, path = int(match.group(1)), match.group(2)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + WRK_SECONDS

    def worker():
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = 200 <= _get_status(port, path, headers) < 400  # as wrk counts
            except OSError:
                ok = False
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(WRK_CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return Load(
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 0.5) if latencies else 0.0,
        p99_ms=percentile(latencies, 0.99) if latencies else 0.0,
        requests=len(latencies),
        errors=errors[0],
        tool="python http.client",
    )


def measured_load(server: Server, path: str, headers: dict | None = None) -> Load:
    """Run the load and add the workers' CPU time per request to it."""
    before = workers_cpu_seconds(server.process.pid)
    load = run_wrk(server.base + path, headers)
    used = workers_cpu_seconds(server.process.pid) - before
    load.worker_cpu_ms = used * 1000 / load.requests if load.requests else 0.0
    return load


def http_figures(discussions, reader) -> None:
    """Print the gunicorn figures: the cached 2,000 page (anonymous, then signed in), the
    framework floor serving that page's bytes, the uncached 200 page, each page's share of
    the floor, and the workers' peak RSS."""
    peaks: dict[int, int] = {}
    shape = f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s"
    big = discussions[2_000].article.get_absolute_url()
    with gunicorn(cache=True) as server:
        progress("gunicorn, cached: wrk on the 2,000-comment article page")
        warm(server, big)
        cached = measured_load(server, big)
        page = _get(server.port, big)
        live_state_figure(server, discussions[2_000].article, shape)
        progress("gunicorn, signed in (fragment cached, page not): the same page")
        with signed_in_headers(server, big, reader) as headers:
            warm(server, big, headers=headers)
            signed_in = measured_load(server, big, headers)
    peaks.update(server.peak_rss_kb)
    progress("gunicorn, framework floor: bench/floor/app.py serving the cached page's bytes")
    floor = floor_load(page, big)
    progress("gunicorn, uncached (DummyCache): wrk on the 200-comment article page")
    with gunicorn(cache=False) as server:
        path = discussions[200].article.get_absolute_url()
        warm(server, path, requests=10)
        uncached = measured_load(server, path)
    peaks.update(server.peak_rss_kb)

    _load_lines("http_framework_floor", floor, shape, gzip_kb=round(len(page.body) / 1024))
    emit("http_framework_floor_p99", floor.p99_ms, "ms", p50=floor.p50_ms)
    _load_lines("http_article_2000_cached", cached, shape, at_least=CACHED_RPS)
    emit(
        "http_article_2000_cached_p99",
        cached.p99_ms,
        "ms",
        at_most=CACHED_P99_MS,
        p50=cached.p50_ms,
    )
    _floor_ratio("http_cached_2000_vs_floor", cached, floor, at_least=CACHED_OF_FLOOR)
    _load_lines("http_article_2000_signed_in", signed_in, shape)
    emit("http_article_2000_signed_in_p99", signed_in.p99_ms, "ms", p50=signed_in.p50_ms)
    _floor_ratio("http_signed_in_2000_vs_floor", signed_in, floor, at_least=SIGNED_IN_OF_FLOOR)
    _load_lines("http_article_200_uncached", uncached, shape, at_least=UNCACHED_RPS)
    emit("http_article_200_uncached_p99", uncached.p99_ms, "ms", p50=uncached.p50_ms)
    _floor_ratio("http_uncached_200_vs_floor", uncached, floor, at_least=UNCACHED_OF_FLOOR)
    emit(
        "gunicorn_worker_peak_rss",
        max(peaks.values()) / 1024 if peaks else None,
        "MB",
        workers=len(peaks),
        how="max VmHWM of the site's workers, read from /proc after its loads",
    )


LIVE_STATE_RPS = 2_000


def live_state_figure(server: Server, article, shape: str) -> None:
    """Load the article's live discussion state as its open pages poll it while nothing
    changes (each asks again with the ETag it got: If-None-Match, answered 304) and print
    its req/s."""
    article.refresh_from_db(fields=["comment_count"])
    path = reverse("discussions:discussion_state", args=[article.slug])
    path += f"?seen={article.comment_count}"
    progress("gunicorn, cached: wrk on the live discussion state of that page (If-None-Match)")
    warm(server, path)
    headers = {"If-None-Match": _get(server.port, path).headers["ETag"]}
    if _get_status(server.port, path, headers) != 304:
        raise RuntimeError(f"GET {path} with its own ETag did not answer 304")
    load = measured_load(server, path, headers)
    _load_lines(
        "http_live_state", load, shape, at_least=LIVE_STATE_RPS, if_none_match=bool(headers)
    )


@contextmanager
def signed_in_headers(server: Server, path: str, reader):
    """Sign the reader in (a session in the database, as a login makes) for the block and
    yield the Cookie header a browser then sends: the session and the CSRF cookie the page
    set. GETs need no CSRF token; sending the cookie back spares a new one per response."""
    client = Client()
    client.force_login(reader)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    first = _get(server.port, path, {"Cookie": _cookie_header(cookies)})
    if first.status != 200:
        raise RuntimeError(f"GET {path} signed in answered {first.status}")
    if reader.display_name not in gzip.decompress(first.body).decode():
        raise RuntimeError(f"GET {path} with the session cookie did not sign the reader in")
    jar = http.cookies.SimpleCookie()
    for line in first.headers.get_all("Set-Cookie") or ():
        jar.load(line)
    if settings.CSRF_COOKIE_NAME in jar:
        cookies[settings.CSRF_COOKIE_NAME] = jar[settings.CSRF_COOKIE_NAME].value
    try:
        yield {"Cookie": _cookie_header(cookies)}
    finally:
        client.logout()  # deletes the session row


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def floor_load(page: Answer, path: str) -> Load:
    """Serve the page's gzipped bytes from the framework floor app and load it like the site."""
    if page.status != 200 or page.headers.get("Content-Encoding") != "gzip":
        raise RuntimeError(f"GET {path} did not answer a gzipped page ({page.status})")
    with tempfile.NamedTemporaryFile(prefix="crosstalk-floor-", suffix=".html.gz") as body:
        body.write(page.body)
        body.flush()
        env = {BODY_FILE_ENV: body.name, CONTENT_TYPE_ENV: page.headers["Content-Type"]}
        with gunicorn(app=FLOOR_APP, env=env) as server:
            served = _get(server.port, path)
            if served.body != page.body:
                raise RuntimeError("the framework floor does not serve the page's bytes")
            warm(server, path)
            return measured_load(server, path)


def _floor_ratio(name: str, load: Load, floor: Load, *, at_least: float) -> None:
    failed = {"ok": False} if load.errors or floor.errors else {}  # as in _load_lines
    emit(
        name,
        load.rps / floor.rps if floor.rps else None,
        "ratio",
        at_least=at_least,
        rps=load.rps,
        floor_rps=floor.rps,
        how="req/s over the framework floor's (same gunicorn command, workers and wrk load)",
        **failed,
    )


def _load_lines(name: str, load: Load, shape: str, *, at_least: float | None = None, **extra):
    # A run with failed requests or error responses misses its target, whatever its speed.
    failed = {"ok": False} if load.errors else {}
    emit(
        f"{name}_rps",
        load.rps,
        "req/s",
        at_least=at_least,
        requests=load.requests,
        errors=load.errors,
        worker_cpu_ms_per_request=load.worker_cpu_ms,
        accept_encoding=ACCEPT_ENCODING,
        tool=f"{load.tool} {shape}" if load.tool == "wrk" else load.tool,
        **extra,
        **failed,
    )
