"""The serving figures (section `serve`): nginx in front of gunicorn, as `make serve` runs it.

- the anonymous 2,000-comment page through nginx (a microcache hit) against the same page
  through gunicorn alone, same wrk load;
- revalidation (If-None-Match of an unchanged page, 304) through gunicorn against the cached
  200 page;
- a normal client's p99 and timeouts while 200 slow clients trickle header lines, against
  gunicorn alone ("before") and behind nginx ("after");
- the share of reads a streaming replica answers under a mixed anonymous load (a throwaway
  primary and its pg_basebackup replica, the production settings).

Every load is bounded (wrk's duration and connections, 200 slow connections for 10 s), on
127.0.0.1 only; every server is stopped afterwards.
"""

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.http import _get, _get_status, gunicorn, measured_load, run_wrk, warm
from bench.report import emit, note, progress
from deploy import nginx
from soak.services import Nginx

MICROCACHE_VS_GUNICORN = 5
MICROCACHE_P99_MS = 20
REVALIDATION_VS_CACHED = 2
SLOW_CLIENTS = 200
SLOW_SECONDS = 10
NORMAL_P99_MS = 200
REPLICA_SHARE = 0.9


@contextmanager
def nginx_in_front(upstream_port: int):
    """Run nginx (deploy/nginx.conf.template, as `make serve` renders it) in front of a
    gunicorn on 127.0.0.1:upstream_port; yield the port it listens on."""
    from bench.http import free_port

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="crosstalk-bench-nginx-") as run_dir:
        conf = nginx.render(
            Path(run_dir), listen=f"127.0.0.1:{port}", upstreams=[f"127.0.0.1:{upstream_port}"]
        )
        proxy = Nginx(conf, port)
        proxy.start()
        try:
            yield port
        finally:
            proxy.stop()


def slow_client_figure(port: int, path: str) -> dict:
    from soak.slow import Tricklers, latencies

    with Tricklers(port, count=SLOW_CLIENTS, interval=1.0):
        return latencies(port, ["/healthz", path], seconds=SLOW_SECONDS)


def serve_figures(discussions) -> None:
    if nginx.NGINX is None or not Path(nginx.NGINX).exists():
        note("serve_microcache_vs_gunicorn", "ratio", "nginx is not installed (make nginx)")
        return
    big = discussions[2_000].article.get_absolute_url()
    shape = "wrk -t2 -c16 -d10s"
    with gunicorn(cache=True) as server:
        progress("serve: the cached 2,000 page through gunicorn alone")
        warm(server, big)
        alone = measured_load(server, big)
        etag = _get(server.port, big).headers.get("ETag")  # gzip asked, as the load does
        progress("serve: revalidation (If-None-Match) through gunicorn")
        revalidated = measured_load(server, big, {"If-None-Match": etag})
        progress("serve: slow clients against gunicorn alone (before)")
        before = slow_client_figure(server.port, big)
        with nginx_in_front(server.port) as port:
            progress("serve: the same page through nginx (microcache)")
            for _ in range(20):
                _get_status(port, big)
            through = run_wrk(f"http://127.0.0.1:{port}{big}")
            progress("serve: slow clients against nginx (after)")
            after = slow_client_figure(port, big)
    emit(
        "serve_microcache_vs_gunicorn",
        through.rps / alone.rps if alone.rps else None,
        "ratio",
        at_least=MICROCACHE_VS_GUNICORN,
        rps=through.rps,
        gunicorn_rps=alone.rps,
        errors=through.errors + alone.errors,
        tool=shape,
    )
    emit("serve_microcache_p99", through.p99_ms, "ms", at_most=MICROCACHE_P99_MS,
         p50=through.p50_ms)  # fmt: skip
    emit(
        "serve_revalidation_vs_cached",
        revalidated.rps / alone.rps if alone.rps else None,
        "ratio",
        at_least=REVALIDATION_VS_CACHED,
        rps=revalidated.rps,
        cached_rps=alone.rps,
        p99_ms=revalidated.p99_ms,
        errors=revalidated.errors,
        tool=shape,
    )
    for when, seen in (("before", before), ("after", after)):
        emit(
            f"serve_slow_clients_normal_p99_{when}",
            seen["p99_ms"],
            "ms",
            at_most=NORMAL_P99_MS if when == "after" else None,
            timeouts=seen["timeouts"],
            requests=len(seen["samples"]),
            statuses=seen["statuses"],
            how=f"{SLOW_CLIENTS} connections sending a header line a second for {SLOW_SECONDS} s;"
            f" {'gunicorn alone' if when == 'before' else 'nginx in front'}; 5 s client timeout",
            **({"ok": False} if when == "after" and seen["timeouts"] else {}),
        )
    replica_share_figure()


def _transactions(cluster) -> int:
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]


def replica_share_figure() -> None:
    from soak.services import ServiceError, replicated_site

    progress("serve: a primary and its streaming replica, mixed anonymous load")
    options = {"users": 5, "articles": 6, "comments": 40, "prefix": "share"}
    try:
        with replicated_site("crosstalk_bench_replica", seed_options=options, workers=3) as up:
            paths = ["/", "/?page=1"] + [
                f"/articles/{a['slug']}/{query}"
                for a in up.made["articles"]
                for query in ("", "?sort=newest", "?sort=oldest")
            ]
            for path in paths:
                _get_status(up.site.port, path)
            counts = (_transactions(up.primary), _transactions(up.replica))
            for path in paths[:4]:
                run_wrk(f"http://127.0.0.1:{up.site.port}{path}")
            # Backends publish their counts when they exit: stop the site before reading them.
            up.site.stop()
            time.sleep(1)
            on_primary = _transactions(up.primary) - counts[0]
            on_replica = _transactions(up.replica) - counts[1]
    except ServiceError as error:
        note("serve_replica_read_share", "ratio", f"no replica: {error}")
        return
    total = on_primary + on_replica
    emit(
        "serve_replica_read_share",
        on_replica / total if total else None,
        "ratio",
        at_least=REPLICA_SHARE,
        replica_transactions=on_replica,
        primary_transactions=on_primary,
        how="transactions committed on each server (pg_stat_database) during wrk loads of the"
        " home page and article pages, anonymous, production settings",
    )
