"""Soak the site: `python -m soak` (make soak).

Starts a throwaway PostgreSQL cluster (and Redis, when redis-server is installed), migrates and
seeds it, serves the site with gunicorn under the production settings on 127.0.0.1, runs a
mixed load of readers, posters, voters and flaggers for SOAK_SECONDS (default 90) from
SOAK_CLIENTS threads (default 8), then checks that every acknowledged write is there exactly
once, that vote counters equal vote rows and that every comment tree is sound.

Figures go to stdout as JSON lines, progress to stderr. Exit 1 when any check fails.
Environment: SOAK_SECONDS, SOAK_CLIENTS, SOAK_USERS (default 40), SOAK_SEED, SOAK_REDIS=0
(serve without Redis), WEB_CONCURRENCY (gunicorn workers, default 4).
"""

import os
import shutil
import signal
import sys
import uuid
from contextlib import ExitStack

from soak.checks import Findings, check
from soak.load import Ledger, run, sign_in
from soak.report import emit, percentile, progress
from soak.services import (
    Gunicorn,
    PostgresCluster,
    RedisServer,
    free_port,
    prepare_site,
    seed,
    site_env,
)

KINDS = ("login", "home", "article", "permalink", "post_form", "post", "vote", "flag")


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # unwinds the ExitStack: every service is stopped


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS") or 90)
    clients = int(os.environ.get("SOAK_CLIENTS") or 8)
    users = max(int(os.environ.get("SOAK_USERS") or 40), clients)
    workers = int(os.environ.get("WEB_CONCURRENCY") or 4)
    load_seed = os.environ.get("SOAK_SEED") or uuid.uuid4().hex[:8]
    with_redis = os.environ.get("SOAK_REDIS", "1") != "0" and shutil.which("redis-server")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    with ExitStack() as stack:
        progress("PostgreSQL: a throwaway cluster")
        cluster = PostgresCluster("crosstalk_soak")
        stack.callback(cluster.close)
        cluster.init()
        cluster.start()
        cluster.create_database()
        redis_url = ""
        if with_redis:
            redis = RedisServer()
            stack.callback(redis.close)
            redis.start()
            redis_url = redis.url
        else:
            progress("serving without Redis (SOAK_REDIS=0 or redis-server missing)")
        env = site_env(
            database_url=cluster.url, port=free_port(), redis_url=redis_url, workers=workers
        )
        progress("migrate, collectstatic, seed")
        prepare_site(env)
        seeded = seed(env, users=users, articles=4, comments=60, prefix="soak")
        server = Gunicorn(env)
        stack.callback(server.stop)
        server.start()
        progress(f"gunicorn on 127.0.0.1:{server.port}, {workers} workers; signing readers in")
        ledger = Ledger(seeded, run_id=load_seed)
        readers = sign_in(server.port, seeded, ledger, clients)
        progress(f"mixed load: {seconds:.0f}s, {clients} clients, {len(readers)} readers")
        elapsed = run(
            server.port,
            seeded,
            ledger,
            readers=readers,
            seconds=seconds,
            clients=clients,
            seed=load_seed,
        )
        progress("checking the database")
        findings = check(cluster, env, ledger)
        lines = report(
            ledger,
            findings,
            elapsed=elapsed,
            clients=clients,
            workers=workers,
            cache="redis" if redis_url else "locmem",
            seed=load_seed,
        )
        failed = [line["name"] for line in lines if line["ok"] is False]
        if failed:
            tail = server.log_text()[-4000:]
            progress(f"FAILED: {', '.join(failed)}; gunicorn log tail:\n{tail}")
    progress("done" if not failed else "soak failed")
    return 1 if failed else 0


def report(ledger: Ledger, found: Findings, *, elapsed, clients, workers, cache, seed) -> list:
    samples = ledger.samples
    load = [s for s in samples if s[0] != "login"]
    statuses = [s[1] for s in samples]
    lines = [
        emit(
            "soak_duration",
            elapsed,
            "s",
            clients=clients,
            gunicorn_workers=workers,
            cache=cache,
            seed=seed,
        ),
        emit("soak_requests", len(load), "requests", logins=len(samples) - len(load)),
        emit("soak_throughput", len(load) / elapsed if elapsed else 0.0, "req/s"),
    ]
    for kind in KINDS:
        times = [s[2] * 1000 for s in samples if s[0] == kind]
        if times:
            count = len(times)
            lines.append(emit(f"soak_{kind}_p50", percentile(times, 0.5), "ms", requests=count))
            lines.append(emit(f"soak_{kind}_p99", percentile(times, 0.99), "ms", requests=count))
    lines += [
        emit("soak_5xx", sum(1 for s in statuses if s >= 500), "responses", at_most=0),
        emit("soak_429", statuses.count(429), "responses", note="rate-limited posts, not errors"),
        emit(
            "soak_transport_errors",
            sum(ledger.transport_errors.values()),
            "requests",
            at_most=0,
            detail=dict(ledger.transport_errors),
        ),
        emit(
            "soak_unexpected_responses",
            sum(ledger.unexpected.values()),
            "responses",
            at_most=0,
            detail=dict(ledger.unexpected),
        ),
        emit("soak_comments_acknowledged", len(ledger.acknowledged), "comments"),
        emit(
            "soak_lost_writes",
            len(found.lost_writes),
            "comments",
            at_most=0,
            ids=found.lost_writes[:20],
        ),
        emit("soak_duplicate_writes", found.duplicate_writes, "comments", at_most=0),
        emit(
            "soak_unacknowledged_writes",
            len(found.unacknowledged_writes),
            "comments",
            at_most=0,
            ids=found.unacknowledged_writes[:20],
        ),
        emit("soak_altered_bodies", len(found.altered_bodies), "comments", at_most=0),
        emit("soak_votes_acknowledged", len(ledger.votes), "votes"),
        emit(
            "soak_vote_mismatches",
            len(found.vote_mismatches),
            "votes",
            at_most=0,
            examples=found.vote_mismatches[:10],
        ),
        emit(
            "soak_vote_counter_mismatches",
            found.counter_mismatches,
            "comments",
            at_most=0,
            recount_votes_exit=found.recount_exit,
            output=found.recount_output if found.recount_exit else "",
        ),
        emit(
            "soak_flags_acknowledged", len(ledger.flags), "flags", held_comments=found.held_comments
        ),
        emit(
            "soak_flag_mismatches",
            found.lost_flags + found.unacknowledged_flags,
            "flags",
            at_most=0,
            lost=found.lost_flags,
            unacknowledged=found.unacknowledged_flags,
        ),
        emit(
            "soak_unexplained_refusals",
            len(found.unexplained_refusals),
            "responses",
            at_most=0,
            note="404 on a comment that is not held for review",
            refusals_of_held_comments=len(ledger.refused),
            examples=found.unexplained_refusals[:10],
        ),
        emit(
            "soak_tree_problems",
            len(found.tree_problems),
            "trees",
            at_most=0,
            check_trees_exit=found.tree_exit,
            lines=found.tree_problems[:10],
        ),
        emit(
            "soak_comment_count_mismatches",
            len(found.comment_count_mismatches),
            "articles",
            at_most=0,
            slugs=found.comment_count_mismatches,
        ),
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
