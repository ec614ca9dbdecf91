"""Figures through gunicorn on loopback: throughput and latency (wrk), worker memory (/proc).

Every load is bounded: WRK_SECONDS long, WRK_CONNECTIONS connections, 127.0.0.1 only, and the
server is always stopped afterwards.
"""

import http.client
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


def _get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def gunicorn(*, cache: bool):
    """Run gunicorn (the project's gunicorn.conf.py, bench settings) until the block ends."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        PORT=str(port),
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        CROSSTALK_DB_NAME=settings.DATABASES["default"]["NAME"],
        DEBUG="0",
        CROSSTALK_BENCH_CACHE="on" if cache else "off",
    )
    log = Path(tempfile.gettempdir()) / f"crosstalk-bench-gunicorn-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            [str(GUNICORN), "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
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
    """Return the CPU time (user + system) the workers have used so far."""
    ticks = 0
    for pid in worker_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
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


def warm(server: Server, path: str, requests: int = 40) -> None:
    """Send a few requests so every worker has its connection, templates and cache warm."""
    for _ in range(requests):
        status = _get_status(server.port, path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str) -> Load:
    wrk = shutil.which("wrk")
    if wrk is None:
        return run_python_client(url)
    command = [wrk, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s",
               "--timeout", f"{WRK_TIMEOUT}s", "--latency",
               "-H", f"Accept-Encoding: {ACCEPT_ENCODING}", url]  # fmt: skip
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


def run_python_client(url: str) -> Load:
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
                ok = _get_status(port, path) == 200
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


def measured_load(server: Server, path: str) -> Load:
    """Run the load and add the workers' CPU time per request to it."""
    before = workers_cpu_seconds(server.process.pid)
    load = run_wrk(server.base + path)
    used = workers_cpu_seconds(server.process.pid) - before
    load.worker_cpu_ms = used * 1000 / load.requests if load.requests else 0.0
    return load


def http_figures(discussions) -> None:
    """Print the gunicorn figures: cached 2,000 page, uncached 200 page, worker peak RSS."""
    peaks: dict[int, int] = {}
    shape = f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s"
    progress("gunicorn, cached: wrk on the 2,000-comment article page")
    with gunicorn(cache=True) as server:
        path = discussions[2_000].article.get_absolute_url()
        warm(server, path)
        load = measured_load(server, path)
    peaks.update(server.peak_rss_kb)
    _load_lines("http_article_2000_cached", load, shape, at_least=CACHED_RPS)
    emit(
        "http_article_2000_cached_p99",
        load.p99_ms,
        "ms",
        at_most=CACHED_P99_MS,
        p50=load.p50_ms,
    )
    progress("gunicorn, uncached (DummyCache): wrk on the 200-comment article page")
    with gunicorn(cache=False) as server:
        path = discussions[200].article.get_absolute_url()
        warm(server, path, requests=10)
        load = measured_load(server, path)
    peaks.update(server.peak_rss_kb)
    _load_lines("http_article_200_uncached", load, shape, at_least=UNCACHED_RPS)
    emit("http_article_200_uncached_p99", load.p99_ms, "ms", p50=load.p50_ms)
    emit(
        "gunicorn_worker_peak_rss",
        max(peaks.values()) / 1024 if peaks else None,
        "MB",
        workers=len(peaks),
        how="max VmHWM of the workers, read from /proc after both loads",
    )


def _load_lines(name: str, load: Load, shape: str, *, at_least: float) -> None:
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
        **failed,
    )
