"""Slow clients for the serving tests and the bench: connections that trickle a request's
header lines, and a normal client's latencies measured meanwhile. Loopback only, bounded in
connections and time."""

import http.client
import selectors
import socket
import threading
import time


class Tricklers:
    """`count` connections to 127.0.0.1:port, each sending one header line every `interval`
    seconds and never finishing its request; reopened when the server closes them."""

    def __init__(self, port: int, *, count: int = 200, interval: float = 1.0):
        self.port = port
        self.count = count
        self.interval = interval
        self.closed_by_server = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        time.sleep(0.5)  # all connected before the caller measures
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)

    def _open(self, selector) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.setblocking(False)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        selector.register(sock, selectors.EVENT_READ)

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        for _ in range(self.count):
            self._open(selector)
        next_line = time.monotonic() + self.interval
        n = 0
        while not self._stop.is_set():
            for key, _ in selector.select(timeout=0.05):
                sock = key.fileobj
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                if not data:  # the server gave up on it: another takes its place
                    selector.unregister(sock)
                    sock.close()
                    self.closed_by_server += 1
                    self._open(selector)
            if time.monotonic() >= next_line:
                n += 1
                for key in list(selector.get_map().values()):
                    try:
                        key.fileobj.send(f"X-Trickle-{n}: {n}\r\n".encode())
                    except OSError:
                        pass
                next_line += self.interval
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def latencies(port: int, paths: list[str], *, seconds: float, timeout: float = 5) -> dict:
    """GET the paths in turn for `seconds`, one at a time; return the latencies (ms), the
    timeouts and the statuses seen."""
    samples, timeouts, statuses = [], 0, {}
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            samples.append((time.monotonic() - started) * 1000)
        except TimeoutError:
            timeouts += 1
        finally:
            conn.close()
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))] if samples else None
    return {"samples": samples, "p99_ms": p99, "timeouts": timeouts, "statuses": statuses}
